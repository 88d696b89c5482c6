"""Fixtures for the consent GUI tests: an accessibility-event recorder (ACCESSIBILITY.md,
recipe 1) and helpers that answer modal dialogs by keyboard."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
from PySide6.QtWidgets import QApplication, QListWidget, QMainWindow  # noqa: E402

from accessshare.config import Settings  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "helpers"))

from qt_fixtures import a11y_events, press  # noqa: E402,F401 - fixtures


@pytest.fixture
def active_modal(qtbot):
    """A function that waits until a modal dialog other than ``besides`` holds focus, and
    returns it."""

    def wait_for(besides=None, timeout: int = 2000):
        found = []

        def check():
            widget = QApplication.activeModalWidget()
            assert widget is not None and widget.isVisible() and widget is not besides
            focus = QApplication.focusWidget()
            assert focus is not None and widget.isAncestorOf(focus)
            found.append(widget)

        qtbot.waitUntil(check, timeout=timeout)
        return found[-1]

    return wait_for


class RecordingAnnouncer:
    """Stands in for the main window's Announcer where the real one is not built yet."""

    def __init__(self):
        self.log: list[str] = []

    def announce(self, text: str, *args, **kwargs) -> None:
        self.log.append(text)

    announce_with_focus = announce


class StandInMainWindow(QMainWindow):
    """The parts of the main window the consent controller uses (``ui.consent_host.ConsentHost``),
    over a real scan and a real SQLite store: a photo list whose item texts come from
    ``consent_state_provider``."""

    def __init__(self, photos, store, paths):
        super().__init__()
        self.photos = list(photos)
        self.store, self.paths, self.settings = store, paths, Settings()
        self.consent_form_path = None  # the default form
        self.dataset = None  # set by the fixture: the open folder
        self.announcer = RecordingAnnouncer()
        self.consent_state_provider = lambda photo_id: ("Not yet decided.", False)
        self.study = None  # no co-design session
        self.key_notice_said = False
        self.removed: list[str] = []
        self.reminders: dict[str, str] = {}  # photo id -> what it gives away, as the describer says
        self.setWindowTitle("AccessShare stand-in")
        self.list = QListWidget()
        self.list.setAccessibleName("Photos")
        self.setCentralWidget(self.list)
        for photo in self.photos:
            self.list.addItem(photo.relpath)
        self.list.setCurrentRow(0)

    def item_text(self, row: int) -> str:
        photo = self.photos[row]
        spoken, _shared = self.consent_state_provider(photo.id)
        return f"Photo {row + 1} of {len(self.photos)}. {photo.relpath}. {spoken}"

    def row_of(self, relpath: str) -> int:
        return next(i for i, p in enumerate(self.photos) if p.relpath == relpath)

    # The main window's interface --------------------------------------------------------
    def privacy_reminder(self, photo_id: str) -> str:
        return self.reminders.get(photo_id, "")

    def current_photo(self):
        row = self.list.currentRow()
        return self.photos[row] if 0 <= row < len(self.photos) else None

    def visible_photos(self):
        return list(self.photos)

    def refresh_photo(self, photo_id: str) -> None:
        row = next(i for i, p in enumerate(self.photos) if p.id == photo_id)
        self.list.item(row).setText(self.item_text(row))

    def refresh_all_photos(self) -> None:
        for photo in self.photos:
            self.refresh_photo(photo.id)

    def remove_photo(self, photo_id: str) -> None:
        row = next(i for i, p in enumerate(self.photos) if p.id == photo_id)
        del self.photos[row]
        self.list.takeItem(row)
        self.removed.append(photo_id)


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    import shutil

    from accessshare.paths import sample_dataset

    target = tmp_path / "dataset"
    shutil.copytree(sample_dataset(), target)
    return target


@pytest.fixture
def stand_in_window(qtbot, sample_copy, app_paths):
    from accessshare.library.scanner import scan
    from accessshare.records import RecordStore

    photos = sorted(scan(sample_copy).photos, key=lambda p: p.relpath)
    store = RecordStore.open(app_paths)
    store.upsert_photos(sample_copy, photos)
    window = StandInMainWindow(photos, store, app_paths)
    window.dataset = sample_copy.resolve()  # the open folder, as the main window keeps it
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    window.list.setFocus()
    yield window
    store.close()
