"""The main window's look and settings: verbosity, zoom, high contrast, the settings dialog,
and the own voice once it has started."""

from __future__ import annotations

from typing import cast

from PySide6.QtWidgets import QApplication

from accessshare.config import Settings
from accessshare.sentences import en
from accessshare.ui.settings_dialog import SettingsDialog
from accessshare.ui.theme import apply_theme
from accessshare.ui.window_parts import WindowParts
from accessshare.vocabulary import AnnouncementKind as Kind


class WindowSettings(WindowParts):
    """Mixed into ``MainWindow``: the keys and dialog that change how it looks and speaks."""

    def toggle_verbosity(self) -> None:
        self.settings.verbosity = "detailed" if self.settings.verbosity == "brief" else "brief"
        self._save_settings()
        self._rephrase_all()
        self.announcer.announce(en.verbosity(self.settings.verbosity == "detailed"), Kind.STATUS)

    def _rephrase_all(self) -> None:
        for photo_id, description in list(self.model.descriptions.items()):
            if description.verbosity != self.settings.verbosity:
                self.model.descriptions[photo_id] = description.rephrased(self.settings.verbosity)
        self.model.texts_changed()
        self._show_details(self.current_photo())

    def zoom_in(self) -> None:
        self.announcer.announce(en.zoom(round(self.photo_view.zoom_in() * 100)), Kind.STATUS)

    def zoom_out(self) -> None:
        self.announcer.announce(en.zoom(round(self.photo_view.zoom_out() * 100)), Kind.STATUS)

    def zoom_fit(self) -> None:
        self.photo_view.fit()
        self.announcer.announce(en.FITTED, Kind.STATUS)

    def toggle_high_contrast(self) -> None:
        self.settings.high_contrast = not self.settings.high_contrast
        self._save_settings()
        self._apply_look()
        self.announcer.announce(en.high_contrast(self.settings.high_contrast), Kind.STATUS)

    def _apply_look(self) -> None:
        apply_theme(cast(QApplication, QApplication.instance()), self.settings.high_contrast,
                    self.settings.font_point_size, self._system_font, self._system_palette)
        photo = self.current_photo()
        if photo is not None:
            self.photo_view.show_photo(photo, self._view_summary(photo), self.settings.high_contrast,
                                       at_once=True)

    def _view_summary(self, photo) -> str:
        return f"{photo.path.name}: {self.model.body(photo)}"

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self, self._system_font.pointSize())
        self.show_dialog(dialog, lambda accepted: self._settings_chosen(dialog, accepted))

    def _settings_chosen(self, dialog: SettingsDialog, accepted: bool) -> None:
        if accepted:
            self.apply_settings(dialog.chosen())
        self.announcer.announce(en.SETTINGS_SAVED if accepted else en.SETTINGS_UNCHANGED,
                                Kind.STATUS)

    def apply_settings(self, chosen: Settings) -> None:
        self.study.settings_changed(self.settings, chosen)
        verbosity_changed = chosen.verbosity != self.settings.verbosity
        self.settings = chosen
        self._save_settings()
        self.announcer.set_mode(chosen.voice_mode)
        speaker = self.announcer.speaker
        if speaker is not None:
            speaker.rate = chosen.speech_rate
        self._apply_look()
        # A new font size re-lays the list out; keep the photo the user is on in view.
        self.photo_list.scrollTo(self.photo_list.currentIndex())
        if verbosity_changed:
            self._rephrase_all()

    def _save_settings(self) -> None:
        try:
            self.settings.save(self.paths.settings_file)
        except OSError as error:
            self.announcer.error(en.settings_not_saved(error))

    def _speaker_started(self, speaker) -> None:
        if speaker is None:
            return
        speaker.rate = self.settings.speech_rate
        self.announcer.set_speaker(speaker)
        if not speaker.available and self.settings.voice_mode in ("own-voice", "both"):
            self.announcer.error(speaker.unavailable_message)
