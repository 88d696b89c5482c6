"""Ctrl+I: the interactive consent walk, one section or question at a time, by keyboard.

The dialog only shows pages and passes answers on; which page comes next, whether an answer is
right and what completion means belong to a ``WalkDriver`` (built on the consent core's
``ConsentWalk``). Each page's title and text are announced, shown in a read-only pane that takes
focus, and carried in the focused widget's accessible name so Orca, which ignores
announcements, speaks them on focus.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from accessshare.consent.walk import WalkStep
from accessshare.ui.consent_widgets import ReadingPane, confirmation_box, make_button, name_widget, was_confirmed


WalkPage = WalkStep  # what one step of the walk shows


class WalkDriver(Protocol):
    def page(self) -> WalkPage: ...
    def can_go_back(self) -> bool: ...
    def forward(self) -> None: ...  # leave a section page
    def back(self) -> None: ...
    def answer(self, choice: int) -> tuple[bool, str]: ...  # (correct, explanation); moves on if correct
    def is_finished(self) -> bool: ...
    def complete(self) -> str: ...  # records completion, returns the sentence to announce


KEY_HELP = "Enter or Alt+Right goes on, Alt+Left goes back, Escape stops."


class ConsentWalkDialog(QDialog):
    def __init__(self, driver: WalkDriver, announce: Callable[[str], None],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._driver = driver
        self._announce = announce
        self._stop_box = None
        self.completed = False
        self.setWindowTitle("Consent: what sharing your photos means")
        self.setAccessibleName(self.windowTitle())

        self.position = QLabel()
        self.reading = ReadingPane("Consent text")
        self.question = QGroupBox()
        self._choices = QButtonGroup(self)
        self._choice_layout = QVBoxLayout(self.question)
        self.feedback = QLabel()
        self.feedback.setWordWrap(True)
        self.back_button = make_button("&Back", "Go to the previous part.", self._back)
        self.next_button = make_button("&Next", "Go to the next part.", self._next)
        self.next_button.setDefault(True)
        self.next_button.setAutoDefault(True)
        self.back_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.position)
        layout.addWidget(self.reading, 1)
        layout.addWidget(self.question)
        layout.addWidget(self.feedback)
        layout.addLayout(buttons)
        for keys, slot in (("Alt+Right", self._next), ("Alt+Left", self._back)):
            QShortcut(QKeySequence(keys), self, activated=slot)
        self.resize(560, 420)
        self._show_page()

    # The page on screen -------------------------------------------------------------------

    def _show_page(self) -> None:
        page = self._driver.page()
        where = f"Part {page.number} of {page.total}"
        self.position.setText(where)
        self.feedback.clear()
        self.back_button.setEnabled(self._driver.can_go_back())
        next_text = "&Finish" if page.is_last and not page.is_question else (
            "&Check answer" if page.is_question else "&Next")
        self.next_button.setText(next_text)
        name_widget(self.next_button, next_text, KEY_HELP)
        if page.is_question:
            self._show_question(page, where)
        else:
            self._show_section(page, where)

    def _show_section(self, page: WalkPage, where: str) -> None:
        self._swap_reading_pane(page.text, page.title,
                                f"{where}. {KEY_HELP} Read it line by line with the arrow keys.",
                                focus=True)
        self.question.hide()
        self._announce(f"{page.title}. {page.text}")

    def _show_question(self, page: WalkPage, where: str) -> None:
        self.question.setTitle(page.title)
        name_widget(self.question, page.title, f"{where}. Choose an answer with the arrow keys, "
                    "then press Enter to check it.")
        self.question.show()
        # The group's name is the question; Orca speaks it as focus enters the group.
        self._build_choices(page, page.chosen, f"{where}. Arrow keys choose, Enter checks the answer.")
        self._swap_reading_pane(page.text, f"About the question: {page.title}", "", focus=False)
        self.reading.setVisible(bool(page.text))
        self._announce(f"Question. {page.title} " + " ".join(
            f"{n}: {choice}." for n, choice in enumerate(page.choices, 1)))

    def _swap_reading_pane(self, text: str, name: str, description: str, *, focus: bool) -> None:
        """A fresh pane for every page: Orca speaks a newly focused object's name and text, but
        says nothing when the focused object's name merely changes.

        The order matters under Orca 43 (measured): the named pane takes focus first and gets
        its text after. When its text (and so a caret event) came before the focus event,
        Orca took the pane as focused silently and the page was not spoken."""
        old = self.reading
        self.reading = ReadingPane(name)
        self.reading.setAccessibleDescription(description)
        self.layout().replaceWidget(old, self.reading)
        if self.isVisible():
            self.reading.show()
        if focus:
            self.reading.setFocus(Qt.FocusReason.OtherFocusReason)
        old.hide()
        old.deleteLater()
        self.reading.show_text(text)

    def _build_choices(self, page: WalkPage, chosen: int | None, description: str) -> None:
        """Fresh radio buttons, focused on ``chosen`` (or the first) which carries
        ``description``: Orca speaks a new focused object in full, but not a changed description."""
        old = self._choices.buttons()
        for button in old:
            self._choices.removeButton(button)
        for index, choice in enumerate(page.choices):
            radio = QRadioButton(choice, self.question)
            name_widget(radio, choice)
            self._choices.addButton(radio, index)
            self._choice_layout.addWidget(radio)
            if self.isVisible():
                radio.show()  # a layout shows new children only later, too late for setFocus
        focus = self._choices.button(chosen if chosen is not None else 0)
        focus.setChecked(chosen is not None)
        focus.setAccessibleDescription(description)
        focus.setFocus(Qt.FocusReason.OtherFocusReason)
        for button in old:
            button.hide()
            button.deleteLater()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._focus_page()

    # Moving ------------------------------------------------------------------------------

    def _next(self) -> None:
        page = self._driver.page()
        if page.is_question:
            self._check_answer()
        elif page.is_last:
            self._finish()
        else:
            self._driver.forward()
            self._show_page()

    def _back(self) -> None:
        if self._driver.can_go_back():
            self._driver.back()
            self._show_page()

    def _check_answer(self) -> None:
        choice = self._choices.checkedId()
        if choice < 0:
            self._explain("Choose an answer first, with the arrow keys.", None)
            return
        correct, explanation = self._driver.answer(choice)
        if not correct:
            self._explain(f"Not quite. {explanation}".strip(), choice)
            return
        self._announce(f"Correct. {explanation}".strip())
        if self._driver.is_finished():
            self._finish()
        else:
            self._show_page()

    def _explain(self, message: str, choice: int | None) -> None:
        self.feedback.setText(message)
        self._build_choices(self._driver.page(), choice, message)
        self._announce(message)

    def _finish(self) -> None:
        if not self._driver.is_finished():
            self._announce(self._driver.complete())  # says what is still missing
            return
        self.completed = True
        self._announce(self._driver.complete())
        self.accept()

    # Stopping part way -------------------------------------------------------------------

    def reject(self) -> None:
        if self.completed or self._stop_box is not None:
            super().reject()
            return
        box = confirmation_box(
            self, "Stop the consent walk?", "Stop the consent walk?",
            "Nothing is recorded until you finish. You can start again with Control+I.",
            confirm_text="&Stop", cancel_text="&Keep going")
        box.finished.connect(lambda _result: self._stop_answered(box))
        self._stop_box = box
        box.open()

    def _stop_answered(self, box) -> None:
        self._stop_box = None
        box.deleteLater()
        if was_confirmed(box):
            self._announce("Consent walk stopped.")
            super().reject()
        else:
            self._refocus()

    def _refocus(self) -> None:
        self.activateWindow()  # without a window manager nothing re-activates us
        self._focus_page()

    def _focus_page(self) -> None:
        if self._driver.page().is_question:
            checked = self._choices.checkedButton() or self._choices.button(0)
            checked.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.reading.setFocus(Qt.FocusReason.OtherFocusReason)
