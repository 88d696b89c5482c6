"""The main window's keys: the menu bar built from the key map, and each key's handler (the
window's own, the consent controller's or the study controller's), told to a co-design study
session's recorder as it is used."""

from __future__ import annotations

from collections.abc import Callable

from accessshare.sentences import en
from accessshare.ui import keymap
from accessshare.ui.menus import build_menu_bar
from accessshare.ui.window_parts import WindowParts


class KeyDispatch(WindowParts):
    """Mixed into ``MainWindow``: binds every key of ``keymap.BINDINGS``."""

    def _bind_keys(self) -> None:
        """The menu bar from the key map; its items are the keys (ui.menus)."""
        self.actions_by_name = build_menu_bar(self, self.review_area, self._handler_for)

    def _handler_for(self, binding: keymap.KeyBinding) -> Callable[[], None]:
        action = keymap.Action(binding.action)
        handler: Callable[[], None]
        if binding.consent:
            handler = lambda: self._consent_action(action)  # noqa: E731
        elif binding.menu == "Study":
            handler = getattr(self.study, action.value)
        else:
            handler = getattr(self, action.value)

        def dispatch() -> None:
            self.study.action_used(binding)
            handler()
        return dispatch

    def _consent_action(self, action: keymap.Action) -> None:
        if self.consent_controller is None:
            self.announcer.error(en.cannot_yet(self.store is not None))
            return
        getattr(self.consent_controller, action.value)()
