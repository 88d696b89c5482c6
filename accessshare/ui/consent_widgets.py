"""Small builders shared by the consent dialogs: every control is made together with its name.

Each builder takes the visible text and the accessible description at once, so a consent
control without a spoken name cannot be made.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QFormLayout,
    QGroupBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)


def spoken(text: str) -> str:
    """The visible text without its mnemonic ampersands, as a screen reader should say it."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def name_widget(widget: QWidget, name: str, description: str = "") -> QWidget:
    widget.setAccessibleName(spoken(name))
    if description:
        widget.setAccessibleDescription(description)
        widget.setToolTip(description)
    return widget


def make_button(text: str, description: str, on_click: Callable[[], None] | None = None,
                parent: QWidget | None = None) -> QPushButton:
    button = QPushButton(text, parent)
    name_widget(button, text, description)
    if on_click is not None:
        button.clicked.connect(on_click)
    return button


class ChoiceRadio(QRadioButton):
    """A radio button that is checked before it takes focus, so a screen reader arriving on it
    says "selected" (Qt focuses first and checks later, or not at all):

    - Up and Down (Left and Right) check the next choice of its button group, then focus it,
      even when no choice was checked yet (Qt then only moves focus);
    - its Alt+mnemonic checks it at once, then focuses it (Qt focuses, then checks 100 ms later).
    """

    _STEPS = {Qt.Key.Key_Up: -1, Qt.Key.Key_Left: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_Right: 1}

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        step = self._STEPS.get(Qt.Key(event.key()))
        group = self.group()
        if step is None or group is None or event.modifiers() not in (
                Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            super().keyPressEvent(event)
            return
        choices = [b for b in group.buttons() if b.isVisible() and b.isEnabled()]
        index = choices.index(self) + step if self in choices else -1
        if 0 <= index < len(choices):
            choices[index].setChecked(True)
            choices[index].setFocus(Qt.FocusReason.TabFocusReason if step > 0
                                    else Qt.FocusReason.BacktabFocusReason)
        event.accept()

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.Shortcut and not event.isAmbiguous() and self.isEnabled():
            self.setChecked(True)
            self.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return True
        return super().event(event)


def titled_group(title: str, description: str = "") -> tuple[QGroupBox, QVBoxLayout]:
    """A group of controls, named by ``title``, with the title shown as its first line.

    Qt makes a titled QGroupBox the label of each control in it (and names any plain widget
    inside after it), so Orca said the title again before every choice ("X? panel. X?
    Nothing else.", and again on each arrow key) and read a check box by the group's title
    instead of its own name. This group has no Qt title: its accessible name is the title
    (read once, as focus enters it) and a label shows it."""
    group = QGroupBox()
    name_widget(group, title, description)
    layout = QVBoxLayout(group)
    heading = QLabel(title)
    heading.setWordWrap(True)
    font = heading.font()
    font.setBold(True)
    heading.setFont(font)
    layout.addWidget(heading)
    return group, layout


def add_labelled_row(layout: QFormLayout, label: str, field: QWidget, description: str = "") -> QWidget:
    """A form row whose label is the field's buddy (so Alt+mnemonic works) and its name."""
    layout.addRow(label, field)
    label_widget = layout.labelForField(field)
    if label_widget is not None:
        label_widget.setBuddy(field)
    name_widget(field, label, description)
    return field


class ReadingPane(QPlainTextEdit):
    """Read-only text a screen reader can read line by line: it keeps a keyboard caret, and Tab
    leaves it rather than being trapped inside."""

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTabChangesFocus(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(name)

    def show_text(self, text: str, *, name: str | None = None, description: str | None = None) -> None:
        self.setPlainText(text)
        cursor = self.textCursor()
        cursor.movePosition(cursor.MoveOperation.Start)
        self.setTextCursor(cursor)
        if name is not None:
            self.setAccessibleName(name)
        if description is not None:
            self.setAccessibleDescription(description)


def confirmation_box(parent: QWidget | None, title: str, question: str, details: str,
                     confirm_text: str, cancel_text: str = "Cancel",
                     icon: QMessageBox.Icon = QMessageBox.Icon.Question,
                     cancel_description: str = "Keep everything as it is.",
                     confirm_description: str | None = None,
                     others: tuple[tuple[str, str], ...] = ()) -> QMessageBox:
    """A question box whose default and Escape answer is the safe one (cancel).

    Each button's description says what it does; pass ``cancel_description`` when cancelling
    is not simply "keep everything as it is". ``others`` are (text, description) of further
    answers (YesRole), between the confirm and the cancel button; find them with
    ``box.buttons()`` by accessible name."""
    box = QMessageBox(icon, title, question, QMessageBox.StandardButton.NoButton, parent)
    box.setInformativeText(details)
    confirm = box.addButton(confirm_text, QMessageBox.ButtonRole.AcceptRole)
    for text, description in others:
        name_widget(box.addButton(text, QMessageBox.ButtonRole.YesRole), text, description)
    cancel = box.addButton(cancel_text, QMessageBox.ButtonRole.RejectRole)
    name_widget(confirm, confirm_text, confirm_description or question)
    name_widget(cancel, cancel_text, cancel_description)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.setAccessibleName(title)  # no description: screen readers read an alert's text already
    for label in box.findChildren(QLabel):
        # Qt lets the mouse select an alert's text, which made each text a focusable object
        # in the accessibility tree that the keyboard can never reach.
        label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        label.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    return box


def was_confirmed(box: QMessageBox) -> bool:
    clicked: QAbstractButton | None = box.clickedButton()
    return clicked is not None and box.buttonRole(clicked) == QMessageBox.ButtonRole.AcceptRole
