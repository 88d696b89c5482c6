"""The one way the window opens a dialog: window-modal with ``open()`` (no nested event loop),
focus given back to where it was when the dialog closes, the result handed to a callback."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QWidget

Finished = Callable[[bool], object] | None  # called with True when the dialog was accepted


def show_dialog(window: QWidget, dialog: QDialog, on_finished: Finished = None, *,
                announce: Callable[[str], None] | None = None, words: str = "",
                on_closed: Callable[[QDialog], None] | None = None) -> QDialog:
    """Open ``dialog`` over ``window``. ``words`` are given to ``announce`` as it opens: a
    screen reader reads a dialog as it opens, so only the own voice needs them (both made
    Orca say an offer three times)."""
    returning_to = window.focusWidget()

    def finished(result: int) -> None:
        if on_closed is not None:
            on_closed(dialog)
        dialog.deleteLater()
        window.activateWindow()
        target = returning_to if returning_to is not None else None
        if target is not None:
            target.setFocus()
        if on_finished is not None:
            on_finished(result == QDialog.DialogCode.Accepted)

    dialog.finished.connect(finished)
    dialog.open()
    if words and announce is not None:
        announce(words)
    return dialog
