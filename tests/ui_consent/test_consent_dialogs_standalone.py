"""The consent dialogs on their own, driven by keyboard only."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCheckBox, QDialog, QRadioButton

from accessshare.ui.consent_delete_dialog import delete_confirmation
from accessshare.ui.consent_export_dialog import ConsentExportDialog
from accessshare.ui.consent_purposes_dialog import ConsentPurposesDialog, PurposeChoice
from accessshare.ui.consent_widgets import was_confirmed


def _purposes():
    return [
        PurposeChoice("research", "Research", "Studies by researchers.", "shared", True),
        PurposeChoice("training", "Training AI models", "Teaching a model.", "not yet decided", False),
        PurposeChoice("commercial", "Commercial use", "Companies selling products.", "not shared", False),
    ]


def test_purposes_checklist_by_keyboard(qtbot):
    dialog = ConsentPurposesDialog("coffee.jpg", _purposes())
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    first = QApplication.focusWidget()
    assert isinstance(first, QCheckBox) and first.accessibleName() == "Research"
    assert "Now shared." in first.accessibleDescription()
    QTest.keyClick(first, Qt.Key.Key_Tab)
    second = QApplication.focusWidget()
    assert second.accessibleName() == "Training AI models"
    QTest.keyClick(second, Qt.Key.Key_Space)
    QTest.keyClick(second, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.chosen_purposes() == ["research", "training"]


def test_purposes_escape_changes_nothing(qtbot):
    dialog = ConsentPurposesDialog("coffee.jpg", _purposes())
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_delete_confirmation_says_what_goes_and_defaults_to_cancel(qtbot):
    box = delete_confirmation(None, "coffee.jpg", exported_copies=2)
    qtbot.addWidget(box)
    spoken = box.text() + " " + box.informativeText()
    for words in ("coffee.jpg", "photo file", "thumbnail", "description", "recognised text",
                  "the 2 copies AccessShare exported", "cannot be undone"):
        assert words in spoken
    with qtbot.waitActive(box):
        box.show()
        box.activateWindow()
    assert QApplication.focusWidget().text() == "Cancel"
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert not was_confirmed(box)


class FakeExportActions:
    def __init__(self, folder: Path):
        self.folder = folder
        self.calls = []

    def purposes(self):
        return [("research", "Research"), ("commercial", "Commercial use")]

    def default_path(self, kind, purpose):
        return self.folder / f"{kind}-{purpose or 'log'}"

    def run(self, kind, path, purpose):
        self.calls.append((kind, path, purpose))
        return f"Did {kind} to {path.name}."


def test_export_dialog_by_keyboard(qtbot, tmp_path):
    actions = FakeExportActions(tmp_path)
    heard = []
    dialog = ConsentExportDialog(actions, heard.append)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    first = QApplication.focusWidget()
    assert isinstance(first, QRadioButton) and first.accessibleName() == "Consent log as JSON"
    QTest.keyClick(first, Qt.Key.Key_Down)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert dialog.kind().key == "photos"
    assert dialog.purpose.isEnabled()
    assert dialog.path.accessibleName() == "Copy photos into folder"
    # Tab: purpose, path, Browse; then type into the path and press Enter.
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.purpose
    QTest.keyClick(dialog.purpose, Qt.Key.Key_Down)
    QTest.keyClick(dialog.purpose, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.path
    dialog.path.selectAll()
    QTest.keyClicks(dialog.path, str(tmp_path / "subset"))
    QTest.keyClick(dialog.path, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.browse
    QTest.keyClick(dialog.browse, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is dialog.path
    QTest.keyClick(dialog.path, Qt.Key.Key_Return)
    assert actions.calls == [("photos", tmp_path / "subset", "commercial")]
    assert heard == ["Did photos to subset."]
    assert dialog.result.toPlainText() == "Did photos to subset."
    names = [QAccessible.queryAccessibleInterface(w).text(QAccessible.Text.Name)
             for w in (dialog.purpose, dialog.path, dialog.browse, dialog.run_button)]
    assert all(names), names


def test_history_dialog_reads_each_decision_whole(qtbot):
    from accessshare.ui.consent_history_dialog import ConsentHistoryDialog

    dialog = ConsentHistoryDialog("coffee.jpg", ["You shared this on 3 March.", "You withdrew it on 5 March."])
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    assert QApplication.focusWidget() is dialog.reading
    assert dialog.reading.accessibleName() == "History of coffee.jpg"
    # One list item per sentence, read whole however it wraps; a short first item.
    assert dialog.reading.lines() == [
        "Decisions for coffee.jpg, purpose by purpose:", "You shared this on 3 March.",
        "You withdrew it on 5 March."]
    # A screen reader reads the short first item on focus, then every decision (its
    # description).
    first = QAccessible.queryAccessibleInterface(dialog.reading).focusChild()
    assert first.text(QAccessible.Text.Name) == "Decisions for coffee.jpg, purpose by purpose:"
    assert first.text(QAccessible.Text.Description).startswith(
        "You shared this on 3 March. You withdrew it on 5 March.")
    QTest.keyClick(dialog.reading, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_bulk_dialog_choice_by_arrows(qtbot):
    from accessshare.ui.consent_bulk_dialog import ConsentBulkDialog

    texts = {"share": "Share for research", "dont_share": "Don't share", "undecided": "Undecided"}
    dialog = ConsentBulkDialog(12, texts)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    assert dialog.windowTitle() == "Decide for all 12 photos shown"
    assert QApplication.focusWidget().accessibleName() == "Share for research"
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.decision() == "dont_share"


def test_export_browse_works_by_keyboard(qtbot, tmp_path, active_modal, press):
    actions = FakeExportActions(tmp_path)
    dialog = ConsentExportDialog(actions, lambda _text: None)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    dialog.browse.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.browse)
    press(Qt.Key.Key_Space)
    files = active_modal(besides=dialog)
    assert files is dialog.file_dialog
    # The file name field has focus in Qt's own dialog: type a name and press Enter.
    QTest.keyClicks(QApplication.focusWidget(), "chosen-log.json")
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.file_dialog is None)
    assert Path(dialog.path.text()).name == "chosen-log.json"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.path)
