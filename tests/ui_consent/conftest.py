"""Fixtures for the consent GUI tests: an accessibility-event recorder (ACCESSIBILITY.md,
recipe 1) and helpers that answer modal dialogs by keyboard."""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

import pytest

PySide6 = pytest.importorskip("PySide6")
import shiboken6  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QAccessibleEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QListWidget, QMainWindow  # noqa: E402

from accessshare.config import Settings  # noqa: E402

_HANDLER_TYPE = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
_INSTALL_SYMBOL = "_ZN11QAccessible20installUpdateHandlerEPFvP16QAccessibleEventE"


class AccessibleEventRecorder:
    """Records the announcements and description changes Qt sends to assistive technology."""

    def __init__(self):
        library = ctypes.CDLL(str(Path(PySide6.__file__).parent / "Qt" / "lib" / "libQt6Gui.so.6"))
        self._install = getattr(library, _INSTALL_SYMBOL)
        self._install.restype = ctypes.c_void_p
        self._callback = _HANDLER_TYPE(self._on_event)
        self._previous = None
        self.announcements: list[str] = []
        self.descriptions: list[str] = []
        self.focused: list[tuple[str, str]] = []  # (name, description) of each focused object

    def start(self) -> None:
        QAccessible.setActive(True)
        self._previous = self._install(self._callback)

    def stop(self) -> None:
        self._install(ctypes.c_void_p(self._previous) if self._previous else None)

    def _on_event(self, pointer: int) -> None:
        event = shiboken6.wrapInstance(pointer, QAccessibleEvent)
        kind = event.type()
        if kind == QAccessible.Event.Announcement:
            message = shiboken6.wrapInstance(pointer, QAccessibleAnnouncementEvent).message()
            self.announcements.append(message)
        elif kind == QAccessible.Event.Focus:
            interface = event.accessibleInterface()
            if interface is not None and interface.isValid():
                self.focused.append((interface.text(QAccessible.Text.Name),
                                     interface.text(QAccessible.Text.Description)))
        elif kind == QAccessible.Event.DescriptionChanged:
            interface = event.accessibleInterface()
            if interface is not None and interface.isValid():
                self.descriptions.append(interface.text(QAccessible.Text.Description))


@pytest.fixture
def a11y_events(qapp):
    recorder = AccessibleEventRecorder()
    recorder.start()
    yield recorder
    recorder.stop()


@pytest.fixture
def press(qtbot):
    """Press a key in whatever widget has focus, waiting until one has (never a None target)."""

    def press_key(key, modifier=Qt.KeyboardModifier.NoModifier):
        qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=2000)
        QTest.keyClick(QApplication.focusWidget(), key, modifier)

    return press_key


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


class StandInMainWindow(QMainWindow):
    """The parts of the main window the consent controller uses, over a real scan and a real
    SQLite store: a photo list whose item texts come from ``consent_state_provider``."""

    def __init__(self, photos, store, paths):
        super().__init__()
        self.photos = list(photos)
        self.store, self.paths, self.settings = store, paths, Settings()
        self.announcer = RecordingAnnouncer()
        self.consent_state_provider = lambda photo_id: ("Not yet decided.", False)
        self.removed: list[str] = []
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
    def current_photo(self):
        row = self.list.currentRow()
        return self.photos[row] if 0 <= row < len(self.photos) else None

    def visible_photos(self):
        return list(self.photos)

    def refresh_photo(self, photo_id: str) -> None:
        row = next(i for i, p in enumerate(self.photos) if p.id == photo_id)
        self.list.item(row).setText(self.item_text(row))

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
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    window.list.setFocus()
    yield window
    store.close()
