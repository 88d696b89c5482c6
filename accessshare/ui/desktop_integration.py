"""How the app presents itself to the desktop: its window icon, its desktop entry, and Qt's
messages on the terminal without the one harmless warning of the offscreen platform.

The icon is the PNGs rendered from ``assets/icons/accessshare.svg`` (PNG needs no Qt image
plugin, so the standalone app can leave the SVG plugin out). The desktop file name lets Wayland
compositors and docks match the window to ``org.accessshare.AccessShare.desktop``.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import qFormatLogMessage, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from accessshare.paths import asset

APP_ID = "org.accessshare.AccessShare"  # the .desktop, metainfo and icon names in packaging/

# Qt's offscreen platform (the --smoke check, tests) has no window manager to pass size hints
# to, and says so with a qWarning in the "default" category each time a window gets a minimum
# or maximum size. Only these exact texts are dropped; every other message goes through.
HARMLESS_QT_MESSAGES = frozenset({"This plugin does not support propagateSizeHints()"})

_previous_handler = None


def app_icon() -> QIcon:
    icon = QIcon()
    for png in sorted(asset("icons").glob("accessshare-*.png")):
        icon.addFile(str(png))
    return icon


def present_to_desktop(app: QApplication) -> None:
    app.setWindowIcon(app_icon())
    app.setDesktopFileName(APP_ID)
    silence_harmless_qt_messages()


def silence_harmless_qt_messages() -> None:
    global _previous_handler
    previous = qInstallMessageHandler(_forward_qt_message)
    if previous is not _forward_qt_message:  # installed twice: keep the first one's successor
        _previous_handler = previous


def _forward_qt_message(mode, context, message: str) -> None:
    if message in HARMLESS_QT_MESSAGES:
        return
    if _previous_handler is not None:  # e.g. pytest-qt's capture
        _previous_handler(mode, context, message)
    else:  # what Qt's default handler prints (QT_MESSAGE_PATTERN applies)
        sys.stderr.write(qFormatLogMessage(mode, context, message) + "\n")
        sys.stderr.flush()
