"""High contrast and font size: applied to the whole application."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

# A thick yellow focus border where the platform's thin focus rectangle is hard to see.
HIGH_CONTRAST_STYLE = ", ".join(f"{kind}:focus" for kind in (
    "QListView", "QPlainTextEdit", "QScrollArea", "QComboBox", "QPushButton", "QCheckBox",
    "QSpinBox", "QRadioButton", "QListWidget", "QTextBrowser")) + " { border: 3px solid #ffff00; }"


def apply_theme(app: QApplication, high_contrast: bool, font_point_size: int,
                system_font: QFont, system_palette: QPalette) -> None:
    font = QFont(system_font)
    if font_point_size > 0:  # 0 follows the system font size
        font.setPointSize(font_point_size)
    app.setFont(font)
    if high_contrast:
        app.setPalette(high_contrast_palette())
        # Widgets styled by a style sheet take their font from it, not from app.setFont (high
        # contrast and a larger font chosen together left the text small), so it names the size.
        app.setStyleSheet(f"{HIGH_CONTRAST_STYLE} * {{ font-size: {font.pointSize()}pt; }}")
    else:
        app.setPalette(system_palette)
        app.setStyleSheet("")


def high_contrast_palette() -> QPalette:
    """White and yellow on black, like the platforms' high-contrast black themes."""
    palette = QPalette()
    black, white, yellow, cyan = (QColor("#000000"), QColor("#ffffff"), QColor("#ffff00"),
                                  QColor("#00ffff"))
    for role, color in ((QPalette.ColorRole.Window, black), (QPalette.ColorRole.WindowText, white),
                        (QPalette.ColorRole.Base, black), (QPalette.ColorRole.AlternateBase, black),
                        (QPalette.ColorRole.Text, white), (QPalette.ColorRole.Button, black),
                        (QPalette.ColorRole.ButtonText, yellow),
                        (QPalette.ColorRole.Highlight, cyan),
                        (QPalette.ColorRole.HighlightedText, black),
                        (QPalette.ColorRole.ToolTipBase, black), (QPalette.ColorRole.ToolTipText, white),
                        (QPalette.ColorRole.PlaceholderText, yellow), (QPalette.ColorRole.Link, yellow)):
        palette.setColor(role, color)
    return palette
