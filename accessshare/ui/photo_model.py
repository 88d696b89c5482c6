"""The photo list's model: item texts a screen reader can read, and the filters.

Every item's text carries its position ("Photo 3 of 40."), because screen readers do not
reliably announce list positions of Qt views (nvda#14236), then the description (or why there is
none yet), then the consent state.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt

from accessshare.ui.announcer import ANNOUNCEMENT_ROLE, PRESENTED_NAME_ROLE

FILTERS = (
    ("all", "All photos"),
    ("undecided", "Not yet decided"),
    ("privacy", "Photos with privacy flags"),
    ("quality", "Photos with quality flags"),
    ("shared", "Shared"),
    ("not-shared", "Not shared"),
)
FILTER_WORDS = dict(FILTERS)
PHOTO_ID_ROLE = Qt.ItemDataRole.UserRole + 1
NOT_DECIDED = "Not yet decided."


def consent_unknown(_photo_id: str) -> tuple[str, bool]:
    return NOT_DECIDED, False


class PhotoListModel(QAbstractListModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.photos: list = []  # every photo of the dataset, in scan order
        self.visible: list = []  # the photos the current filter lets through
        self.descriptions: dict = {}  # photo id -> Description
        self._flagged: set[str] = set()  # kept as descriptions come and go: counts() is per event
        self.failures: dict[str, str] = {}  # photo id -> why it could not be described
        self.filter = "all"
        self.state_provider: Callable[[str], tuple[str, bool]] = consent_unknown
        self._row_of: dict[str, int] = {}
        self._ids: set[str] = set()
        self._announcement: tuple[int, str] | None = None  # (row, text) for the focused item
        self._presented: dict[int, str] = {}  # row -> its text as assistive technology read it

    # Qt's model interface -----------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:
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

    def setData(self, index: QModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
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
        return f"Photo {row + 1} of {len(self.visible)}. {self.body(photo)} {spoken_state}"

    def body(self, photo) -> str:
        description = self.descriptions.get(photo.id)
        if description is not None:
            return _sentence(description.sentence)
        if photo.id in self.failures:
            return f"{photo.path.name} could not be described: {_sentence(self.failures[photo.id])}"
        name = f"Labelled {photo.label}" if photo.label else photo.path.name
        return f"{name}. Being described."

    def current_moved(self, previous_row: int) -> None:
        """The current item changed: its message is gone, and the item left is unread again."""
        self._announcement = None
        self._presented.pop(previous_row, None)

    # Photos ---------------------------------------------------------------------------------------

    def set_photos(self, photos) -> None:
        self.beginResetModel()
        self.photos = list(photos)
        self._ids = {p.id for p in self.photos}
        self.descriptions.clear()
        self._flagged.clear()
        self.failures.clear()
        self._announcement = None
        self._presented.clear()
        self._rebuild_visible()
        self.endResetModel()

    def add_photos(self, photos) -> None:
        """Photos arriving from a scan in progress; positions of all rows change."""
        added = [p for p in photos if p.id not in self._ids]
        if not added:
            return
        self.photos.extend(added)
        self._ids.update(p.id for p in added)
        accepted = [p for p in added if self.accepts(p)]
        if accepted:
            first = len(self.visible)
            self.beginInsertRows(QModelIndex(), first, first + len(accepted) - 1)
            self.visible.extend(accepted)
            self._index_rows()
            self.endInsertRows()
        self.texts_changed()

    def remove_photo(self, photo_id: str) -> None:
        self.photos = [p for p in self.photos if p.id != photo_id]
        self._ids.discard(photo_id)
        self.descriptions.pop(photo_id, None)
        self._flagged.discard(photo_id)
        self.failures.pop(photo_id, None)
        row = self._row_of.get(photo_id)
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            self._presented.clear()  # rows below move up
            del self.visible[row]
            self._index_rows()
            self.endRemoveRows()
            self.texts_changed()

    def set_description(self, photo_id: str, description) -> None:
        self.descriptions[photo_id] = description
        if description.privacy or description.quality:
            self._flagged.add(photo_id)
        else:
            self._flagged.discard(photo_id)
        self.failures.pop(photo_id, None)
        self.photo_changed(photo_id)

    def set_failure(self, photo_id: str, message: str) -> None:
        self.failures[photo_id] = message
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
        self.filter = name
        self._announcement = None
        self._presented.clear()
        self._rebuild_visible()
        self.endResetModel()

    def refilter(self) -> None:
        self.set_filter(self.filter)

    def accepts(self, photo) -> bool:
        if self.filter == "all":
            return True
        if self.filter in ("privacy", "quality"):
            description = self.descriptions.get(photo.id)
            return bool(description and getattr(description, self.filter))
        spoken, shared = self.state_provider(photo.id)
        undecided = spoken.strip() == NOT_DECIDED
        return {"undecided": undecided, "shared": shared,
                "not-shared": not shared and not undecided}[self.filter]

    def is_flagged(self, photo) -> bool:
        description = self.descriptions.get(photo.id)
        return bool(description and (description.privacy or description.quality))

    def decision_counts(self) -> tuple[int, int, int]:
        """(shared, not shared, not yet decided) over the whole dataset."""
        shared = not_shared = undecided = 0
        for photo in self.photos:
            spoken, is_shared = self.state_provider(photo.id)
            if spoken.strip() == NOT_DECIDED:
                undecided += 1
            elif is_shared:
                shared += 1
            else:
                not_shared += 1
        return shared, not_shared, undecided

    def counts(self) -> tuple[int, int, int]:
        """(photos, described, flagged) over the whole dataset."""
        return len(self.photos), len(self.descriptions), len(self._flagged)

    def _rebuild_visible(self) -> None:
        self.visible = [p for p in self.photos if self.accepts(p)]
        self._index_rows()

    def _index_rows(self) -> None:
        self._row_of = {p.id: row for row, p in enumerate(self.visible)}


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."
