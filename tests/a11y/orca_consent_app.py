"""A minimal host for the consent controller, for the Orca test while the main window
(accessshare.ui.app) is not available: a photo list over a real scan and records store,
Ctrl+I opens the consent walk. Usage: python orca_consent_app.py DATASET"""

from __future__ import annotations

import sys

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QListWidget, QMainWindow

from accessshare.config import Settings, resolve_paths
from accessshare.library import scan
from accessshare.records import RecordStore
from accessshare.ui.consent_controller import ConsentController


class PrintingAnnouncer:
    def announce(self, text: str, *args, **kwargs) -> None:
        print("ANNOUNCE:", text, flush=True)


class ConsentHost(QMainWindow):
    def __init__(self, dataset: str):
        super().__init__()
        self.setWindowTitle("AccessShare")
        self.paths = resolve_paths().ensure()
        self.store = RecordStore.open(self.paths)
        self.settings = Settings()
        self.announcer = PrintingAnnouncer()
        self.photos = sorted(scan(dataset).photos, key=lambda p: p.relpath)
        self.store.upsert_photos(dataset, self.photos)
        self.consent_state_provider = lambda _photo_id: ("Not yet decided.", False)
        self.list = QListWidget()
        self.list.setAccessibleName("Photos")
        self.setCentralWidget(self.list)
        self.controller = ConsentController(self)
        for row, photo in enumerate(self.photos):
            self.list.addItem(self._text(row))
        self.list.setCurrentRow(0)
        QShortcut(QKeySequence("Ctrl+I"), self, activated=self.controller.consent_walk)

    def _text(self, row: int) -> str:
        spoken, _shared = self.consent_state_provider(self.photos[row].id)
        return f"Photo {row + 1} of {len(self.photos)}. {self.photos[row].relpath}. {spoken}"

    def current_photo(self):
        row = self.list.currentRow()
        return self.photos[row] if row >= 0 else None

    def visible_photos(self):
        return list(self.photos)

    def refresh_photo(self, photo_id: str) -> None:
        row = next(i for i, p in enumerate(self.photos) if p.id == photo_id)
        self.list.item(row).setText(self._text(row))

    def remove_photo(self, photo_id: str) -> None:
        row = next(i for i, p in enumerate(self.photos) if p.id == photo_id)
        del self.photos[row]
        self.list.takeItem(row)


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = ConsentHost(sys.argv[1])
    window.resize(800, 600)
    window.show()
    window.list.setFocus()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
