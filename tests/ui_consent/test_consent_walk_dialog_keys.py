"""The consent walk dialog by keyboard alone, on a small scripted walk."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QRadioButton

from accessshare.ui.consent_walk_dialog import ConsentWalkDialog, WalkPage


class ScriptedWalk:
    """Two sections and one question (right answer: the second choice)."""

    PAGES = [
        ("Who sees your photos", "Researchers at the lab see them.", ()),
        ("What deletion removes", "The file and every copy.", ()),
        ("Who will see your photos?", "", ("Anyone online", "Researchers at the lab")),
    ]

    def __init__(self):
        self.index = 0
        self.completed = 0

    def page(self):
        title, text, choices = self.PAGES[self.index]
        return WalkPage(self.index + 1, len(self.PAGES), title, text, choices)

    def can_go_back(self):
        return self.index > 0

    def forward(self):
        self.index += 1

    def back(self):
        self.index -= 1

    def answer(self, choice):
        if choice == 1:
            self.answered = True
            return True, ""
        return False, "Only researchers at the lab see them."

    def is_finished(self):
        return self.index >= len(self.PAGES) - 1 and self.answered

    answered = False

    def complete(self):
        self.completed += 1
        return "Consent walk complete."


def _open(qtbot, walk, heard):
    dialog = ConsentWalkDialog(walk, heard.append)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    return dialog


def _press(key, modifier=Qt.KeyboardModifier.NoModifier):
    QTest.keyClick(QApplication.focusWidget(), key, modifier)


def test_walk_through_sections_and_a_wrong_answer(qtbot):
    walk, heard = ScriptedWalk(), []
    dialog = _open(qtbot, walk, heard)
    assert QApplication.focusWidget() is dialog.reading
    assert dialog.reading.accessibleName() == "Who sees your photos"
    assert heard[-1] == "Who sees your photos. Researchers at the lab see them."
    _press(Qt.Key.Key_Return)
    assert dialog.reading.accessibleName() == "What deletion removes"
    assert QApplication.focusWidget() is dialog.reading
    _press(Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert dialog.reading.accessibleName() == "Who sees your photos"
    _press(Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    _press(Qt.Key.Key_Return)
    # The question: focus on the first choice, the group named by the question.
    choice = QApplication.focusWidget()
    assert isinstance(choice, QRadioButton) and choice.text() == "Anyone online"
    assert dialog.question.accessibleName() == "Who will see your photos?"
    assert heard[-1].startswith("Question. Who will see your photos?")
    _press(Qt.Key.Key_Space)
    _press(Qt.Key.Key_Return)
    assert heard[-1] == "Not quite. Only researchers at the lab see them."
    assert dialog.feedback.text() == heard[-1]
    # Focus lands on a fresh button for the same choice, whose description explains, so
    # Orca (which ignores announcements) speaks the explanation.
    choice = QApplication.focusWidget()
    assert isinstance(choice, QRadioButton) and choice.text() == "Anyone online"
    assert choice.isChecked()
    assert choice.accessibleDescription() == "Not quite. Only researchers at the lab see them."
    assert dialog.isVisible() and walk.completed == 0
    _press(Qt.Key.Key_Down)
    assert QApplication.focusWidget().text() == "Researchers at the lab"
    _press(Qt.Key.Key_Return)
    # The right answer is confirmed on its own focused page; Enter then finishes.
    assert QApplication.focusWidget() is dialog.reading
    assert dialog.reading.accessibleName() == "Correct."
    assert heard[-1] == "Correct."
    assert walk.completed == 0 and dialog.next_button.text() == "&Finish"
    _press(Qt.Key.Key_Return)
    assert walk.completed == 1
    assert heard[-1] == "Consent walk complete."
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_escape_asks_before_stopping(qtbot, active_modal):
    walk, heard = ScriptedWalk(), []
    dialog = _open(qtbot, walk, heard)
    _press(Qt.Key.Key_Escape)
    box = active_modal(besides=dialog)
    assert "Stop the consent walk?" in box.text()
    _press(Qt.Key.Key_Return)  # the default answer keeps going
    qtbot.waitUntil(lambda: not box.isVisible())
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.reading)
    _press(Qt.Key.Key_Escape)
    box = active_modal(besides=dialog)
    while QApplication.focusWidget().accessibleName() != "Stop":
        _press(Qt.Key.Key_Tab)
    _press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert heard[-1] == "Consent walk stopped."
    assert walk.completed == 0
