"""The app's window shows AccessShare's icon, names its desktop entry, and keeps Qt's one
harmless offscreen warning off the terminal while every other Qt message still gets through."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QSize, qWarning  # noqa: E402

from accessshare.ui.desktop_integration import APP_ID, present_to_desktop  # noqa: E402


def test_window_icon_has_every_rendered_size_and_the_desktop_entry_is_named(qapp):
    present_to_desktop(qapp)
    sizes = qapp.windowIcon().availableSizes()
    for side in (16, 24, 32, 48, 64, 128, 256, 512):
        assert QSize(side, side) in sizes
    assert qapp.desktopFileName() == APP_ID


def test_only_the_harmless_offscreen_warning_is_dropped(qapp, qtlog):
    present_to_desktop(qapp)
    qWarning("This plugin does not support propagateSizeHints()")
    qWarning("Something real went wrong")
    messages = [record.message for record in qtlog.records]
    assert "Something real went wrong" in messages
    assert not any("propagateSizeHints" in message for message in messages)


def test_smoke_check_prints_no_qt_warning(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ACCESSSHARE_DATA_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "accessshare", "--smoke"], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Photo 1 of" in result.stdout
    assert result.stderr == ""
