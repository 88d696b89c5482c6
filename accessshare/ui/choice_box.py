"""A combo box whose closed pop-up list stays out of a screen reader's way.

Qt keeps a combo box's pop-up list in the accessibility tree while it is closed: unnamed,
focusable, and with its current item reporting "focused" though focus is elsewhere. Here the
closed list is named after its box, cannot take focus and has no current item; opening it
gives both back.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QComboBox, QWidget


class ChoiceBox(QComboBox):
    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName(name)
        self.view().setAccessibleName(f"{name}: choices")
        # Qt makes the chosen item the closed list's current one again on every choice.
        self.currentIndexChanged.connect(lambda _index: QTimer.singleShot(0, self, self._rest))
        self._rest()

    def showPopup(self) -> None:  # noqa: N802 - Qt's name
        self.view().setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        super().showPopup()  # makes the chosen item the list's current one

    def hidePopup(self) -> None:  # noqa: N802 - Qt's name
        super().hidePopup()
        # Later: the item chosen with Enter is read from the list's current one after this.
        QTimer.singleShot(0, self, self._rest)

    def _rest(self) -> None:
        if self.view().isVisible():
            return
        self.view().setFocusPolicy(Qt.FocusPolicy.NoFocus)
        selection = self.view().selectionModel()
        if selection is not None:
            selection.clearCurrentIndex()
