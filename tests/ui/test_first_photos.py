"""The first photos are listed while the rest of a large folder is still being scanned; the
rest arriving neither moves the focus nor has the screen reader told about the first photo
again (issue 19, first photos)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from PIL import Image

from accessshare.config import Settings

LISTING_WAIT_SECONDS = 60


def small_photo(path: Path, shade: int) -> None:
    """A real, tiny JPEG of its own (the shade makes each one different content)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (8, 8), (shade % 256, 40, 90)).save(path, "JPEG")


@pytest.fixture
def slow_folder(tmp_path, monkeypatch):
    """40 photos in a/, then b/, whose listing waits until the test lets it go on (a folder on
    a slow network drive), then c/. Yields the folder and the event that lets b/ be listed."""
    root = tmp_path / "dataset"
    for number in range(40):
        small_photo(root / "a" / f"photo-{number:02d}.jpg", number)
    small_photo(root / "b" / "late.jpg", 200)
    small_photo(root / "c" / "after.jpg", 201)
    slow = (root / "b").resolve()
    listing_may_go_on = threading.Event()
    real_scandir = os.scandir

    def slow_scandir(path):
        if Path(path) == slow:
            listing_may_go_on.wait(LISTING_WAIT_SECONDS)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", slow_scandir)
    yield root, listing_may_go_on
    listing_may_go_on.set()


def test_the_first_photos_are_listed_and_focused_while_the_folder_is_still_scanned(
        qtbot, app_paths, store, slow_folder):
    from qt_a11y import AccessibleEventRecorder

    from accessshare.ui.main_window import MainWindow

    root, listing_may_go_on = slow_folder
    window = MainWindow(app_paths, Settings(voice_mode="screen-reader"), store)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    window.photo_list.setFocus()
    events = AccessibleEventRecorder()
    events.start()
    try:
        window.open_dataset(root)
        qtbot.waitUntil(lambda: window.model.rowCount() >= 16, timeout=10_000)
        assert not window.scan_done
        assert window.status_label.text().startswith("Opening…")
        first = window.current_photo()
        assert first is not None and first.relpath == "a/photo-00.jpg"
        assert window.model.item_text(0).startswith("Photo 1 of ")
        qtbot.waitUntil(lambda: window.model.rowCount() == 40, timeout=10_000)
        assert not window.scan_done  # b/ is still being listed
        listing_may_go_on.set()
        qtbot.waitUntil(lambda: window.scan_done, timeout=10_000)
        qtbot.wait(200)  # events Qt may still send for the last batch's texts
    finally:
        listing_may_go_on.set()
        events.stop()
    listed = [photo.relpath for photo in window.model.visible]
    assert listed == sorted(listed) and listed[-2:] == ["b/late.jpg", "c/after.jpg"]
    assert len(listed) == 42
    assert window.current_photo() is first and window.photo_list.currentIndex().row() == 0
    assert window.model.item_text(0).startswith("Photo 1 of 42.")
    photos_focused = [name for name, _description in events.focused if name.startswith("Photo ")]
    assert len(photos_focused) == 1 and photos_focused[0].startswith("Photo 1 of "), events.focused
    # Nor is the photo said again as the rest arrive: no name change, no announcement.
    assert not [text for text in events.names + events.announcements + window.announcer.history
                if text.startswith("Photo ") or "photo-00.jpg" in text]
