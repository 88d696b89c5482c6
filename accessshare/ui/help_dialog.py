"""F1: the keyboard help, generated from the key map: one list item per key, under a heading
item per menu, each read whole with the arrow keys."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout

from accessshare.ui.keymap import help_lines
from accessshare.ui.reading_list import ReadingList


class HelpDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard help")
        self.keys = ReadingList("Keys", "Every key, one an item, under the menu that holds it. "
                                "Escape closes.")
        self.keys.set_lines(help_lines())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.keys)
        layout.addWidget(buttons)
        self.resize(640, 560)
        self.keys.setFocus()
