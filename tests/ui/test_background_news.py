"""Background news never reaches the screen reader while a dialog or menu is open.

Every dialog of the app is opened by its key while descriptions, progress, "Opened …" and
"All N photos described" arrive in the background; while it is open, nothing of that may be
announced or put on any object's description (Orca would read it in the middle of the dialog:
the consent walk read a photo's description between its parts). Once it closes, "All N photos
described" is said once, and the current photo's description is not said again on top of its
list item, which the screen reader reads as focus comes back.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QMenu

from accessshare.config import Settings

K = Qt.Key
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
OPENERS = {
    "help": (K.Key_F1, Qt.KeyboardModifier.NoModifier),
    "settings": (K.Key_Comma, CTRL),
    "recent datasets": (K.Key_O, CTRL | SHIFT),
    "open folder": (K.Key_O, CTRL),
    "purposes": (K.Key_P, Qt.KeyboardModifier.NoModifier),
    "history": (K.Key_H, Qt.KeyboardModifier.NoModifier),
    "bulk decision": (K.Key_B, CTRL),
    "folder default": (K.Key_D, CTRL),
    "delete confirmation": (K.Key_Delete, Qt.KeyboardModifier.NoModifier),
    "export": (K.Key_E, CTRL),
    "consent walk": (K.Key_I, CTRL),
    "first-decision offer": (K.Key_Y, Qt.KeyboardModifier.NoModifier),
    "menu bar": (K.Key_F10, Qt.KeyboardModifier.NoModifier),
}


def news_arrives(window) -> list[str]:
    """What a dataset's scan and describer report, all at once; returns the texts that would
    be said about it."""
    window._scan_finished(window.session.scan_number, 0.1)
    window.session.said_all = False
    window.session.forget_heard()
    window.announcer._last_progress = -1e9  # progress would be due
    window._described([(photo.id, window.model.descriptions[photo.id], "")
                       for photo in list(window.model.photos)])
    total = len(window.model.photos)
    current = window.current_photo()
    return ["Opened", f"All {total} photos described", "Described ",
            window.model.body(current).rstrip(".")]


def on_top():
    return QApplication.activeModalWidget() or QApplication.activePopupWidget()


def once_on_top(act) -> None:
    """Call ``act(widget)`` as soon as a dialog, menu or pop-up list is shown over the window."""
    widget = on_top()
    if widget is None or not widget.isVisible():
        QTimer.singleShot(20, lambda: once_on_top(act))
        return
    act(widget)


def screen_reader_window(make_window, dataset):
    window = make_window(dataset, Settings(voice_mode="screen-reader"))
    window.announcer.router.screen_reader_active = lambda: True
    return window


def close(widget) -> None:
    if isinstance(widget, QDialog):
        widget.done(QDialog.DialogCode.Rejected)  # the walk's Escape would ask first
    else:
        widget.close()
    if isinstance(widget, QMenu):  # the menu bar keeps its highlight until Escape
        widget.parentWidget().window().activateWindow()


@pytest.mark.parametrize("opener", list(OPENERS))
def test_nothing_from_the_background_is_said_while_a_dialog_is_open(opener, make_window, dataset,
                                                                    press, a11y_events, qtbot):
    window = screen_reader_window(make_window, dataset)
    window.settings.remember_dataset(str(dataset))
    seen: dict = {}

    def while_open(widget):
        try:
            said, described, announced = (len(window.announcer.history),
                                          len(a11y_events.descriptions),
                                          len(a11y_events.announcements))
            seen["news"] = news_arrives(window)
            QApplication.processEvents()
            seen["said"] = window.announcer.history[said:]
            seen["reached"] = (a11y_events.descriptions[described:]
                               + a11y_events.announcements[announced:])
            seen["held"] = list(window.announcer.held)
        finally:  # a failure above must not leave a modal dialog waiting forever
            seen["after"] = len(window.announcer.history)
            seen["focused"], seen["described"], seen["announced"] = (
                len(a11y_events.focused), len(a11y_events.descriptions),
                len(a11y_events.announcements))
            close(widget)

    QTimer.singleShot(0, lambda: once_on_top(while_open))
    key, modifiers = OPENERS[opener]
    press(key, modifiers)
    qtbot.waitUntil(lambda: "after" in seen and on_top() is None, timeout=10_000)
    news = seen["news"]
    leaked = [text for text in seen["said"] + seen["reached"] if any(n in text for n in news)]
    assert not leaked, f"{opener}: background news reached the screen reader: {leaked}"
    assert any(news[1] in held for held in seen["held"]), seen["held"]

    # Once it is closed and focus is back: "All N photos described" reaches the screen reader
    # once; the current photo's description is left to its list item, which the screen reader
    # reads as focus comes back.
    def reached_after():
        focused = [description for _name, description in a11y_events.focused[seen["focused"]:]]
        return (focused + a11y_events.descriptions[seen["described"]:]
                + a11y_events.announcements[seen["announced"]:])

    qtbot.waitUntil(lambda: any(news[1] in text for text in reached_after()), timeout=3000)
    qtbot.wait(50)
    messages = [text for text in reached_after() if text.strip()]
    assert not any(news[3] in text for text in messages), messages
    assert sum(news[1] in text for text in a11y_events.announcements[seen["announced"]:]) == 1
    assert window.announcer.held == []


def test_news_held_through_a_deletion_says_the_count_after_it(make_window, dataset, press,
                                                               a11y_events, qtbot):
    """"All 10 photos described" waited while the delete confirmation was open, and Orca then
    said it of the 9 photos left (a CI run of the Orca walk): held news is said as it is then."""
    window = screen_reader_window(make_window, dataset)
    total = len(window.model.photos)
    seen: dict = {}

    def while_open(widget):
        news_arrives(window)
        seen["held"] = list(window.announcer.held)
        seen["announced"] = len(a11y_events.announcements)
        seen["said"] = len(window.announcer.history)
        confirm = next(b for b in widget.findChildren(QAbstractButton) if "Delete" in b.text())
        confirm.click()

    QTimer.singleShot(0, lambda: once_on_top(while_open))
    press(K.Key_Delete)
    qtbot.waitUntil(lambda: "announced" in seen and on_top() is None, timeout=10_000)
    assert any(f"All {total} photos described" in text for text in seen["held"]), seen["held"]
    qtbot.waitUntil(lambda: len(window.model.photos) == total - 1, timeout=10_000)
    flagged = window.session.counts()[2]
    heard = f"All {total - 1} photos described: {flagged} flagged."
    qtbot.waitUntil(lambda: any(heard in text for text in a11y_events.announcements[
        seen["announced"]:]), timeout=5000)
    assert not any(f"All {total} photos" in text for text in window.announcer.history[seen["said"]:]
                   + a11y_events.announcements[seen["announced"]:])
