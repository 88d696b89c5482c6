"""Starting the desktop app: ``run_app(paths, folder)``.

With no folder it opens the last dataset, or the bundled sample dataset on first run. With
``smoke=True`` it opens the dataset, waits until the first photo is described, prints what a
screen reader would read for it, and exits: a headless check of the whole stack.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from accessshare.app.stores import describer_factory, open_store
from accessshare.config import Settings
from accessshare.paths import sample_dataset
from accessshare.ui.desktop_integration import present_to_desktop

SMOKE_TIMEOUT_MS = 120_000


def speaker_factory(settings: Settings):
    def make():
        from accessshare.speech import Speaker
        return Speaker(rate=settings.speech_rate, voice=settings.voice_id, volume=settings.volume)
    return make


def choose_dataset(folder: str | None, settings: Settings) -> Path:
    if folder:
        return Path(folder)
    recent = [Path(f) for f in settings.recent_datasets if Path(f).is_dir()]
    return recent[0] if recent else sample_dataset()


def run_app(paths, folder: str | None = None, *, smoke: bool = False,
            consent_form: str | None = None, caption_model: str | None = None,
            study: dict | None = None) -> int:
    """``study``: the checked options of a co-design session (``cli.gui.study_options``)."""
    from accessshare.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("AccessShare")
    present_to_desktop(app)
    paths.ensure()
    settings = Settings.load(paths.settings_file)
    store, store_problem = open_store(paths)
    window = MainWindow(
        paths, settings, store,
        make_describer=describer_factory(paths, store, settings,
                                         Path(caption_model) if caption_model else None),
        make_speaker=None if smoke else speaker_factory(settings),
        consent_form_path=Path(consent_form) if consent_form else None,
        store_problem=store_problem)
    window.show()
    window.photo_list.setFocus()
    window.open_dataset(choose_dataset(folder, settings))
    if study:
        window.study.start(**study)
    if smoke:
        return _smoke(app, window)
    code = app.exec()
    if store is not None:
        store.close()
    return code


def _smoke(app: QApplication, window) -> int:
    """Exit 0 once the first photo is described; 1 if it could not be (its reason is printed),
    if the describer cannot run, or on timeout."""
    result = {"code": 1}

    def check() -> None:
        if window.open_problem:
            print(window.open_problem)
            window.close()
            app.quit()
            return
        photo = window.current_photo()
        known = photo is not None and (photo.id in window.model.descriptions
                                       or photo.id in window.model.failures)
        unavailable = window.describer_note.startswith("Photos cannot be described")
        if window.scan_done and (known or unavailable or not window.model.photos):
            total, described, flagged = window.model.counts()
            print(f"Opened {window.dataset}: {total} photos, {described} described, "
                  f"{flagged} flagged.")
            if photo is not None:
                print(window.model.item_text(window.photo_list.currentIndex().row()))
            if window.announcer.history:  # background news waits until focus rests
                print("Announced: " + " | ".join(window.announcer.history))
            # Success means photo 1 was described, not merely that it was tried.
            result["code"] = 0 if photo is not None and photo.id in window.model.descriptions else 1
            window.close()
            app.quit()

    timer = QTimer()
    timer.timeout.connect(check)
    timer.start(100)
    QTimer.singleShot(SMOKE_TIMEOUT_MS, app.quit)
    app.exec()
    return result["code"]
