"""H: a photo's consent history, one step a list item, each read whole."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from accessshare.ui.consent_widgets import make_button
from accessshare.ui.reading_list import ReadingList


class ConsentHistoryDialog(QDialog):
    def __init__(self, photo_name: str, sentences: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"History of {photo_name}")
        self.setAccessibleName(self.windowTitle())
        # One item per step of the history, read whole with the arrow keys (a long sentence
        # read by screen line was cut where it wrapped); the first item is short.
        self.reading = ReadingList(f"History of {photo_name}")
        if sentences:
            self.reading.set_lines([f"Decisions for {photo_name}, purpose by purpose:", *sentences])
            # Read with the first item, which has focus as the dialog opens: the whole history,
            # as H promises to say (a list's own description is not read on focus).
            self.reading.item(0).setData(
                Qt.ItemDataRole.AccessibleDescriptionRole,
                f"{' '.join(sentences)} One item for each purpose, or for purposes decided "
                "alike: read them again with the arrow keys. Escape closes.")
        else:
            self.reading.set_lines(["Nothing has been decided for this photo yet."])
            self.reading.setAccessibleDescription("Escape closes.")
        buttons = QDialogButtonBox(self)
        close = make_button("Close", "Close the history.")
        buttons.addButton(close, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.reading)
        layout.addWidget(buttons)
        self.resize(520, 300)
        self.reading.setFocus()
