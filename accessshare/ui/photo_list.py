"""The photo list's view and item delegate."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QSize, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyledItemDelegate

from accessshare.sentences import en

ITEM_LINES = 3  # a brief description of 25 words, its position and consent state fit in three
ITEM_PADDING = 6


class PhotoItemDelegate(QStyledItemDelegate):
    """Every item is ITEM_LINES lines high, wrapped, the last line elided. One height for all
    lets the list use uniform item sizes: otherwise each description that arrives makes Qt
    measure every item again (10,000 text layouts per photo described, which starved the
    arrow keys). The whole text is still each item's accessible text and in the details pane."""

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 - Qt's name
        metrics = option.fontMetrics
        return QSize(max(option.rect.width(), 1), ITEM_LINES * metrics.lineSpacing() + ITEM_PADDING)


class PhotoListView(QListView):
    """The photo list. Typing letters does not jump between items (every item starts with
    "Photo"); letters are the review keys. A move that cannot go further says so, where a
    screen reader would say nothing at all."""

    reached_end = Signal(str)
    _TOWARDS_END = (Qt.Key.Key_Down, Qt.Key.Key_PageDown, Qt.Key.Key_End)
    _TOWARDS_START = (Qt.Key.Key_Up, Qt.Key.Key_PageUp, Qt.Key.Key_Home)

    def __init__(self, model: QAbstractItemModel | None = None):
        super().__init__()
        self.setObjectName("photoList")
        self.setAccessibleName("Photos")
        if model is not None:
            self.setModel(model)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.setItemDelegate(PhotoItemDelegate(self))
        self.setUniformItemSizes(True)
        self.setSpacing(3)
        self.setAlternatingRowColors(True)

    def keyboardSearch(self, search: str) -> None:  # noqa: N802 - Qt's name
        return None

    def dataChanged(self, top_left, bottom_right, roles=()) -> None:  # noqa: N802 - Qt's name
        """Repaint the changed items, without QListView's own relayout of every item: in list
        mode it lays out all 10,000 again for each description that arrives (a Python
        rowCount() call per row, 40-90 ms), though with uniform item sizes nothing can move."""
        QAbstractItemView.dataChanged(self, top_left, bottom_right, list(roles))

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        before = self.currentIndex().row()
        super().keyPressEvent(event)
        rows = self.model().rowCount() if self.model() is not None else 0
        if not rows or self.currentIndex().row() != before:
            return
        key = Qt.Key(event.key())
        if key in self._TOWARDS_END and before == rows - 1:
            self.reached_end.emit(en.LAST_PHOTO)
        elif key in self._TOWARDS_START and before == 0:
            self.reached_end.emit(en.FIRST_PHOTO)
