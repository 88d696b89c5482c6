"""Ctrl+Shift+O: choose one of the recent datasets."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QListWidget, QVBoxLayout


class RecentDialog(QDialog):
    def __init__(self, folders: list[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Recent datasets")
        self.list = QListWidget()
        self.list.setAccessibleName("Recent datasets")
        self.list.addItems(folders)
        self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _item: self.accept())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.list.setFocus()

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        return item.text() if item else None
