"""Ctrl+E exports off the UI thread, on real sample photos and a real SQLite store, with the
real describer making and checking each redacted copy (seconds per photo): the window keeps
answering keys, progress is said at a calm rate, Escape stops between two photos and leaves
nothing partial, and the result is said once."""

from __future__ import annotations

import csv

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton

from accessshare.consent.form import load_form
from accessshare.consent.walk import record_walk_completed
from accessshare.sentences import en
from accessshare.ui.consent_controller import ConsentController
from accessshare.ui.export_job import ExportJob

EXPORT_TIMEOUT_MS = 240_000  # the describer's models load in the export's worker first


def _controller(window) -> ConsentController:
    record_walk_completed(window.store, load_form())
    return ConsentController(window)


def _decide(window, controller, shared_redacted: list[str], shared: list[str] = ()) -> None:
    for name in shared_redacted:
        window.list.setCurrentRow(window.row_of(name))
        controller.share_redacted()
    for name in shared:
        window.list.setCurrentRow(window.row_of(name))
        controller.share()


def _start_photo_export(window, controller, folder, press, active_modal):
    """Ctrl+E, the photos choice by arrows, the folder typed, Enter: the export starts."""
    controller.export()
    dialog = active_modal(besides=window)
    press(Qt.Key.Key_Down)
    press(Qt.Key.Key_Down)
    assert dialog.kind().key == "photos"
    while QApplication.focusWidget() is not dialog.path:
        press(Qt.Key.Key_Tab)
    dialog.path.selectAll()
    press(Qt.Key.Key_Delete)
    QTest.keyClicks(dialog.path, str(folder))
    controller.export_job.progress_seconds = 0  # every count is said: the test hears each one
    press(Qt.Key.Key_Return)
    assert controller.export_job.running
    return dialog


def _manifest_names(folder) -> list[str]:
    with (folder / "manifest.csv").open(encoding="utf-8-sig", newline="") as handle:
        return [row["file"] for row in csv.DictReader(handle)]


def _said(window, start: str) -> list[str]:
    return [line for line in window.announcer.log if line.startswith(start)]


def test_the_window_answers_keys_while_photos_export_and_the_result_is_said_once(
        stand_in_window, active_modal, press, qtbot, tmp_path):
    window = stand_in_window
    controller = _controller(window)
    _decide(window, controller, ["astronaut.jpg", "chelsea.jpg"], ["coffee.jpg"])
    window.list.setCurrentRow(window.row_of("coffee.jpg"))
    folder = tmp_path / "research"
    dialog = _start_photo_export(window, controller, folder, press, active_modal)
    job = controller.export_job
    qtbot.waitUntil(lambda: en.EXPORT_STARTED in window.announcer.log, timeout=10_000)

    # Close leaves it running, and says so; the window has the keys again.
    close = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Close")
    close.setFocus()
    press(Qt.Key.Key_Space)
    assert window.announcer.log[-1] == en.EXPORT_GOES_ON
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=5000)
    row = window.list.currentRow()
    QTest.keyClick(window.list, Qt.Key.Key_Down)
    assert window.list.currentRow() == row + 1
    assert job.running, "the Down key was handled only after the export had finished"

    qtbot.waitUntil(lambda: not job.running, timeout=EXPORT_TIMEOUT_MS)
    # Progress, said from the window (no dialog in front), then the result once.
    assert _said(window, "Exported ") == ["Exported 1 of 3.", "Exported 2 of 3."]
    results = _said(window, "Copied ")
    assert results == [f"Copied 3 photos shared for research to {folder}, with manifest.csv. "
                       "2 are redacted copies, each described again to check that what was to "
                       "be removed is gone. Left out: 7 not yet decided."]
    names = _manifest_names(folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted([*names, "manifest.csv"])
    assert "coffee.jpg" in names and len(names) == 3


def test_escape_stops_between_photos_leaving_nothing_partial_and_says_what_was_exported(
        stand_in_window, active_modal, press, qtbot, tmp_path):
    window = stand_in_window
    controller = _controller(window)
    _decide(window, controller, ["astronaut.jpg", "camera.jpg", "chelsea.jpg", "coffee.jpg"])
    folder = tmp_path / "stopped"
    dialog = _start_photo_export(window, controller, folder, press, active_modal)
    job = controller.export_job
    qtbot.waitUntil(lambda: "Exported 1 of 4." in window.announcer.log,
                    timeout=EXPORT_TIMEOUT_MS)
    press(Qt.Key.Key_Escape)
    assert window.announcer.log[-1] == en.EXPORT_STOPPING
    assert QApplication.activeModalWidget() is dialog  # it stays to say how it ended
    qtbot.waitUntil(lambda: not job.running, timeout=EXPORT_TIMEOUT_MS)

    stopped = _said(window, "Stopped. ")
    assert len(stopped) == 1
    names = _manifest_names(folder)
    assert 1 <= len(names) < 4
    assert stopped[0] == (f"Stopped. Exported {len(names)} of 4 photos to {folder}, each "
                          "complete and named in manifest.csv; nothing partial was left.")
    # Exactly the copies the manifest names: no temporary ".partial" file, no half copy.
    assert sorted(p.name for p in folder.iterdir()) == sorted([*names, "manifest.csv"])
    assert dialog.result.toPlainText() == stopped[0]
    assert not _said(window, "Exported 2 of 4.") or len(names) >= 2
    press(Qt.Key.Key_Escape)  # the second Escape closes the dialog
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=5000)


def test_an_export_that_cannot_be_made_is_one_sentence(
        stand_in_window, active_modal, press, qtbot, sample_copy):
    window = stand_in_window
    controller = _controller(window)
    _decide(window, controller, [], ["coffee.jpg"])
    _start_photo_export(window, controller, sample_copy / "inside", press, active_modal)
    qtbot.waitUntil(lambda: not controller.export_job.running, timeout=30_000)
    problem = [line for line in window.announcer.log if "inside the dataset folder" in line]
    assert problem == [f"{sample_copy / 'inside'} is inside the dataset folder dataset; choose a "
                       "folder outside your photos."]
    assert not (sample_copy / "inside").exists() or not any((sample_copy / "inside").iterdir())


def test_progress_is_said_at_a_calm_rate(qtbot):
    """With the export dialog in front: one count every ``progress_seconds`` at most; the
    first photo's count waits a full interval after the start."""
    said: list[str] = []
    now = [0.0]
    job = ExportJob(None, None, lambda text, _kind: said.append(text),  # type: ignore[arg-type]
                    in_front=lambda: True, clock=lambda: now[0])
    job.running = True
    job._last_said = 0.0
    for second, done in [(1, 1), (2, 2), (5.5, 3), (6, 4), (11, 5), (12, 12)]:
        now[0] = second
        job._progressed((done, 12))
    assert said == ["Exported 3 of 12.", "Exported 5 of 12."]
