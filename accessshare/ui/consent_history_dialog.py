"""H: a photo's consent history, one sentence a line, readable line by line."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from accessshare.ui.consent_widgets import ReadingPane, make_button


class ConsentHistoryDialog(QDialog):
    def __init__(self, photo_name: str, sentences: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"History of {photo_name}")
        self.setAccessibleName(self.windowTitle())
        self.reading = ReadingPane(f"History of {photo_name}")
        self.reading.show_text("\n".join(sentences) or "Nothing has been decided for this photo yet.",
                               description="One decision a line. Escape closes.")
        buttons = QDialogButtonBox(self)
        close = make_button("Close", "Close the history.")
        buttons.addButton(close, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.reading)
        layout.addWidget(buttons)
        self.resize(520, 300)
        self.reading.setFocus()
