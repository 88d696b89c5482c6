"""Ctrl+I: the interactive consent walk, one section or question at a time, by keyboard.

The dialog only shows pages and passes answers on; which page comes next, whether an answer is
right and what completion means belong to a ``WalkDriver`` (built on the consent core's
``ConsentWalk``). Each page's title and text are shown in a read-only pane (or a group of
choices) that takes focus and carries them in its accessible name and description, so a screen
reader speaks the page once, on focus; the own voice speaks it too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from accessshare.app.consent import WalkStep, as_sentence, numbered_choices
from accessshare.ui.consent_widgets import (
    ChoiceRadio,
    ReadingPane,
    confirmation_box,
    make_button,
    name_widget,
    titled_group,
    was_confirmed,
)
from accessshare.ui.dialogs import show_dialog


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
                 parent: QWidget | None = None, *,
                 announce_with_focus: Callable[[str], None] | None = None):
        super().__init__(parent)
        self._driver = driver
        self._announce = announce
        # For what the newly focused widget already presents: the own voice only (Announcer).
        self._announce_with_focus = announce_with_focus or announce
        self._stop_box = None
        self._judged_part: int | None = None  # the question whose right answer is on screen
        self.completed = False
        self.setWindowTitle("Consent: what sharing your photos means")
        self.setAccessibleName(self.windowTitle())

        self.position = QLabel()
        self.position.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.reading = ReadingPane("Consent text")
        self.question, self._choice_layout = titled_group("")
        self._choices = QButtonGroup(self)
        self.feedback = QLabel()
        self.feedback.setWordWrap(True)
        self.feedback.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
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
    #
    # Each page is a freshly focused widget whose name and description carry what the page
    # says: a screen reader speaks a newly focused object (and a newly entered group) in full,
    # but says nothing when a focused object's name merely changes, and an announcement as
    # well made Orca 43 say every page twice. So the page reaches the screen reader by focus,
    # and ``announce_with_focus`` gives it to the own voice only.

    def _show_page(self) -> None:
        self._judged_part = None
        page = self._driver.page()
        where = f"Part {page.number} of {page.total}"
        self.position.setText(where)
        self.feedback.clear()
        self.back_button.setEnabled(self._driver.can_go_back())
        self._set_next_text("&Finish" if page.is_last and not page.is_question else (
            "&Check answer" if page.is_question else "&Next"))
        if page.is_question:
            self._show_question(page, where)
        else:
            self._show_section(page, where)

    def _set_next_text(self, text: str) -> None:
        self.next_button.setText(text)
        name_widget(self.next_button, text, KEY_HELP)

    def _show_section(self, page: WalkPage, where: str) -> None:
        keys = f" {KEY_HELP} Read it line by line with the arrow keys." if page.number == 1 else ""
        if page.is_last:
            keys += " Enter finishes the walk."
        self._show_reading(page.title, page.text, where, keys)
        self.question.hide()
        self._announce_with_focus(f"{as_sentence(page.title)} {page.text}")

    def _show_reading(self, name: str, text: str, where: str, after: str) -> None:
        """A focused pane whose first line is short ("Part 4 of 16."), whose description is the
        whole text: on focus Orca reads the name, the line at the caret (a visual line, so a
        long first sentence would be cut where it wraps) and then the description."""
        self.position.hide()  # the pane's first line says it
        spoken = " ".join(line.strip() for line in text.splitlines() if line.strip())
        self._swap_reading_pane(f"{where}.\n{text}", name, f"{spoken}{after}".strip(), focus=True)
        self.reading.show()

    def _show_question(self, page: WalkPage, where: str) -> None:
        self.position.show()
        self._swap_question(page.title)
        self._build_choices(page, page.chosen, f"{numbered_choices(page.choices)} {where}. "
                            "Arrow keys choose; Enter checks the choice you are on.")
        self._swap_reading_pane(page.text, f"About the question: {page.title}", "", focus=False)
        self.reading.setVisible(bool(page.text))
        self._announce_with_focus(
            f"Question. {as_sentence(page.title)} {numbered_choices(page.choices)}")

    def _show_judgement(self, question: WalkPage, judged: str, explanation: str) -> None:
        """A right answer is confirmed on its own page, focused, before the walk goes on: said
        as the next page's first words it was heard again with every arrow key there."""
        self._judged_part = question.number
        self.feedback.setText(judged)
        self.question.setEnabled(False)  # answered; Enter goes on
        ends = self._driver.is_finished() and self._driver.page().is_question
        self._set_next_text("&Finish" if ends else "&Next")
        self.back_button.setEnabled(True)
        self._show_reading("Correct.", explanation, f"Part {question.number} of {question.total}",
                           " Enter goes on.")
        self._announce_with_focus(judged)

    def _swap_reading_pane(self, text: str, name: str, description: str, *, focus: bool) -> None:
        """A fresh pane for every page (see above).

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

    def _swap_question(self, title: str) -> None:
        """A fresh group for every question, named by it: Orca names a group as focus enters
        it, so two questions in a row in one group would leave the second unspoken."""
        old = self.question
        self.question, self._choice_layout = titled_group(title)
        self._choice_layout.setAlignment(Qt.AlignmentFlag.AlignTop)  # the space below stays empty
        self.layout().replaceWidget(old, self.question)
        for button in self._choices.buttons():
            self._choices.removeButton(button)
        if self.isVisible():
            self.question.show()
        old.hide()
        old.deleteLater()

    def _build_choices(self, page: WalkPage, chosen: int | None, description: str) -> None:
        """Fresh radio buttons, focused on ``chosen`` (or the first) which carries
        ``description``: Orca speaks a new focused object in full, but not a changed description.
        Arrow keys check the choice they move to (``ChoiceRadio``), so what is heard as
        selected is what Enter checks."""
        old = self._choices.buttons()
        for button in old:
            self._choices.removeButton(button)
        for index, choice in enumerate(page.choices):
            radio = ChoiceRadio(choice)
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

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._focus_page()

    # Moving ------------------------------------------------------------------------------

    def _next(self) -> None:
        if self._judged_part is not None:
            if self._driver.is_finished() and self._driver.page().is_question:
                self._finish()  # the walk ended on that question
            else:
                self._show_page()
            return
        page = self._driver.page()
        if page.is_question:
            self._check_answer()
        elif page.is_last:
            self._finish()
        else:
            self._driver.forward()
            self._show_page()

    def _back(self) -> None:
        if self._judged_part is not None:  # back to the question just answered
            if self._driver.page().number != self._judged_part:
                self._driver.back()
            self._show_page()
            return
        if self._driver.can_go_back():
            self._driver.back()
            self._show_page()

    def _check_answer(self) -> None:
        choice = self._choices.checkedId()
        focused = QApplication.focusWidget()
        if choice < 0 and focused in self._choices.buttons():
            choice = self._choices.id(focused)  # Enter on a choice means that choice
        if choice < 0:
            self._explain("Choose an answer first, with the arrow keys.", None)
            return
        question = self._driver.page()
        correct, explanation = self._driver.answer(choice)
        if not correct:
            self._explain(f"Not quite. {explanation}".strip(), choice)
            return
        self._show_judgement(question, f"Correct. {explanation}".strip(), explanation or "Correct.")

    def _explain(self, message: str, choice: int | None) -> None:
        self.feedback.setText(message)
        self._build_choices(self._driver.page(), choice, message)
        self._announce_with_focus(message)

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
        self._stop_box = show_dialog(self, box, lambda _accepted: self._stop_answered(box))

    def _stop_answered(self, box) -> None:
        self._stop_box = None
        if was_confirmed(box):
            self._announce("Consent walk stopped.")
            super().reject()
        else:
            self._refocus()

    def _refocus(self) -> None:
        self.activateWindow()  # without a window manager nothing re-activates us
        self._focus_page()

    def _focus_page(self) -> None:
        if self._judged_part is None and self._driver.page().is_question:
            checked = self._choices.checkedButton() or self._choices.button(0)
            checked.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.reading.setFocus(Qt.FocusReason.OtherFocusReason)
