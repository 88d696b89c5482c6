"""The photo list's model: item texts a screen reader can read, and the filters.

Every item's text carries its position ("Photo 3 of 40."), because screen readers do not
reliably announce list positions of Qt views (nvda#14236), then the description (or why there is
none yet), then the consent state.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt

from accessshare.app.session import DatasetSession, StateProvider
from accessshare.sentences import en
from accessshare.ui.announcer import ANNOUNCEMENT_ROLE, PRESENTED_NAME_ROLE
from accessshare.vocabulary import PhotoFilter

FILTER_WORDS = en.FILTER_WORDS
FILTERS = tuple(FILTER_WORDS.items())
PHOTO_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class PhotoListModel(QAbstractListModel):
    """The dataset session's photos as list items; the session holds the photos, their
    descriptions and the filter, this model the rows shown and what a screen reader read."""

    def __init__(self, parent=None, session: DatasetSession | None = None):
        super().__init__(parent)
        self.session = session if session is not None else DatasetSession()
        self.visible: list = []  # the photos the current filter lets through
        self._row_of: dict[str, int] = {}
        self._announcement: tuple[int, str] | None = None  # (row, text) for the focused item
        self._presented: dict[int, str] = {}  # row -> its text as assistive technology read it

    # The session's data, read where the list needs it --------------------------------------------

    @property
    def photos(self) -> list:
        return self.session.photos

    @property
    def descriptions(self) -> dict:
        return self.session.descriptions

    @property
    def failures(self) -> dict[str, str]:
        return self.session.failures

    @property
    def filter(self) -> PhotoFilter:
        return self.session.filter

    @property
    def state_provider(self) -> StateProvider:
        return self.session.state_provider

    @state_provider.setter
    def state_provider(self, provider: StateProvider) -> None:
        self.session.state_provider = provider

    # Qt's model interface -----------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008 - Qt's name and idiom
        return 0 if parent.isValid() else len(self.visible)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.visible):
            return None
        row = index.row()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.item_text(row)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.item_text(row)
        if role == PRESENTED_NAME_ROLE:
            return self._presented.get(row, "")
        if role == ANNOUNCEMENT_ROLE:  # the message waiting on the item, the item still unread
            return self._announcement[1] if self._announcement and self._announcement[0] == row else ""
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            # A screen reader asks for an item's description as it reads the item out (its
            # name it asks for much earlier, to log events): from now on, what it read is this
            # text, and news is not said again on top of it (Announcer).
            self._presented[row] = self.item_text(row)
            if self._announcement and self._announcement[0] == row:
                return self._announcement[1]
            return ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(self.visible[row].path)
        if role == PHOTO_ID_ROLE:
            return self.visible[row].id
        return None

    def setData(self, index: QModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid():
            return False
        if role == PRESENTED_NAME_ROLE:  # "": focus came back, the item is read afresh
            self._presented.pop(index.row(), None)
            return True
        if role != ANNOUNCEMENT_ROLE:
            return False
        self._announcement = (index.row(), str(value))
        return True

    # Texts ----------------------------------------------------------------------------------------

    def item_text(self, row: int) -> str:
        photo = self.visible[row]
        spoken_state, _shared = self.state_provider(photo.id)
        return en.list_item(row + 1, len(self.visible), self.body(photo), spoken_state)

    def body(self, photo) -> str:
        description = self.descriptions.get(photo.id)
        if description is not None:
            return _sentence(description.sentence)
        if photo.id in self.failures:
            return en.not_described(photo.path.name, self.failures[photo.id])
        return en.being_described(photo.path.name, photo.label)

    def current_moved(self, previous_row: int) -> None:
        """The current item changed: its message is gone, and the item left is unread again."""
        self._announcement = None
        self._presented.pop(previous_row, None)

    # Photos ---------------------------------------------------------------------------------------

    def dataset_opened(self) -> None:
        """The session started a new dataset: no rows until its photos arrive."""
        self.beginResetModel()
        self._announcement = None
        self._presented.clear()
        self._rebuild_visible()
        self.endResetModel()

    def add_photos(self, photos) -> None:
        """Photos arriving from a scan in progress; positions of all rows change."""
        added = self.session.add_photos(photos)
        if not added:
            return
        accepted = [p for p in added if self.accepts(p)]
        if accepted:
            first = len(self.visible)
            self.beginInsertRows(QModelIndex(), first, first + len(accepted) - 1)
            self.visible.extend(accepted)
            self._index_rows()
            self.endInsertRows()
        self.texts_changed()

    def remove_photo(self, photo_id: str) -> None:
        self.session.remove_photo(photo_id)
        row = self._row_of.get(photo_id)
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            self._presented.clear()  # rows below move up
            del self.visible[row]
            self._index_rows()
            self.endRemoveRows()
            self.texts_changed()

    def set_description(self, photo_id: str, description) -> None:
        self.session.set_description(photo_id, description)
        self.photo_changed(photo_id)

    def set_failure(self, photo_id: str, message: str) -> None:
        self.session.set_failure(photo_id, message)
        self.photo_changed(photo_id)

    def photo_changed(self, photo_id: str) -> None:
        row = self._row_of.get(photo_id)
        if row is not None:
            index = self.index(row)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])

    def texts_changed(self) -> None:
        if self.visible:
            self.dataChanged.emit(self.index(0), self.index(len(self.visible) - 1),
                                  [Qt.ItemDataRole.DisplayRole])

    def row_of(self, photo_id: str) -> int | None:
        return self._row_of.get(photo_id)

    def photo_at(self, row: int):
        return self.visible[row] if 0 <= row < len(self.visible) else None

    # Filters --------------------------------------------------------------------------------------

    def set_filter(self, name: str) -> None:
        if name not in FILTER_WORDS:
            raise ValueError(f"Unknown filter {name!r}")
        self.beginResetModel()
        self.session.filter = PhotoFilter(name)
        self._announcement = None
        self._presented.clear()
        self._rebuild_visible()
        self.endResetModel()

    def refilter(self) -> None:
        self.set_filter(self.filter)

    def accepts(self, photo) -> bool:
        return self.session.accepts(photo)

    def is_flagged(self, photo) -> bool:
        return self.session.is_flagged(photo)

    def decision_counts(self) -> tuple[int, int, int]:
        """(shared, not shared, not yet decided) over the whole dataset."""
        return self.session.decision_counts()

    def counts(self) -> tuple[int, int, int]:
        """(photos, described, flagged) over the whole dataset."""
        return self.session.counts()

    def _rebuild_visible(self) -> None:
        self.visible = [p for p in self.photos if self.accepts(p)]
        self._index_rows()

    def _index_rows(self) -> None:
        self._row_of = {p.id: row for row, p in enumerate(self.visible)}


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."
