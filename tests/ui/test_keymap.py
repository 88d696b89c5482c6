"""The key map is the one source: the window binds it, help shows it, the README matches it."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtGui import QKeySequence

from accessshare.ui import keymap
from accessshare.ui.help_dialog import HelpDialog

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_key_table_is_the_key_map():
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- keys:start -->\n(.*?)\n<!-- keys:end -->", text, re.S)
    assert found, "README.md must hold the key table between the keys markers"
    assert found.group(1).strip() == keymap.markdown_table()


def test_no_key_is_bound_twice_or_uses_screen_reader_modifiers():
    seen: dict[str, str] = {}
    for binding in keymap.BINDINGS:
        for key in binding.keys:
            portable = QKeySequence(key).toString()
            assert portable, f"{key!r} is not a key Qt understands"
            assert portable not in seen, f"{key} is bound to {seen.get(portable)} and {binding.action}"
            seen[portable] = binding.action
            assert not any(m.lower() in key.lower() for m in keymap.SCREEN_READER_MODIFIERS)


def test_suggested_and_reserved_keys_are_present():
    actions = {k: b.action for b in keymap.BINDINGS for k in b.keys}
    assert actions["Space"] == "repeat_description"
    assert actions["Return"] == "read_details"
    assert actions["T"] == "read_text"
    assert actions["Escape"] == "stop_speech"
    assert actions["F6"] == "cycle_panes"
    assert actions["Ctrl+F"] == "focus_filter"
    assert actions["Ctrl+O"] == "open_folder"
    assert actions["Ctrl+,"] == "open_settings"
    assert actions["F1"] == "show_help"
    consent = {b.action for b in keymap.BINDINGS if b.consent}
    assert consent == {"share", "dont_share", "undecided", "choose_purposes", "bulk_decide", "folder_default", "undo",
                       "history", "delete", "export", "consent_walk", "share_redacted"}


def test_every_action_exists_on_the_window_or_consent_controller():
    from accessshare.ui.consent_controller import ConsentController
    from accessshare.ui.main_window import MainWindow
    from accessshare.ui.study_controller import StudyController

    for binding in keymap.bound_actions():
        owner = (ConsentController if binding.consent
                 else StudyController if binding.menu == "Study" else MainWindow)
        assert callable(getattr(owner, binding.action, None)), binding.action


def test_help_screen_lists_every_binding_under_its_menu_one_item_each(qtbot):
    dialog = HelpDialog()
    qtbot.addWidget(dialog)
    items = dialog.keys.lines()
    heading = None
    under: dict[str, str] = {}  # help item -> the heading it is under
    for item in items:
        if item.endswith(":") and ": " not in item:
            heading = item
        else:
            under[item] = heading
    for binding in keymap.BINDINGS:
        item = f"{keymap.shown_keys(binding)}: {binding.description}."
        assert item in under, f"F1 help lacks {item!r}"
        wanted = (f"{binding.menu} menu (Alt+{binding.menu[0]}):" if binding.menu
                  else "In the photo list:")
        assert under[item] == wanted, (item, under[item])
    assert dialog.keys.accessibleName() == "Keys"


def test_every_menu_item_has_its_own_alt_letter_and_every_menu_too():
    titles = [menu[0] for menu in keymap.MENUS]
    assert len(set(titles)) == len(titles)
    for menu in keymap.MENUS:
        letters = []
        for binding in keymap.menu_bindings(menu):
            assert binding.label.count("&") == 1, binding.label
            letters.append(binding.label[binding.label.index("&") + 1].lower())
        assert len(set(letters)) == len(letters), (menu, letters)
