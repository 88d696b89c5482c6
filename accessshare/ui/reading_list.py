"""A read-only list of lines, each one item a screen reader reads whole.

The details pane, a photo's history and the keyboard help were read-only text read by screen
line with the arrow keys, so a sentence was split where it wrapped ("…Reveals readable text
and a" / "document."), more so at larger font sizes. Here each finding, decision or key is one
list item: Up and Down read it whole, however it wraps on screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget


class ReadingList(QListWidget):
    def __init__(self, name: str, description: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName(name)
        if description:
            self.setAccessibleDescription(description)
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._resume_row = 0  # the item reading goes on from when focus comes back

    def set_lines(self, lines: list[str], to_top: bool = True) -> None:
        """Show ``lines``, changing only the items that differ (each change is news to a screen
        reader, and a whole new list on every arrow key in the photo list was many events);
        with ``to_top`` reading starts again at the first item, else the place is kept."""
        for row, line in enumerate(lines):
            item = self.item(row)
            if item is None:
                self.addItem(QListWidgetItem(line))
            elif item.text() != line:
                item.setText(line)
        while self.count() > len(lines):
            self.takeItem(self.count() - 1)
        place = 0 if to_top else min(max(self.place(), 0), max(self.count() - 1, 0))
        if self.hasFocus():
            if self.count() and self.currentRow() != place:
                self.setCurrentRow(place)
        else:
            self._resume_row = place

    def place(self) -> int:
        """The item reading is at, or goes on from when focus comes back."""
        return self.currentRow() if self.hasFocus() else self._resume_row

    # Qt reports a list's current item as focused even while focus is elsewhere (two objects
    # then claim focus): the current item is kept only while the list has focus.

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.currentRow() < 0 and self.count():
            self.setCurrentRow(min(self._resume_row, self.count() - 1))
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().focusOutEvent(event)
        self._resume_row = max(self.currentRow(), 0)
        self.selectionModel().clearCurrentIndex()

    def lines(self) -> list[str]:
        return [self.item(row).text() for row in range(self.count())]

    def text(self) -> str:
        return "\n".join(self.lines())
