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
        # Orca reads the name, the line at the caret (one visual line: a long sentence would be
        # cut where it wraps) and the description: so a short first line, and every decision in
        # the description.
        if sentences:
            count = "1 decision" if len(sentences) == 1 else f"{len(sentences)} decisions"
            text = "\n".join([f"{count}, oldest first.", *sentences])
            description = f"{' '.join(sentences)} One decision a line. Escape closes."
        else:
            text, description = "Nothing has been decided for this photo yet.", "Escape closes."
        self.reading.show_text(text, description=description)
        buttons = QDialogButtonBox(self)
        close = make_button("Close", "Close the history.")
        buttons.addButton(close, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.reading)
        layout.addWidget(buttons)
        self.resize(520, 300)
        self.reading.setFocus()
