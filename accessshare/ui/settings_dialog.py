"""Settings: verbosity, when the own voice speaks, speech rate, earcons, high contrast, font
size. Every control has a visible label that is also its accessible name (one helper)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import (QApplication, QCheckBox, QComboBox, QDialog, QDialogButtonBox,
                               QFormLayout, QLabel, QSpinBox, QVBoxLayout, QWidget)

from accessshare.config import Settings
from accessshare.ui.choice_box import ChoiceBox

VERBOSITY_CHOICES = (("brief", "Brief: one short sentence"),
                     ("detailed", "Detailed: counts, confidence and positions"))
VOICE_CHOICES = (("auto", "Automatic: own voice only when no screen reader runs"),
                 ("screen-reader", "Screen reader only"),
                 ("own-voice", "Own voice only"),
                 ("both", "Both: descriptions in the own voice, the rest by screen reader"))


def labelled(form: QFormLayout, text: str, control: QWidget, help_text: str = "") -> QWidget:
    """Add ``control`` with a visible label that names it for screen readers too."""
    label = QLabel(text)
    label.setBuddy(control)
    control.setAccessibleName(text.replace("&", "").rstrip(":"))
    if isinstance(control, QComboBox):
        control.view().setAccessibleName(f"{control.accessibleName()}: choices")
    if help_text:
        control.setAccessibleDescription(help_text)
        control.setToolTip(help_text)
    form.addRow(label, control)
    return control


def choice_box(choices, current: str) -> QComboBox:
    box = ChoiceBox("")  # named by labelled()
    for value, words in choices:
        box.addItem(words, value)
    box.setCurrentIndex(max(0, box.findData(current)))
    box.currentTextChanged.connect(lambda words: say_new_choice(box, words))
    return box


def say_new_choice(box: QComboBox, words: str) -> None:
    """Orca says nothing when a closed Qt combo box changes by arrow key; it does speak a
    description change of the focused object, so the new choice leads the description."""
    help_text = box.toolTip()
    box.setAccessibleDescription(f"{words}. {help_text}" if help_text else f"{words}.")
    QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(box, words))


MIN_FONT_POINTS = 6  # below this, text is unreadable: the step goes back to the system size


class FontSizeBox(QSpinBox):
    """Font size in points, where 0 follows the system. Up from 0 goes to one point above the
    system's size (it went to 1 point), and Down below the smallest size goes back to 0."""

    def __init__(self, value: int, system_points: int):
        super().__init__()
        self.system_points = max(system_points, MIN_FONT_POINTS)
        self.setRange(0, 48)
        self.setSpecialValueText(f"System size, {self.system_points} points")
        self.setValue(value if value == 0 or value >= MIN_FONT_POINTS else MIN_FONT_POINTS)

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt's name
        value = self.value()
        if value == 0 and steps > 0:
            self.setValue(min(self.maximum(), self.system_points + steps))
        elif value != 0 and value + steps < MIN_FONT_POINTS:
            self.setValue(0)
        else:
            super().stepBy(steps)
        self.selectAll()

    def stepEnabled(self):  # noqa: N802 - Qt's name
        up = QSpinBox.StepEnabledFlag.StepUpEnabled
        down = QSpinBox.StepEnabledFlag.StepDownEnabled
        if self.value() == 0:
            return up
        return up | down if self.value() < self.maximum() else down

    def points(self) -> int:
        """The chosen size: 0, or at least the smallest readable size (a typed 3 is 6)."""
        value = self.value()
        return value if value == 0 or value >= MIN_FONT_POINTS else MIN_FONT_POINTS


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent=None, system_points: int | None = None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self.original = settings
        form = QFormLayout()
        self.verbosity = labelled(form, "&Descriptions:", choice_box(VERBOSITY_CHOICES, settings.verbosity),
                                  "How much the app says about each photo.")
        self.voice_mode = labelled(form, "&Own voice speaks:", choice_box(VOICE_CHOICES, settings.voice_mode),
                                   "When the app speaks with its own voice instead of your screen reader.")
        self.speech_rate = labelled(form, "Speech &rate, words per minute:", self._spin(80, 450, settings.speech_rate, 10))
        self.earcons = labelled(form, "&Sounds for flags, saving and errors", QCheckBox(), "")
        self.earcons.setChecked(settings.earcons)
        self.high_contrast = labelled(form, "&High contrast", QCheckBox(),
                                      "White and yellow on black, with a thick focus border.")
        self.high_contrast.setChecked(settings.high_contrast)
        points = system_points or QApplication.font().pointSize()
        self.font_size = labelled(form, "&Font size in points, 0 follows the system:",
                                  FontSizeBox(settings.font_point_size, points))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Save")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.verbosity.setFocus()

    @staticmethod
    def _spin(low: int, high: int, value: int, step: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setSingleStep(step)
        spin.setValue(value)
        return spin

    def chosen(self) -> Settings:
        return replace(self.original, verbosity=self.verbosity.currentData(),
                       voice_mode=self.voice_mode.currentData(),
                       speech_rate=self.speech_rate.value(), earcons=self.earcons.isChecked(),
                       high_contrast=self.high_contrast.isChecked(),
                       font_point_size=self.font_size.points())
