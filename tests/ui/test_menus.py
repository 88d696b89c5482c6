"""The menu bar is made from the keyboard map: every action is in a menu, every menu item names
its key, the keys of the menu items are the only shortcuts (a key runs its action once), and the
menu bar opens with F10, with Alt and with Alt and a letter, also when a screen reader hands
the keys back late (ui.alt_key)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAccessible, QKeyEvent, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu

from accessshare.ui import keymap


def menu_items(window) -> dict[str, list]:
    bar = window.menuBar()
    return {a.text().replace("&", ""): [x for x in a.menu().actions() if not x.isSeparator()]
            for a in bar.actions() if a.menu() is not None}


def test_the_menu_bar_is_the_key_map(make_window, dataset):
    window = make_window(dataset, describe=False)
    menus = menu_items(window)
    assert list(menus) == list(keymap.MENUS)
    for title in keymap.MENUS:
        bindings = keymap.menu_bindings(title)
        items = menus[title]
        assert [a.text().split("\t")[0] for a in items] == [b.label for b in bindings]
        for action, binding in zip(items, bindings):
            # The item names its key (shown on the right, and in its accessible name, which
            # is what Orca reads), and the key is the item's shortcut.
            assert action.text().split("\t")[1] == keymap.shown_keys(binding)
            assert [k.toString() for k in action.shortcuts()] == [
                QKeySequence(k).toString() for k in binding.keys]
            assert action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            assert action.statusTip() == binding.description
    in_menus = {b.action for b in keymap.BINDINGS if b.menu}
    assert {b.action for b in keymap.bound_actions()} <= in_menus, "an action is in no menu"


def test_no_key_is_a_shortcut_twice(make_window, dataset):
    window = make_window(dataset, describe=False)
    from PySide6.QtGui import QAction, QShortcut

    seen: dict[str, str] = {}
    for action in window.findChildren(QAction):
        for sequence in action.shortcuts():
            key = sequence.toString()
            assert key not in seen, f"{key} is the shortcut of {seen[key]} and {action.objectName()}"
            seen[key] = action.objectName()
    assert not window.findChildren(QShortcut), "keys are the menu items' shortcuts, nothing else"


def test_each_key_runs_its_action_once(make_window, dataset, press, qtbot, monkeypatch):
    window = make_window(dataset, describe=False)
    calls: list[str] = []
    for name in ("say_status", "toggle_verbosity", "zoom_fit", "repeat_description"):
        monkeypatch.setattr(window, name, lambda name=name: calls.append(name))
    window.actions_by_name.clear()
    from accessshare.ui.menus import build_menu_bar
    for action in list(window.menuBar().actions()):
        window.menuBar().removeAction(action)
    for widget in (window, window.review_area):
        for action in list(widget.actions()):
            widget.removeAction(action)
    window.actions_by_name.update(build_menu_bar(window, window.review_area, window._handler_for))
    window.photo_list.setFocus()
    qtbot.waitUntil(window.photo_list.hasFocus)
    press(Qt.Key.Key_S)
    press(Qt.Key.Key_V)
    press(Qt.Key.Key_Space)
    press(Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert calls == ["say_status", "toggle_verbosity", "repeat_description", "zoom_fit"]


def test_a_menu_item_runs_its_action(make_window, dataset, qtbot):
    window = make_window(dataset, describe=False)
    window.actions_by_name["say_status"].trigger()
    assert window.announcer.history[-1].startswith("Dataset dataset:")


def test_review_letters_do_not_fire_in_the_filter_box(make_window, dataset, press, qtbot):
    window = make_window(dataset, describe=False)
    window.filter_box.setFocus()
    qtbot.waitUntil(window.filter_box.hasFocus)
    said = len(window.announcer.history)
    press(Qt.Key.Key_S)
    assert not any(t.startswith("Dataset ") for t in window.announcer.history[said:])


def menu_opened_by_f10(make_window, dataset, press, qtbot):
    """A window with its list focused, and the first menu that F10 opened."""
    window = make_window(dataset, describe=False)
    window.photo_list.setFocus()
    qtbot.waitUntil(window.photo_list.hasFocus)
    press(Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    return window, QApplication.activePopupWidget()


def test_f10_and_alt_open_the_menu_bar(make_window, dataset, press, qtbot):
    window, menu = menu_opened_by_f10(make_window, dataset, press, qtbot)
    assert menu.title().replace("&", "") == keymap.MENUS[0]
    assert menu.activeAction() is not None
    item = QAccessible.queryAccessibleInterface(menu).child(0)
    first = keymap.menu_bindings(keymap.MENUS[0])[0]
    assert item.text(QAccessible.Text.Name) == (
        f"{first.label.replace('&', '')}\t{keymap.shown_keys(first)}")
    QTest.keyClick(menu, Qt.Key.Key_Escape)
    QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Escape)
    menu_bar_opened_by_alt(window, qtbot)
    assert window.menuBar().activeAction().text().replace("&", "") == keymap.MENUS[0]


# What Qt's AT-SPI bridge posts back after a screen reader (Orca) has seen a key it held: a
# copy aimed at the window, not spontaneous, with no timestamp (ui.alt_key). It is made from
# the held event's modifiers(), which for the Alt key itself Qt flips; so the copy of a press
# is made with Alt held, and the copy of a release without (as Qt's logs show them).
def bridge_replay(window, kind):
    held = Qt.KeyboardModifier.AltModifier if kind == QEvent.Type.KeyPress else Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(window.windowHandle(), QKeyEvent(kind, Qt.Key.Key_Alt, held))


def menu_bar_opened_by_alt(window, qtbot):
    window.activateWindow()
    window.photo_list.setFocus()
    qtbot.waitUntil(window.photo_list.hasFocus)
    QTest.keyPress(window.photo_list, Qt.Key.Key_Alt)
    QTest.keyRelease(window.photo_list, Qt.Key.Key_Alt)
    qtbot.waitUntil(lambda: window.menuBar().activeAction() is not None)


def test_alt_stays_on_when_the_screen_reader_hands_the_keys_back(make_window, dataset, qtbot):
    """Orca answered after Alt was released: the bridge's copies of the press and the release
    switched the menu bar off again, so Orca echoed "alt" and nothing was selected."""
    window = make_window(dataset, describe=False)
    menu_bar_opened_by_alt(window, qtbot)
    bridge_replay(window, QEvent.Type.KeyPress)
    bridge_replay(window, QEvent.Type.KeyRelease)
    QApplication.processEvents()
    assert window.menuBar().activeAction() is not None
    assert window.menuBar().activeAction().text().replace("&", "") == keymap.MENUS[0]
    assert window.menuBar().hasFocus()
    # A second, real Alt still switches it off: Alt is a toggle, and fires once per press.
    QTest.keyPress(window.menuBar(), Qt.Key.Key_Alt)
    QTest.keyRelease(window.menuBar(), Qt.Key.Key_Alt)
    qtbot.waitUntil(lambda: window.menuBar().activeAction() is None)


def test_alt_and_a_letter_keep_their_menu_open_when_the_keys_come_back(make_window, dataset, qtbot):
    """Alt+F opened File; the bridge's late copy of the Alt press reached the open menu, which
    closes on Alt, so the menu opened and closed at once."""
    window = make_window(dataset, describe=False)
    window.photo_list.setFocus()
    qtbot.waitUntil(window.photo_list.hasFocus)
    QTest.keyClick(window.photo_list, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    assert menu.title().replace("&", "") == "File"
    bridge_replay(window, QEvent.Type.KeyPress)
    bridge_replay(window, QEvent.Type.KeyRelease)
    QApplication.processEvents()
    assert QApplication.activePopupWidget() is menu and menu.isVisible()


def test_alt_in_an_open_menu_still_closes_it_under_a_screen_reader(make_window, dataset, press, qtbot):
    """The bridge's copy is the only press an already open menu gets: it is let through."""
    window, menu = menu_opened_by_f10(make_window, dataset, press, qtbot)
    real_press = QKeyEvent(QEvent.Type.ShortcutOverride, Qt.Key.Key_Alt, Qt.KeyboardModifier.AltModifier)
    real_press.setTimestamp(1)  # what Qt sends for a real press before the bridge holds it
    QApplication.sendEvent(menu, real_press)
    bridge_replay(menu, QEvent.Type.KeyPress)
    qtbot.waitUntil(lambda: not menu.isVisible())
