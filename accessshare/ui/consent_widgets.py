"""Small builders shared by the consent dialogs: every control is made together with its name.

Each builder takes the visible text and the accessible description at once, so a consent
control without a spoken name cannot be made.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QFormLayout,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
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
                     icon: QMessageBox.Icon = QMessageBox.Icon.Question) -> QMessageBox:
    """A question box whose default and Escape answer is the safe one (cancel)."""
    box = QMessageBox(icon, title, question, QMessageBox.StandardButton.NoButton, parent)
    box.setInformativeText(details)
    confirm = box.addButton(confirm_text, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(cancel_text, QMessageBox.ButtonRole.RejectRole)
    name_widget(confirm, confirm_text, question)
    name_widget(cancel, cancel_text, "Keep everything as it is.")
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.setAccessibleName(title)
    box.setAccessibleDescription(f"{question} {details}".strip())
    box.setWindowModality(Qt.WindowModality.WindowModal)
    return box


def was_confirmed(box: QMessageBox) -> bool:
    clicked: QAbstractButton | None = box.clickedButton()
    return clicked is not None and box.buttonRole(clicked) == QMessageBox.ButtonRole.AcceptRole
