"""Ctrl+E by keyboard: the consent log as JSON and CSV, the research subset, and verification;
the files written verify and hold exactly what was decided."""

from __future__ import annotations

import csv
import json

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QRadioButton

from accessshare.consent.export import verify_export_file
from accessshare.consent.form import load_form
from accessshare.consent.walk import record_walk_completed
from accessshare.records.signing import short_fingerprint
from accessshare.ui.consent_controller import ConsentController


def _type_path(dialog, path, press, qtbot=None, controller=None):
    """Type ``path`` and press Enter; with ``controller``, wait until the export it started
    in the background has ended and its result is shown."""
    while QApplication.focusWidget() is not dialog.path:
        press(Qt.Key.Key_Tab)
    dialog.path.selectAll()
    press(Qt.Key.Key_Delete)
    QTest.keyClicks(dialog.path, str(path))
    press(Qt.Key.Key_Return)
    if controller is not None:
        qtbot.waitUntil(lambda: not controller.export_job.running, timeout=60_000)


def _back_to_choices(press):
    while not isinstance(QApplication.focusWidget(), QRadioButton):
        press(Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)


def test_export_dialog_writes_files_that_verify(stand_in_window, active_modal, press, qtbot, tmp_path):
    window = stand_in_window
    record_walk_completed(window.store, load_form())
    controller = ConsentController(window)
    shared = window.photos[:3]
    for row in range(3):  # share three photos for research only, refuse the fourth
        window.list.setCurrentRow(row)
        controller.share()
    window.list.setCurrentRow(3)
    controller.dont_share()

    controller.export()
    dialog = active_modal(besides=window)
    assert window.announcer.log[-1] == "Export and verify consent records."
    assert QApplication.focusWidget().accessibleName() == "Consent log as JSON"
    log_file = tmp_path / "out" / "consent-log.json"
    _type_path(dialog, log_file, press, qtbot, controller)
    assert window.announcer.log[-1].startswith("Saved the consent log with ")
    assert verify_export_file(log_file).ok
    exported = json.loads(log_file.read_text(encoding="utf-8"))
    events = [e for record in exported["records"] for e in record["events"]]
    assert {(e["purpose"], e["state"]) for e in events} >= {("research", "given"), ("research", "refused")}

    # CSV: arrow to the second choice.
    _back_to_choices(press)
    press(Qt.Key.Key_Down)
    assert dialog.kind().key == "csv"
    csv_file = tmp_path / "out" / "consent-log.csv"
    _type_path(dialog, csv_file, press, qtbot, controller)
    rows = list(csv.DictReader(csv_file.open(encoding="utf-8-sig")))
    assert len(rows) == len(events)

    # The research subset: exactly the three shared photos.
    _back_to_choices(press)
    press(Qt.Key.Key_Down)
    assert dialog.kind().key == "photos" and dialog.purpose.currentData() == "research"
    subset = tmp_path / "research"
    _type_path(dialog, subset, press, qtbot, controller)
    assert window.announcer.log[-1].startswith("Copied 3 photos shared for research")
    assert sorted(p.name for p in subset.iterdir() if p.name != "manifest.csv") == sorted(
        p.path.name for p in shared)

    # Verify the log, then a tampered copy.
    _back_to_choices(press)
    press(Qt.Key.Key_Down)
    assert dialog.kind().key == "verify"
    _type_path(dialog, log_file, press, qtbot, controller)
    key = short_fingerprint(window.store.device_key().fingerprint)
    assert window.announcer.log[-1].startswith(
        f"consent-log.json is intact: {len(events)} events verified. Signed by ")
    assert window.announcer.log[-1].endswith(f" with the device key {key}.")
    tampered = tmp_path / "tampered.json"
    tampered.write_text(log_file.read_text(encoding="utf-8").replace('"refused"', '"given"', 1),
                        encoding="utf-8")
    _type_path(dialog, tampered, press, qtbot, controller)
    assert window.announcer.log[-1].startswith("tampered.json was altered at ")
    assert dialog.result.toPlainText() == window.announcer.log[-1]


def test_a_choice_reached_by_its_letter_is_already_selected_when_focused(
        stand_in_window, active_modal, press, qtbot):
    """Alt+C: a screen reader hears "Consent log as CSV, selected", not "not selected"."""
    window = stand_in_window
    ConsentController(window).export()
    dialog = active_modal(besides=window)
    focused_states = []

    def on_focus(_old, new):
        if isinstance(new, QRadioButton):
            focused_states.append((new.accessibleName(), new.isChecked()))

    QApplication.instance().focusChanged.connect(on_focus)
    try:
        press(Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: dialog.kind().key == "csv")
        press(Qt.Key.Key_Down)  # arrows select what they reach, too
        assert dialog.kind().key == "photos"
    finally:
        QApplication.instance().focusChanged.disconnect(on_focus)
    assert focused_states == [("Consent log as CSV", True), ("Photos shared for a purpose", True)]
