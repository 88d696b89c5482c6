"""The main window: a photo list, a details pane, a photo view, filters and a status line.

A thin layer: scanning, describing, speech and consent all live in the Qt-free core; this
window starts them on worker threads, shows their results and says every change through the
one Announcer. Keys and menus come from ``keymap.BINDINGS`` only (``ui.menus``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (QApplication, QFileDialog, QHBoxLayout,
                               QLabel, QMainWindow, QSplitter, QVBoxLayout, QWidget)

from accessshare.app.session import DatasetSession
from accessshare.config import Settings
from accessshare.sentences import en
from accessshare.ui.announcer import Announcer
from accessshare.ui.choice_box import ChoiceBox
from accessshare.ui.details_pane import DetailsPane, details_lines
from accessshare.ui.dialogs import show_dialog
from accessshare.ui.help_dialog import HelpDialog
from accessshare.ui.menus import open_first_menu
from accessshare.ui.photo_list import PhotoItemDelegate, PhotoListView
from accessshare.ui.photo_model import PhotoListModel
from accessshare.ui.study_controller import StudyController
from accessshare.ui.photo_view import PhotoView
from accessshare.ui.recent_dialog import RecentDialog
from accessshare.ui.window_after_removal import AfterRemoval
from accessshare.ui.window_feeds import WorkerFeeds
from accessshare.ui.window_keys import KeyDispatch
from accessshare.ui.window_settings import WindowSettings
from accessshare.ui.workers import DescribeWorker, ScanWorker, SpeakerStarter
from accessshare.vocabulary import AnnouncementKind as Kind

__all__ = ["MainWindow", "PhotoItemDelegate", "PhotoListView", "RecentDialog"]

UI_SWITCH_INTERVAL = 0.001  # seconds; Python's default is 0.005
CLOSE_WAIT_SECONDS = 5.0  # for the photo being described when the window closes
PAGE_STEP = 10


class MainWindow(WorkerFeeds, WindowSettings, AfterRemoval, KeyDispatch, QMainWindow):
    def __init__(self, paths, settings: Settings, store=None, *, make_describer=None,
                 make_speaker=None, consent_form_path: Path | None = None,
                 store_problem: str = ""):
        super().__init__()
        # Worker threads (scan, describe) run Python too; a thread waiting for the interpreter
        # gets it after at most this long, so key presses are not held up 5 ms at a time.
        sys.setswitchinterval(UI_SWITCH_INTERVAL)
        self.paths, self.settings, self.store = paths, settings, store
        self.consent_form_path = consent_form_path
        self.make_describer = make_describer
        self.session = DatasetSession()  # the open dataset: reset together when another opens
        self.open_problem = ""  # why the last folder could not be opened
        self.describer_ready = False
        self.consent_controller = None
        self.key_notice_said = False  # a device key made anew is said once a session
        self._back_to_list_after_filter = False
        self._scan_worker: ScanWorker | None = None
        self._describe_worker: DescribeWorker | None = None
        self._system_font = QApplication.font()
        self._system_palette = QApplication.palette()
        self.setWindowTitle("AccessShare")
        self.announcer = Announcer(self, mode=settings.voice_mode)
        self.study = StudyController(self)  # a co-design session's recorder, when one runs
        self.model = PhotoListModel(self, self.session)
        self._build()
        self._bind_keys()
        self._apply_look()
        if make_speaker is not None:
            self._speaker_starter = SpeakerStarter(make_speaker)
            self._speaker_starter.started.connect(self._speaker_started)
            self._speaker_starter.start()
        if store_problem:
            QTimer.singleShot(0, lambda: self.announcer.error(store_problem))

    # The open dataset, as the session holds it ---------------------------------------------------

    @property
    def dataset(self) -> Path | None:
        return self.session.root

    @property
    def scan_done(self) -> bool:
        return self.session.scan_done

    @property
    def scan_problems(self) -> list:
        return self.session.scan_problems

    @property
    def describer_note(self) -> str:
        return self.session.describer_note

    @describer_note.setter
    def describer_note(self, note: str) -> None:
        self.session.describer_note = note

    # Layout ---------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.filter_box = ChoiceBox("Show")
        for value, words in self.session.filter_choices():
            self.filter_box.addItem(words, value)
        filter_label = QLabel("Sho&w:")  # Alt+S is the Study menu
        filter_label.setBuddy(self.filter_box)
        self.filter_box.currentIndexChanged.connect(self._filter_chosen)
        self.dataset_label = QLabel("No dataset open")
        top = QHBoxLayout()
        top.addWidget(filter_label)
        top.addWidget(self.filter_box)
        top.addStretch(1)
        top.addWidget(self.dataset_label)

        self.photo_list = PhotoListView(self.model)
        self.photo_list.reached_end.connect(self._reached_end)
        self.photo_list.selectionModel().currentChanged.connect(self._current_changed)
        self.details = DetailsPane()
        self.photo_view = PhotoView()

        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.details)
        right.addWidget(self.photo_view)
        right.setSizes([260, 440])
        self.review_area = QSplitter(Qt.Orientation.Horizontal)
        self.review_area.addWidget(self.photo_list)
        self.review_area.addWidget(right)
        self.review_area.setSizes([420, 660])

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(self.review_area, 1)
        self.setCentralWidget(central)
        self.status_label = QLabel("")  # unnamed: screen readers read its text
        self.statusBar().addWidget(self.status_label, 1)
        self.panes = [self.photo_list, self.details, self.photo_view]
        QWidget.setTabOrder(self.filter_box, self.photo_list)
        QWidget.setTabOrder(self.photo_list, self.details)
        QWidget.setTabOrder(self.details, self.photo_view)
        self.resize(1100, 760)

    # The interface the consent controller uses ----------------------------------------------------

    def _reached_end(self, words: str) -> None:
        self.announcer.announce_unless_speaking(words)

    def current_photo(self):
        return self.model.photo_at(self.photo_list.currentIndex().row())

    def visible_photos(self):
        return list(self.model.visible)

    def privacy_reminder(self, photo_id: str) -> str:
        """What the photo gives away, said again as it is shared ("" if nothing, or not known)."""
        return self.session.privacy_reminder(photo_id)

    def refresh_all_photos(self) -> None:
        """Every item's text may have changed (the folder's default): one signal for the list,
        not one per photo."""
        self.model.texts_changed()
        self._show_details(self.current_photo())

    def refresh_photo(self, photo_id: str) -> None:
        self.model.photo_changed(photo_id)
        if self.current_photo() is not None and self.current_photo().id == photo_id:
            self._show_details(self.current_photo())

    def remove_photo(self, photo_id: str) -> None:
        row = self.model.row_of(photo_id)
        if self._describe_worker is not None:
            self._describe_worker.forget(photo_id)
        self.model.remove_photo(photo_id)
        if self.model.rowCount():
            self._select_row(min(row or 0, self.model.rowCount() - 1))
        # Qt moved the current item while the row was still there ("Photo 7 of 10"): the
        # details are shown again now that every position is known.
        self._show_details(self.current_photo())
        self._update_status()

    @property
    def consent_state_provider(self):
        return self.model.state_provider

    @consent_state_provider.setter
    def consent_state_provider(self, provider) -> None:
        self.model.state_provider = provider

    # Opening datasets -------------------------------------------------------------------------------

    def open_dataset(self, folder: str | Path) -> None:
        self._stop_workers()
        self.open_problem = self.session.open(folder)  # everything of the last one is forgotten
        if self.open_problem:
            self.announcer.error(self.open_problem)
            return
        root = self.session.root
        assert root is not None  # opened just now
        self.announcer.restart_progress()
        self.model.dataset_opened()
        self.dataset_label.setText(f"Dataset: {root.name}")
        self.setWindowTitle(f"{root.name} — AccessShare")
        self.settings.remember_dataset(str(root))
        self._save_settings()
        self._start_consent()
        self._set_status(en.opening(root.name))
        self._start_describer()
        self._scan_worker = ScanWorker(root, self.paths, self.store, self.session.scan_number)
        self._scan_worker.photos_found.connect(self._photos_found)
        self._scan_worker.problems_found.connect(self._problems_found)
        self._scan_worker.finished.connect(self._scan_finished)
        self._scan_worker.failed.connect(self._scan_failed)
        self._scan_worker.start()

    def _start_consent(self) -> None:
        if self.store is None:
            return
        from accessshare.ui.consent_controller import ConsentController
        self.consent_controller = ConsentController(self)
        self.consent_controller.check_log_in_background()

    def _stop_workers(self) -> None:
        if self._scan_worker is not None:
            self._scan_worker.cancelled = True
            self._scan_worker = None

    # Moving -------------------------------------------------------------------------------------------

    def _select_row(self, row: int) -> None:
        index = self.model.index(row)
        self.photo_list.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self.model.current_moved(previous.row())
        photo = self.model.photo_at(current.row())
        self._show_details(photo)
        if photo is None:
            return
        self.photo_view.show_photo(photo, self._view_summary(photo), self.settings.high_contrast)
        self._prioritise_around_current()
        self.session.heard(photo.id, self.model.body(photo))
        self.announcer.speak_navigation(self.model.item_text(current.row()))
        self.study.photo_moved(current.row(), photo.id in self.model.descriptions,
                               self.model.item_text(current.row()))
        self._privacy_earcon(photo)

    def next_flagged(self) -> None:
        self._jump_flagged(+1)

    def previous_flagged(self) -> None:
        self._jump_flagged(-1)

    def _jump_flagged(self, step: int) -> None:
        count = self.model.rowCount()
        start = self.photo_list.currentIndex().row()
        for offset in range(1, count + 1):
            row = (start + step * offset) % count
            if self.model.is_flagged(self.model.visible[row]):
                if (step > 0 and row <= start) or (step < 0 and row >= start):
                    self.announcer.announce(en.WRAPPED, Kind.STATUS)
                self._select_row(row)
                return
        self.announcer.announce(en.no_flagged(self.session.all_known()), Kind.STATUS)

    def cycle_panes(self) -> None:
        self._cycle(+1)

    def cycle_panes_back(self) -> None:
        self._cycle(-1)

    def _cycle(self, step: int) -> None:
        focused = QApplication.focusWidget()
        position = next((i for i, pane in enumerate(self.panes)
                         if pane is focused or pane.isAncestorOf(focused)), -1) if focused else -1
        self.panes[(position + step) % len(self.panes)].setFocus(Qt.FocusReason.TabFocusReason)

    def focus_filter(self) -> None:
        self._back_to_list_after_filter = True  # a choice made from Ctrl+F returns to the list
        self.filter_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_box.showPopup()

    def _filter_chosen(self, _index: int) -> None:
        name = self.filter_box.currentData()
        if name == self.model.filter:
            return
        self._refilter_keeping_current(name)
        if self._back_to_list_after_filter:
            self._back_to_list_after_filter = False
            self.photo_list.setFocus(Qt.FocusReason.OtherFocusReason)
        self.announcer.announce(self.session.showing(self.model.rowCount()), Kind.STATUS)

    def _refilter_keeping_current(self, name: str | None = None) -> None:
        current = self.current_photo()
        self.model.set_filter(name or self.model.filter)
        row = self.model.row_of(current.id) if current is not None else None
        if self.model.rowCount():
            self._select_row(row if row is not None else 0)
        else:
            self._show_details(None)
        self._update_status()

    # Listening ------------------------------------------------------------------------------------

    def _current_or_say(self):
        photo = self.current_photo()
        if photo is None:
            self.announcer.announce(self.session.nothing_here(), Kind.STATUS)
        return photo

    def repeat_description(self) -> None:
        if self._current_or_say() is not None:
            self.announcer.announce(self.model.item_text(self.photo_list.currentIndex().row()),
                                    Kind.DESCRIPTION, interrupt=True, asked=True)

    def read_details(self) -> None:
        photo = self._current_or_say()
        if photo is not None:
            self.announcer.announce(" ".join(self.details_lines(photo)), Kind.DESCRIPTION,
                                    interrupt=True, asked=True)

    def read_text(self) -> None:
        photo = self._current_or_say()
        if photo is None:
            return
        description = self.model.descriptions.get(photo.id)
        if description is None:
            self.announcer.announce(en.STILL_DESCRIBING, Kind.STATUS)
        elif not description.text:
            unread = (description.findings or {}).get("text_unread")
            self.announcer.announce(en.TEXT_UNREAD if unread else en.NO_TEXT, Kind.DESCRIPTION)
        else:
            lines = " ".join(line["text"] for line in description.text)
            self.announcer.announce(en.text_in_photo(lines), Kind.DESCRIPTION, interrupt=True)

    def say_status(self) -> None:
        self.announcer.announce(self.status_sentence(), Kind.STATUS, interrupt=True)

    def status_sentence(self) -> str:
        return self.session.status_sentence(self.model.rowCount())

    def stop_speech(self) -> None:
        self.announcer.stop()

    # Details and status ----------------------------------------------------------------------------

    def details_lines(self, photo) -> list[str]:
        return details_lines(self.model, photo)

    def _show_details(self, photo) -> None:
        if photo is None:
            self.details.show_message(self.session.nothing_here())
            self.photo_view.clear()
            return
        self.details.show_photo(self.model, photo)

    def _update_status(self) -> None:
        if self.dataset is not None:
            self._set_status(self.session.status_line())

    def _set_status(self, text: str) -> None:
        self.status_label.setText(text)

    # App --------------------------------------------------------------------------------------------

    def open_folder(self) -> None:
        dialog = QFileDialog(self, "Open a folder of photos", str(self.dataset or Path.home()))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOptions(QFileDialog.Option.ShowDirsOnly | QFileDialog.Option.DontUseNativeDialog)

        def chosen(accepted: bool) -> None:
            if accepted and dialog.selectedFiles():
                self.open_dataset(dialog.selectedFiles()[0])

        self.show_dialog(dialog, chosen)

    def open_recent(self) -> None:
        recent = [f for f in self.settings.recent_datasets if Path(f).is_dir()]
        if not recent:
            self.announcer.announce(en.NO_RECENT, Kind.STATUS)
            return
        dialog = RecentDialog(recent, self)

        def chosen(accepted: bool) -> None:
            folder = dialog.chosen()
            if accepted and folder:
                self.open_dataset(folder)

        self.show_dialog(dialog, chosen)

    def show_help(self) -> None:
        self.show_dialog(HelpDialog(self))

    def open_menu_bar(self) -> None:
        open_first_menu(self)

    def show_dialog(self, dialog, on_finished=None) -> None:
        """The one way to open a dialog (``ui.dialogs``); focus comes back where it was, or to
        the photo list."""

        def finished(accepted: bool) -> None:
            self.return_focus(self._focus_before_dialog)
            if on_finished is not None:
                on_finished(accepted)

        self._focus_before_dialog = QApplication.focusWidget()
        show_dialog(self, dialog, finished)

    def return_focus(self, widget=None) -> None:
        self.activateWindow()
        target = widget if widget is not None and self.isAncestorOf(widget) else self.photo_list
        target.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def quit(self) -> None:
        self.close()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.study.close()  # the session ends with the app; every event is written first
        self.study.shut_view()
        self._stop_workers()
        if self.consent_controller is not None:
            if self.consent_controller.export_job is not None:
                self.consent_controller.export_job.stop()  # between two photos
            self.consent_controller.operations.wait()  # a decision being saved is finished
        if self._describe_worker is not None:
            self._describe_worker.stop(wait_seconds=CLOSE_WAIT_SECONDS)
        speaker = self.announcer.speaker
        if speaker is not None:
            speaker.close()
        super().closeEvent(event)
