"""Each thing is said once, and every sentence is true: what the screen reader gets (Qt's
accessibility events, recorded in-process) after the moments a walk under Orca found doubled
or missing speech."""

from __future__ import annotations

import shutil

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication

from accessshare.config import Settings
from accessshare.ui.announcer import PRESENTED_NAME_ROLE


def screen_reader_window(make_window, dataset, **kwargs):
    window = make_window(dataset, Settings(voice_mode="screen-reader"), **kwargs)
    window.announcer.router.screen_reader_active = lambda: True
    return window


def test_a_second_dataset_hears_that_all_its_photos_are_described(make_window, dataset, tmp_path,
                                                                  qtbot):
    window = screen_reader_window(make_window, dataset)
    assert sum("photos described" in t for t in window.announcer.history) == 1
    other = tmp_path / "other"
    other.mkdir()
    for name in ("chelsea.jpg", "coffee.jpg"):
        shutil.copy(dataset / name, other / name)
    window.open_dataset(other)
    qtbot.waitUntil(lambda: any("All 2 photos described" in t for t in window.announcer.history),
                    timeout=60_000)


def test_where_am_i_ends_every_sentence_with_one_full_stop(make_window, dataset):
    (dataset / "notes.jpg").write_text("A shopping list, not a photo.")
    window = screen_reader_window(make_window, dataset)
    window.describer_note = "Descriptions are brief."
    status = window.status_sentence()
    assert "notes.jpg" in status and ".." not in status, status
    assert status.endswith(".") and not status.endswith(".."), status


def test_saving_purposes_says_saved_without_the_state_the_item_reads(make_window, dataset, press,
                                                                     qtbot):
    """After P, focus comes back to the list item, whose text carries the new state: "Saved."
    joins it, and the state is not read a second time. The screen reader reads the item once
    it has handled the focus event, later (as Orca does over D-Bus)."""
    from qt_a11y import AccessibleEventRecorder

    window = screen_reader_window(make_window, dataset)
    window.photo_list.setFocus()
    events = AccessibleEventRecorder(read_focus=False)
    events.start()
    try:
        press(Qt.Key.Key_P)
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None
                        and QApplication.activeModalWidget().isAncestorOf(QApplication.focusWidget()))
        assert QApplication.focusWidget().accessibleName() == "Research"
        press(Qt.Key.Key_Space)
        press(Qt.Key.Key_Return)  # Save: research only
        qtbot.waitUntil(lambda: any(t.startswith("Saved.") for t in window.announcer.history))
        qtbot.waitUntil(lambda: QApplication.focusWidget() is window.photo_list)
        item = QAccessible.queryAccessibleInterface(window.photo_list).focusChild()
        name, description = item.text(QAccessible.Text.Name), item.text(QAccessible.Text.Description)
    finally:
        events.stop()
    assert "Shared for research" in name  # the item says the state...
    assert description.strip().startswith("Saved."), description
    assert "Shared for research" not in description  # ...and "Saved." does not say it again
    assert "Remember, it reveals one face." in description
    assert not any("Shared for research" in d for d in events.descriptions), events.descriptions


def test_a_description_arriving_is_said_only_if_the_item_was_read_without_it(make_window, dataset,
                                                                             a11y_events):
    window = screen_reader_window(make_window, dataset)
    window.photo_list.setFocus()
    photo = window.current_photo()
    description = window.model.descriptions[photo.id]
    body = window.model.body(photo)
    index = window.photo_list.currentIndex()

    # Not read yet (focus just came back): the item will be read with its description in it.
    window.model.setData(index, "", PRESENTED_NAME_ROLE)
    window.session.forget_heard()
    said = len(a11y_events.descriptions)
    window._described([(photo.id, description, "")])
    assert not any(body.rstrip(".") in d for d in a11y_events.descriptions[said:])

    # Read while it was still "Being described": the description is news, said once.
    window.model.failures[photo.id] = "not yet"
    window.model.descriptions.pop(photo.id)
    QAccessible.queryAccessibleInterface(window.photo_list).focusChild().text(
        QAccessible.Text.Description)  # what a screen reader does as it reads the item out
    window.session.forget_heard()
    window.announcer.router.forget_last()  # the test says it again at once
    said = len(a11y_events.descriptions)
    window._described([(photo.id, description, "")])
    news = [d for d in a11y_events.descriptions[said:] if body.rstrip(".") in d]
    assert len(news) == 1, a11y_events.descriptions[said:]


def test_moving_in_the_list_costs_no_event_from_the_photo_view(make_window, dataset, press, qtbot,
                                                              a11y_events):
    """A screen reader handles every event; the photo view's description changes only as it
    gets or loses focus, and then says what it shows."""
    window = screen_reader_window(make_window, dataset)
    window.photo_list.setFocus()
    qtbot.waitUntil(window.photo_list.hasFocus)
    picture = window.photo_view.picture
    described = len(a11y_events.descriptions)
    for _ in range(3):
        press(Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: window.photo_view.image is not None
                    and window.photo_view.summary.startswith(window.current_photo().path.name),
                    timeout=5000)
    assert a11y_events.descriptions[described:] == []
    assert picture.accessibleDescription().startswith("The current photo, large.")
    picture.setFocus()
    qtbot.waitUntil(picture.hasFocus)
    name, description = a11y_events.focused[-1]
    assert name == "Photo view"
    assert description.startswith(f"{window.current_photo().path.name}: ")
    assert "Shown fitted to the window." in description


def test_two_messages_on_an_item_not_read_yet_are_both_read_with_it(make_window, dataset,
                                                                    a11y_events):
    """Focus comes back to the list after a dialog: "Saved." waits on the item, then progress
    arrives before the screen reader has read the item. Orca must read both with the item, and
    get no change event (it read "Described …" with the item, then again for the event, and
    never said "Saved.")."""
    window = screen_reader_window(make_window, dataset)
    window.photo_list.setFocus()
    index = window.photo_list.currentIndex()
    window.model.setData(index, "", PRESENTED_NAME_ROLE)  # focus came back: not read yet
    said = len(a11y_events.descriptions)
    window.announcer.announce("Saved. Remember, it reveals one face.")
    window.announcer.announce("Described 8 of 10 photos; 6 flagged.")
    assert a11y_events.descriptions[said:] == []
    item = QAccessible.queryAccessibleInterface(window.photo_list).focusChild()
    description = item.text(QAccessible.Text.Description)  # as Orca reads the item out
    assert description.strip().endswith("Saved. Remember, it reveals one face. "
                                        "Described 8 of 10 photos; 6 flagged."), description
