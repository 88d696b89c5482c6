"""The menu bar (File, Photo, Consent, View, Help), built from the keyboard map alone.

Every binding of ``keymap.BINDINGS`` that names a menu becomes one ``QAction`` in that menu,
and that action *is* the key: its shortcut shows beside its text (so every menu item names its
key, for a sighted facilitator with a mouse and for a screen reader reading the menu), and no
other shortcut is made for the same key, so a key never runs its action twice. A "review" key
(a letter, Space, Enter) is also added to the review area, whose focus alone enables it, so
those keys keep their own meaning in the filter box and in dialogs.

A new action, or a whole new menu (a Study menu), is an entry in the keymap; nothing here
changes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAccessible, QAccessibleEvent, QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QWidget

from accessshare.ui import keymap
from accessshare.ui.alt_key import install_alt_replay_filter

Handler = Callable[[keymap.KeyBinding], Callable[[], None]]


def build_menu_bar(window: QMainWindow, review_area: QWidget, handler_for: Handler,
                   menus: tuple[str, ...] = keymap.MENUS) -> dict[str, QAction]:
    """Fill ``window``'s menu bar; returns every action by its keymap name."""
    actions: dict[str, QAction] = {}
    bar = window.menuBar()
    bar.setAccessibleName("Menu bar")
    install_alt_replay_filter(QApplication.instance())  # Alt and Alt+letter under Orca
    for title in menus:
        menu = bar.addMenu(f"&{title}")
        menu.setAccessibleName(title)
        menu.aboutToShow.connect(lambda m=menu: QTimer.singleShot(0, m, lambda: tell_current_item(m)))
        for binding in keymap.menu_bindings(title):
            action = make_action(binding, menu, handler_for(binding))
            menu.addAction(action)
            (review_area if binding.scope == "review" else window).addAction(action)
            actions[binding.action] = action
    for binding in keymap.bound_actions():  # bound keys in no menu still get one action
        if binding.action not in actions:
            action = make_action(binding, window, handler_for(binding))
            (review_area if binding.scope == "review" else window).addAction(action)
            actions[binding.action] = action
    return actions


def make_action(binding: keymap.KeyBinding, parent: QWidget, handler: Callable[[], None]) -> QAction:
    # The key after a tab is both what the menu shows on the right and part of the item's
    # accessible name: Orca reads a Qt menu item's name, not its shortcut.
    action = QAction(f"{binding.label or binding.description}\t{keymap.shown_keys(binding)}", parent)
    action.setObjectName(binding.action)
    action.setShortcuts([QKeySequence(key) for key in binding.keys])
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut
                              if binding.scope == "review" else Qt.ShortcutContext.WindowShortcut)
    action.setStatusTip(binding.description)
    action.setToolTip(f"{binding.description} ({keymap.shown_keys(binding)})")
    action.setShortcutVisibleInContextMenu(True)
    action.triggered.connect(lambda _checked=False: handler())
    return action


def tell_current_item(menu: QMenu) -> None:
    """Right or Left in an open menu opens the next one; Qt then reports the photo list as
    focused again as the old menu closes, after the new menu's item, so Orca read the list,
    not the menu. The new menu's current item is reported once more, last."""
    item = menu.activeAction()
    if not menu.isVisible() or item is None:
        return
    event = QAccessibleEvent(menu, QAccessible.Event.Focus)
    event.setChild(menu.actions().index(item))
    QAccessible.updateAccessibility(event)


def open_first_menu(window: QMainWindow) -> None:
    """F10, as on GNOME and Windows: the first menu opens, its first item current."""
    bar = window.menuBar()
    first = next((a for a in bar.actions() if a.menu() is not None and a.isVisible()), None)
    if first is not None:
        bar.setActiveAction(first)
        menu: QMenu = first.menu()
        if menu.actions():
            menu.setActiveAction(menu.actions()[0])
