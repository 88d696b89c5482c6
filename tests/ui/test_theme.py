"""High contrast and font size reach every widget, in any order the user chooses them."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QListView, QPlainTextEdit, QVBoxLayout, QWidget

from accessshare.ui.theme import apply_theme


@pytest.fixture
def look(qtbot):
    app = QApplication.instance()
    font, palette = app.font(), app.palette()
    window = QWidget()
    layout = QVBoxLayout(window)
    widgets = [QListView(), QPlainTextEdit()]
    for widget in widgets:
        layout.addWidget(widget)
    qtbot.addWidget(window)
    window.show()

    def apply(high_contrast: bool, size: int) -> list[int]:
        apply_theme(app, high_contrast, size, font, palette)
        app.processEvents()
        return [widget.font().pointSize() for widget in widgets]

    yield apply, font.pointSize()
    apply_theme(app, False, 0, font, palette)


@pytest.mark.parametrize("steps", [
    [(True, 16)],  # high contrast and a larger font chosen together
    [(False, 16), (True, 24)],
    [(True, 24), (False, 0), (True, 18)],
])
def test_every_widget_gets_the_chosen_font_size(look, steps):
    apply, system_size = look
    for high_contrast, size in steps:
        assert apply(high_contrast, size) == [size or system_size] * 2
