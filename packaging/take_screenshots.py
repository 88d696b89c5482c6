"""Screenshots of the real app for docs/: the main window on the sample dataset, the keyboard
help, the settings dialog and the consent walk, each taken from the X screen under Xvfb.

Usage: xvfb-run -a -s "-screen 0 1280x800x24" python packaging/take_screenshots.py docs/screenshots
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "xcb"

from PySide6.QtWidgets import QApplication  # noqa: E402

from accessshare.config import Settings, resolve_paths  # noqa: E402
from accessshare.consent import ConsentWalk, load_form  # noqa: E402
from accessshare.paths import sample_dataset  # noqa: E402
from accessshare.records import RecordStore  # noqa: E402
from accessshare.ui.app import describer_factory  # noqa: E402
from accessshare.ui.consent_walk_dialog import ConsentWalkDialog  # noqa: E402
from accessshare.ui.help_dialog import HelpDialog  # noqa: E402
from accessshare.ui.main_window import MainWindow  # noqa: E402
from accessshare.ui.settings_dialog import SettingsDialog  # noqa: E402


def settle(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def shoot(app: QApplication, path: Path) -> None:
    settle(app, 0.8)
    app.primaryScreen().grabWindow(0).save(str(path))
    print(f"wrote {path}")


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setApplicationName("AccessShare")
    with tempfile.TemporaryDirectory() as data:
        paths = resolve_paths(data).ensure()
        store = RecordStore.open(paths)
        settings = Settings()
        window = MainWindow(paths, settings, store,
                            make_describer=describer_factory(paths, store, settings, None))
        window.setGeometry(0, 0, 1280, 800)
        window.show()
        window.photo_list.setFocus()
        window.open_dataset(sample_dataset())
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and len(window.model.descriptions) < window.model.rowCount() or not window.scan_done:
            settle(app, 0.2)
        window._select_row(3)
        shoot(app, out / "main-window.png")
        help_dialog = HelpDialog(window)
        help_dialog.show()
        shoot(app, out / "help.png")
        help_dialog.close()
        settings_dialog = SettingsDialog(window.settings, window)
        settings_dialog.show()
        shoot(app, out / "settings.png")
        settings_dialog.close()
        walk = ConsentWalk(load_form())
        while not walk.page().is_question:  # the first question, as a contributor meets it
            walk.forward()
        walk_dialog = ConsentWalkDialog(walk, lambda _text: None, window)
        walk_dialog.show()
        shoot(app, out / "consent-walk.png")
        walk_dialog.hide()  # close() would ask "Stop the consent walk?"
        walk_dialog.deleteLater()
        window.settings.high_contrast = True
        window._apply_look()
        settle(app, 1.0)
        shoot(app, out / "main-window-high-contrast.png")
        window.close()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
