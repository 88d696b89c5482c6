"""Settings by keyboard: the font size steps from "follow the system" to a size a little larger
than the system's, never to 1 point."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from accessshare.config import Settings
from accessshare.ui.settings_dialog import MIN_FONT_POINTS, SettingsDialog


def test_font_size_up_from_system_goes_above_the_system_size_and_down_comes_back(qtbot):
    dialog = SettingsDialog(Settings(font_point_size=0), system_points=10)
    qtbot.addWidget(dialog)
    box = dialog.font_size
    assert box.text() == "System size, 10 points"  # what a screen reader reads for 0
    QTest.keyClick(box, Qt.Key.Key_Up)
    assert box.value() == 11 and dialog.chosen().font_point_size == 11
    QTest.keyClick(box, Qt.Key.Key_Down)
    assert box.value() == 10
    for _ in range(10 - MIN_FONT_POINTS + 1):
        QTest.keyClick(box, Qt.Key.Key_Down)
    assert box.value() == 0 and dialog.chosen().font_point_size == 0
    QTest.keyClick(box, Qt.Key.Key_Down)  # nothing below "follow the system"
    assert box.value() == 0


def test_a_typed_size_too_small_to_read_becomes_the_smallest(qtbot):
    dialog = SettingsDialog(Settings(font_point_size=0), system_points=10)
    qtbot.addWidget(dialog)
    dialog.font_size.setValue(2)
    assert dialog.chosen().font_point_size == MIN_FONT_POINTS
