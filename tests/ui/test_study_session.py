"""A study session in the real main window (offscreen): the participant hears what is
recorded and agrees before anything is kept, the Study menu's keys say every change, the
facilitator's view follows without taking focus, and the export holds no image content."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from accessshare.study import report
from accessshare.study.protocol import parse_protocol

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "helpers"))
from study_content import forbidden_content, leaks  # noqa: E402

PROTOCOL = "# Session 1\n1. Find a photo of a cup.\n2. Decide for a photo with a face.\n"


def answer_modal(qtbot, button_name: str) -> list[str]:
    """Press ``button_name`` in the next modal box once it is shown; returns its text."""
    seen = []

    def press() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, press)
            return
        seen.append(f"{box.text()} {box.informativeText()}")
        next(b for b in box.buttons() if b.accessibleName() == button_name).click()

    QTimer.singleShot(0, press)
    return seen


def key(qtbot, widget, name, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(widget, name, modifier)


def test_a_session_records_only_after_agreement_and_exports_no_image_content(
        qtbot, make_window, dataset, store, tmp_path):
    window = make_window(dataset)
    spoken = window.announcer.history
    seen = answer_modal(qtbot, "Agree")
    assert window.study.start("P07", "F2")
    qtbot.waitUntil(lambda: window.study.recorder.active, timeout=5000)
    assert "It never records file names, descriptions, text in your photos" in seen[0]
    assert "pause recording at any time with Ctrl+Shift+P, or from the Study menu" in seen[0]
    assert "Recording started." in spoken
    view = window.study.view
    assert view.isVisible()
    # Focus comes back to the list as the box closes, and stays there with the view shown.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.photo_list, timeout=5000)
    lst = window.photo_list
    key(qtbot, lst, Qt.Key.Key_Down)
    key(qtbot, lst, Qt.Key.Key_Down)
    key(qtbot, lst, Qt.Key.Key_Space)
    decide_now = answer_modal(qtbot, "Decide now")
    key(qtbot, lst, Qt.Key.Key_Y)
    qtbot.waitUntil(lambda: bool(decide_now) and any(s.startswith("Saved.") for s in spoken),
                    timeout=5000)
    key(qtbot, lst, Qt.Key.Key_Down)
    key(qtbot, lst, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: sum(s.startswith("Saved.") for s in spoken) == 2, timeout=5000)
    qtbot.waitUntil(lambda: "Moved to photo 4" in view.done_label.text(), timeout=2000)
    assert "Saved." in view.said_label.text()
    assert QApplication.focusWidget() is lst  # the view never took it
    window.close()
    rows = report.event_rows(store, "P07")
    kinds = [r["event"] for r in rows]
    assert kinds[0] == "recording_agreed" and kinds[-1] == "session_ended"
    assert [r["photo_position"] for r in rows if r["event"] == "photo_moved"] == [2, 3, 4]
    decisions = [(r["photo_position"], r["purpose"], r["state"]) for r in rows
                 if r["event"] == "decision"]
    assert decisions == [(3, "research", "given"), (4, "all", "refused")]
    assert {"share", "dont_share", "repeat_description"} <= {
        r["detail"].get("action") for r in rows if r["event"] == "action"}
    assert any(r["event"] == "description_heard" for r in rows)
    for fmt in ("csv", "json"):
        target = tmp_path / f"study.{fmt}"
        report.export(store, target, fmt)
        text = target.read_text(encoding="utf-8")
        forbidden = forbidden_content(dataset, [d.to_json() for d in window.model.descriptions.values()])
        assert len(forbidden["words"]) > 20 and len(forbidden["hashes"]) == 10
        assert leaks(text, forbidden) == [], fmt
        # The search can fail: a description sentence in the export is found.
        sentence = next(iter(window.model.descriptions.values())).sentence
        assert leaks(text + sentence, forbidden)


def test_the_study_menu_says_every_change_and_the_view_takes_no_focus(
        qtbot, make_window, dataset, store):
    window = make_window(dataset, describe=False)
    spoken = window.announcer.history
    lst = window.photo_list
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    key(qtbot, lst, Qt.Key.Key_P, ctrl_shift)
    assert spoken[-1] == "No study session is running. Start one with Ctrl+Shift+S."
    answer_modal(qtbot, "Do not record")
    window.study.start("P12", protocol=parse_protocol(PROTOCOL))
    qtbot.waitUntil(lambda: spoken[-1].startswith("Nothing is recorded."), timeout=5000)
    key(qtbot, lst, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is lst, timeout=5000)
    answer_modal(qtbot, "Agree")
    key(qtbot, lst, Qt.Key.Key_S, ctrl_shift)  # Start: asks again
    qtbot.waitUntil(lambda: spoken[-1] == "Recording started. Task 1 of 2: Find a photo of a cup.",
                    timeout=5000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is lst, timeout=5000)
    key(qtbot, lst, Qt.Key.Key_T, ctrl_shift)
    assert spoken[-1] == "Task 1 of 2: Find a photo of a cup."
    key(qtbot, lst, Qt.Key.Key_P, ctrl_shift)
    assert spoken[-1] == "Recording paused. Nothing is recorded until you resume it."
    assert "paused" in window.study.view.status_label.text()
    key(qtbot, lst, Qt.Key.Key_Down)  # not recorded
    key(qtbot, lst, Qt.Key.Key_P, ctrl_shift)
    assert spoken[-1] == "Recording resumed."
    key(qtbot, lst, Qt.Key.Key_X, ctrl_shift)
    assert spoken[-1] == "Task 2 of 2: Decide for a photo with a face."
    assert "Task 2 of 2" in window.study.view.status_label.text()
    key(qtbot, lst, Qt.Key.Key_V, ctrl_shift)
    assert spoken[-1] == "Facilitator's view hidden."
    key(qtbot, lst, Qt.Key.Key_V, ctrl_shift)
    assert spoken[-1] == "Facilitator's view shown. It takes no keyboard focus."
    assert QApplication.focusWidget() is lst
    key(qtbot, lst, Qt.Key.Key_E, ctrl_shift)
    assert spoken[-1] == "Study session P12 ended."
    rows = report.event_rows(store, "P12")
    assert [r["event"] for r in rows if r["event"] != "action"] == [
        "recording_agreed", "dataset_opened", "task_started", "recording_paused",
        "recording_resumed", "task_ended", "task_started", "task_ended", "session_ended"]
    assert not any(r["event"] == "photo_moved" for r in rows)  # before agreement; paused


def choose_in_dialog(qtbot, title_part: str) -> None:
    """Press Return in the next non-message dialog whose title has ``title_part``."""
    def ready() -> bool:
        modal, focused = QApplication.activeModalWidget(), QApplication.focusWidget()
        return (modal is not None and title_part in modal.windowTitle()
                and focused is not None and modal.isAncestorOf(focused))
    qtbot.waitUntil(ready, timeout=5000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)


def test_decisions_on_many_photos_keep_their_positions_never_their_names(
        qtbot, make_window, dataset, store, tmp_path):
    window = make_window(dataset, describe=False)
    spoken = window.announcer.history
    answer_modal(qtbot, "Agree")
    assert window.study.start("P13")
    qtbot.waitUntil(lambda: window.study.recorder.active, timeout=5000)
    lst = window.photo_list
    qtbot.waitUntil(lambda: QApplication.focusWidget() is lst, timeout=5000)
    shown = window.model.rowCount()
    ctrl = Qt.KeyboardModifier.ControlModifier
    key(qtbot, lst, Qt.Key.Key_Down)  # photo 2 gets a decision of its own
    answer_modal(qtbot, "Decide now")
    key(qtbot, lst, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: sum(s.startswith("Saved.") for s in spoken) == 1, timeout=5000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is lst, timeout=5000)
    answer_modal(qtbot, "Yes")
    key(qtbot, lst, Qt.Key.Key_D, ctrl)  # the folder's default: every photo but 2 follows it
    choose_in_dialog(qtbot, "folder")
    qtbot.waitUntil(lambda: sum(s.startswith("Saved.") for s in spoken) == 2, timeout=10_000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is lst, timeout=5000)
    answer_modal(qtbot, "Yes")
    key(qtbot, lst, Qt.Key.Key_B, ctrl)  # all shown photos at once
    choose_in_dialog(qtbot, "")
    qtbot.waitUntil(lambda: sum(s.startswith("Saved.") for s in spoken) == 3, timeout=10_000)
    qtbot.waitUntil(lambda: f"Decided {shown} photos at once: given"
                    in window.study.view.done_label.text(), timeout=2000)
    assert f"Decided the folder's default for {shown - 1} photos shown: given" in (
        window.study.view.done_label.text())
    window.close()
    target = tmp_path / "study.csv"
    report.export(store, target, "csv")
    text = target.read_text(encoding="utf-8")
    # One row each, found by searching the export: the count, the positions and the scope.
    assert f'""photos"": {shown - 1}, ""positions"": ""1,3-{shown}"", ""scope"": ""folder""' in text
    assert f'""photos"": {shown}, ""positions"": ""1-{shown}"", ""scope"": ""shown""' in text
    decisions = [(r["photo_position"], r["state"]) for r in report.event_rows(store, "P13")
                 if r["event"] == "decision"]
    assert decisions == [(2, "refused"), (None, "given"), (None, "given")]
    assert leaks(text, forbidden_content(dataset, [])) == []


def test_a_note_from_another_terminal_shows_live_in_the_facilitators_view(
        qtbot, make_window, dataset, store, app_paths):
    """A real second process (``accessshare study note``) writes to the same store while the
    window runs; the view shows the note, the participant does not hear it, and a note added
    from the Study menu is shown once, not again when the store is looked at."""
    window = make_window(dataset, describe=False)
    spoken = window.announcer.history
    answer_modal(qtbot, "Agree")
    assert window.study.start("P15")
    recorder = window.study.recorder
    qtbot.waitUntil(lambda: recorder.active, timeout=5000)
    lst = window.photo_list
    qtbot.waitUntil(lambda: QApplication.focusWidget() is lst, timeout=5000)
    view = window.study.view

    def typed_note() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.windowTitle() != "Add a note":
            QTimer.singleShot(20, typed_note)
            return
        dialog.setTextValue("our own note")
        dialog.accept()

    QTimer.singleShot(0, typed_note)
    key(qtbot, lst, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier
        | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: spoken[-1] == "Note added.", timeout=5000)
    qtbot.waitUntil(lambda: "Note: our own note" in view.done_label.text(), timeout=2000)
    qtbot.waitUntil(lambda: bool(store.study_events(recorder.session_id, kind="note")),
                    timeout=5000)
    written = subprocess.run(
        [sys.executable, "-m", "accessshare", "--data-dir", str(app_paths.data_dir), "study",
         "note", "Asked  what the second photo shows"],
        capture_output=True, text=True, timeout=120)
    assert written.returncode == 0, written.stderr
    assert written.stdout.startswith("Note added to P15's session")
    qtbot.waitUntil(lambda: "Note: Asked what the second photo shows" in view.done_label.text(),
                    timeout=15_000)
    assert list(view.done).count("Note: our own note") == 1
    assert not any("second photo shows" in s for s in spoken)  # the facilitator's, not said
    assert QApplication.focusWidget() is lst
    window.close()
    notes = [r["detail"]["note"] for r in report.event_rows(store, "P15") if r["event"] == "note"]
    assert notes == ["our own note", "Asked what the second photo shows"]
