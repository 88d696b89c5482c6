"""Delete by keyboard: the confirmation says what goes, Cancel is the default, and a confirmed
delete removes the photo file and its thumbnail and description, and says so."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from accessshare.library import ThumbnailCache
from accessshare.ui.consent_controller import ConsentController


def _prepare(window):
    photo = window.current_photo()
    thumbnail = ThumbnailCache(window.paths.thumbnails_dir).get_or_make(photo)
    window.store.cache_description(photo.id, "test-models", {"sentence": "A cup of coffee on a saucer."})
    return photo, thumbnail


def test_delete_is_cancelled_by_default(stand_in_window, active_modal, press, qtbot):
    window = stand_in_window
    photo, thumbnail = _prepare(window)
    controller = ConsentController(window)
    controller.delete()
    box = active_modal(besides=window)
    assert box.text() == f"Delete {photo.path.name} for good?"
    for words in ("photo file", "thumbnail", "description and recognised text."):
        assert words in box.informativeText()
    assert "export" not in box.informativeText()  # no copies exported, so none are mentioned
    assert window.announcer.log[-1].startswith(f"Delete {photo.path.name} for good?")
    assert QApplication.focusWidget().accessibleName() == "Cancel"
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not box.isVisible())
    assert photo.path.exists() and thumbnail.exists()
    assert window.removed == []


def test_confirmed_delete_removes_every_copy_and_announces(stand_in_window, active_modal, press, qtbot):
    window = stand_in_window
    photo, thumbnail = _prepare(window)
    count = len(window.photos)
    controller = ConsentController(window)
    controller.delete()
    box = active_modal(besides=window)
    while QApplication.focusWidget().accessibleName() != "Delete":
        press(Qt.Key.Key_Tab)
    press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not box.isVisible())
    qtbot.waitUntil(lambda: window.removed == [photo.id])
    assert window.announcer.log[-1] == f"Deleted {photo.path.name}. No copy remains."
    assert not photo.path.exists()
    assert not thumbnail.exists()
    assert window.store.cached_description(photo.id, "test-models") is None
    statuses = [e.status for e in window.store.events(photo_hash=photo.id, kind="deletion")]
    assert statuses == ["requested", "done", "verified"]
    assert window.list.count() == count - 1
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.list)


def test_delete_counts_and_removes_exported_copies(stand_in_window, active_modal, press, qtbot, tmp_path):
    from accessshare.consent.export import export_photos
    from accessshare.consent.form import load_form
    from accessshare.consent.walk import record_walk_completed

    window = stand_in_window
    record_walk_completed(window.store, load_form())
    controller = ConsentController(window)
    photo = window.current_photo()
    controller.share()
    subset = tmp_path / "research"
    export_photos(window.store, window.paths, "research", subset)
    copy = subset / photo.path.name
    assert copy.exists()
    controller.delete()
    box = active_modal(besides=window)
    assert "and the 1 copy AccessShare exported." in box.informativeText()
    while QApplication.focusWidget().accessibleName() != "Delete":
        press(Qt.Key.Key_Tab)
    press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.removed == [photo.id])
    assert window.announcer.log[-1] == f"Deleted {photo.path.name} and 1 exported copy. No copy remains."
    assert not copy.exists() and not photo.path.exists()
