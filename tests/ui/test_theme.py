"""High contrast and font size reach every widget, in any order the user chooses them."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QListView, QPlainTextEdit, QVBoxLayout, QWidget

from accessshare.ui.theme import MIN_CONTRAST, apply_theme, contrast


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


def dark_system_palette() -> QPalette:
    """A dark desktop theme with a pale selection, as some Linux themes have."""
    palette = QPalette()
    for role, color in ((QPalette.ColorRole.Window, "#2b2b2b"), (QPalette.ColorRole.WindowText, "#dddddd"),
                        (QPalette.ColorRole.Base, "#1e1e1e"), (QPalette.ColorRole.AlternateBase, "#262626"),
                        (QPalette.ColorRole.Text, "#dddddd"), (QPalette.ColorRole.Button, "#3a3a3a"),
                        (QPalette.ColorRole.ButtonText, "#dddddd"), (QPalette.ColorRole.Highlight, "#7fb2e5"),
                        (QPalette.ColorRole.HighlightedText, "#ffffff")):
        palette.setColor(role, QColor(color))
    return palette


@pytest.mark.parametrize("theme", ["system", "high contrast", "dark system theme"])
def test_the_selected_row_and_all_text_have_at_least_4_5_to_1(qtbot, theme):
    """WCAG 1.4.3, computed from the palette the app ends up with: Fusion's selected row was
    white on #308cc6, 3.7:1."""
    app = QApplication.instance()
    font, palette = app.font(), app.palette()
    system = dark_system_palette() if theme == "dark system theme" else palette
    try:
        apply_theme(app, theme == "high contrast", 0, font, system)
        result = app.palette()
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            for text, back in ((QPalette.ColorRole.HighlightedText, QPalette.ColorRole.Highlight),
                               (QPalette.ColorRole.Text, QPalette.ColorRole.Base),
                               (QPalette.ColorRole.Text, QPalette.ColorRole.AlternateBase),
                               (QPalette.ColorRole.WindowText, QPalette.ColorRole.Window)):
                ratio = contrast(result.color(group, text), result.color(group, back))
                assert ratio >= MIN_CONTRAST, (theme, group, text, back, round(ratio, 2))
    finally:
        apply_theme(app, False, 0, font, palette)


def test_contrast_is_computed_as_wcag_says():
    assert round(contrast(QColor("#ffffff"), QColor("#000000")), 1) == 21.0
    assert round(contrast(QColor("#ffffff"), QColor("#308cc6")), 1) == 3.7
    assert round(contrast(QColor("#777777"), QColor("#ffffff")), 2) == 4.48
