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
        app.setPalette(readable(high_contrast_palette()))
        # Widgets styled by a style sheet take their font from it, not from app.setFont (high
        # contrast and a larger font chosen together left the text small), so it names the size.
        app.setStyleSheet(f"{HIGH_CONTRAST_STYLE} * {{ font-size: {font.pointSize()}pt; }}")
    else:
        app.setPalette(readable(system_palette))
        app.setStyleSheet("")


MIN_CONTRAST = 4.5  # WCAG 2.2, 1.4.3: text against its background
# Text and its background, in every colour group a user reads (disabled text is exempt).
TEXT_PAIRS = (
    (QPalette.ColorRole.HighlightedText, QPalette.ColorRole.Highlight),  # the selected row
    (QPalette.ColorRole.Text, QPalette.ColorRole.Base),
    (QPalette.ColorRole.Text, QPalette.ColorRole.AlternateBase),
    (QPalette.ColorRole.WindowText, QPalette.ColorRole.Window),
    (QPalette.ColorRole.ButtonText, QPalette.ColorRole.Button),
)
READ_GROUPS = (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive)


def readable(palette: QPalette) -> QPalette:
    """``palette`` with every background that is too close to its text (Fusion's selected row:
    white on #308cc6, 3.7:1) darkened or lightened just enough for 4.5:1, keeping its hue."""
    palette = QPalette(palette)
    for group in READ_GROUPS:
        for text_role, back_role in TEXT_PAIRS:
            text, back = palette.color(group, text_role), palette.color(group, back_role)
            if contrast(text, back) < MIN_CONTRAST:
                palette.setColor(group, back_role, _away_from(back, text))
    return palette


def contrast(first: QColor, second: QColor) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _luminance(color: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return (0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF())
            + 0.0722 * channel(color.blueF()))


def _away_from(back: QColor, text: QColor) -> QColor:
    """``back`` made darker under light text (lighter under dark text) until 4.5:1."""
    darker = _luminance(text) > 0.5
    color = QColor(back)
    for _step in range(100):
        if contrast(text, color) >= MIN_CONTRAST:
            break
        hue, saturation, value, alpha = color.getHsvF()
        value = max(0.0, value - 0.02) if darker else min(1.0, value + 0.02)
        saturation = saturation if darker or value < 1.0 else max(0.0, saturation - 0.02)
        color = QColor.fromHsvF(max(hue, 0.0), saturation, value, alpha)
    return color


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
