"""The main window: a photo list, a details pane, a photo view, filters and a status line.

A thin layer: scanning, describing, speech and consent all live in the Qt-free core; this
window starts them on worker threads, shows their results and says every change through the
one Announcer. Keys and menus come from ``keymap.BINDINGS`` only (``ui.menus``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QDialog,
                               QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel, QListView,
                               QListWidget, QMainWindow, QSplitter,
                               QStyledItemDelegate, QVBoxLayout, QWidget)

from accessshare.config import Settings
from accessshare.speech import earcons
from accessshare.ui import keymap
from accessshare.ui.announcer import Announcer
from accessshare.ui.choice_box import ChoiceBox
from accessshare.ui.details_pane import DetailsPane, details_lines
from accessshare.ui.help_dialog import HelpDialog
from accessshare.ui.menus import build_menu_bar, open_first_menu
from accessshare.ui.study_controller import StudyController
from accessshare.ui.photo_model import FILTER_WORDS, FILTERS, PhotoListModel
from accessshare.ui.photo_view import PhotoView
from accessshare.ui.settings_dialog import SettingsDialog
from accessshare.ui.theme import apply_theme
from accessshare.ui.workers import AfterRemovalWorker, DescribeWorker, ScanWorker, SpeakerStarter

UI_SWITCH_INTERVAL = 0.001  # seconds; Python's default is 0.005
ITEM_LINES = 3  # a brief description of 25 words, its position and consent state fit in three
ITEM_PADDING = 6
CLOSE_WAIT_SECONDS = 5.0  # for the photo being described when the window closes
NEIGHBOURS = 3  # photos each side of the current one described before the rest
PAGE_STEP = 10


class PhotoItemDelegate(QStyledItemDelegate):
    """Every item is ITEM_LINES lines high, wrapped, the last line elided. One height for all
    lets the list use uniform item sizes: otherwise each description that arrives makes Qt
    measure every item again (10,000 text layouts per photo described, which starved the
    arrow keys). The whole text is still each item's accessible text and in the details pane."""

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 - Qt's name
        metrics = option.fontMetrics
        return QSize(max(option.rect.width(), 1), ITEM_LINES * metrics.lineSpacing() + ITEM_PADDING)


class PhotoListView(QListView):
    """The photo list. Typing letters does not jump between items (every item starts with
    "Photo"); letters are the review keys. A move that cannot go further says so, where a
    screen reader would say nothing at all."""

    reached_end = Signal(str)
    _TOWARDS_END = (Qt.Key.Key_Down, Qt.Key.Key_PageDown, Qt.Key.Key_End)
    _TOWARDS_START = (Qt.Key.Key_Up, Qt.Key.Key_PageUp, Qt.Key.Key_Home)

    def keyboardSearch(self, search: str) -> None:  # noqa: N802 - Qt's name
        return None

    def dataChanged(self, top_left, bottom_right, roles=()) -> None:  # noqa: N802 - Qt's name
        """Repaint the changed items, without QListView's own relayout of every item: in list
        mode it lays out all 10,000 again for each description that arrives (a Python
        rowCount() call per row, 40-90 ms), though with uniform item sizes nothing can move."""
        QAbstractItemView.dataChanged(self, top_left, bottom_right, list(roles))

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        before = self.currentIndex().row()
        super().keyPressEvent(event)
        rows = self.model().rowCount() if self.model() is not None else 0
        if not rows or self.currentIndex().row() != before:
            return
        key = Qt.Key(event.key())
        if key in self._TOWARDS_END and before == rows - 1:
            self.reached_end.emit("Last photo.")
        elif key in self._TOWARDS_START and before == 0:
            self.reached_end.emit("First photo.")


class MainWindow(QMainWindow):
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
        self.dataset: Path | None = None
        self.open_problem = ""  # why the last folder could not be opened
        self.scan_problems: list = []
        self.scan_done = False
        self.describer_ready = False
        self.describer_note = ""
        self.consent_controller = None
        self._back_to_list_after_filter = False
        self._said_all = False  # "All N photos described" said for the open dataset
        self._heard_body: dict[str, str] = {}  # photo id -> the item text body last spoken
        self._scan_worker: ScanWorker | None = None
        self._scan_number = 0  # the scan whose results are wanted; older ones are dropped
        self._describe_worker: DescribeWorker | None = None
        self._after_removal: AfterRemovalWorker | None = None
        self._system_font = QApplication.font()
        self._system_palette = QApplication.palette()
        self.setWindowTitle("AccessShare")
        self.announcer = Announcer(self, mode=settings.voice_mode)
        self.study = StudyController(self)  # a co-design session's recorder, when one runs
        self.model = PhotoListModel(self)
        self._build()
        self._bind_keys()
        apply_theme(QApplication.instance(), settings.high_contrast, settings.font_point_size,
                    self._system_font, self._system_palette)
        if make_speaker is not None:
            self._speaker_starter = SpeakerStarter(make_speaker)
            self._speaker_starter.started.connect(self._speaker_started)
            self._speaker_starter.start()
        if store_problem:
            QTimer.singleShot(0, lambda: self.announcer.error(store_problem))

    # Layout ---------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.filter_box = ChoiceBox("Show")
        for value, words in FILTERS:
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

        self.photo_list = PhotoListView()
        self.photo_list.reached_end.connect(self._reached_end)
        self.photo_list.setObjectName("photoList")
        self.photo_list.setAccessibleName("Photos")
        self.photo_list.setModel(self.model)
        self.photo_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.photo_list.setWordWrap(True)
        self.photo_list.setItemDelegate(PhotoItemDelegate(self.photo_list))
        self.photo_list.setUniformItemSizes(True)
        self.photo_list.setSpacing(3)
        self.photo_list.setAlternatingRowColors(True)
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

    def _bind_keys(self) -> None:
        """The menu bar from the key map; its items are the keys (ui.menus)."""
        self.actions_by_name = build_menu_bar(self, self.review_area, self._handler_for)

    def _handler_for(self, binding: keymap.KeyBinding):
        if binding.consent:
            handler = lambda: self._consent_action(binding.action)  # noqa: E731
        elif binding.menu == "Study":
            handler = getattr(self.study, binding.action)
        else:
            handler = getattr(self, binding.action)

        def dispatch() -> None:
            self.study.action_used(binding)
            handler()
        return dispatch

    # The interface the consent controller uses ----------------------------------------------------

    def _reached_end(self, words: str) -> None:
        self.announcer.announce_unless_speaking(words)

    def current_photo(self):
        return self.model.photo_at(self.photo_list.currentIndex().row())

    def visible_photos(self):
        return list(self.model.visible)

    def privacy_reminder(self, photo_id: str) -> str:
        """What the photo gives away, said again as it is shared ("" if nothing, or not known)."""
        description = self.model.descriptions.get(photo_id)
        return description.privacy_reminder() if description is not None else ""

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
        folder = Path(folder).expanduser()
        if not folder.is_dir():
            self.open_problem = f"Cannot open {folder}: it is not a folder that exists."
            self.announcer.error(self.open_problem)
            return
        self.open_problem = ""
        self._stop_workers()
        self.dataset = folder.resolve()
        self.scan_problems, self.scan_done = [], False
        self._said_all = False  # this dataset's "All N photos described" is still to come
        self._heard_body.clear()
        self.announcer.restart_progress()
        self.model.set_photos([])
        self.dataset_label.setText(f"Dataset: {self.dataset.name}")
        self.setWindowTitle(f"{self.dataset.name} — AccessShare")
        self.settings.remember_dataset(str(self.dataset))
        self._save_settings()
        self._start_consent()
        self._set_status(f"Opening {self.dataset.name}…")
        self._start_describer()
        self._scan_number += 1
        self._scan_worker = ScanWorker(self.dataset, self.paths, self.store, self._scan_number)
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

    def _start_describer(self) -> None:
        if self._describe_worker is not None:
            self._describe_worker.clear()
            return
        if self.make_describer is None:
            return
        self._describe_worker = DescribeWorker(self.make_describer)
        self._describe_worker.described.connect(self._described)
        self._describe_worker.ready.connect(self._describer_ready)
        self._describe_worker.unavailable.connect(self._describer_unavailable)
        # Started when the first photos are listed: loading the describer's libraries holds
        # the interpreter for a second and would hold back the first photos.

    def _stop_workers(self) -> None:
        if self._scan_worker is not None:
            self._scan_worker.cancelled = True
            self._scan_worker = None

    def _photos_found(self, number: int, photos: list) -> None:
        if number != self._scan_number:
            return  # a scan of a dataset that is no longer open
        if self.consent_controller is not None:
            self.consent_controller.prefetch_states([p.id for p in photos])
        first_batch = self.model.rowCount() == 0
        self.model.add_photos(photos)
        if self._describe_worker is not None:
            self._describe_worker.enqueue(photos)
            QTimer.singleShot(0, self._describe_worker.start)
        if first_batch and self.model.rowCount():
            self._select_row(0)
        self._update_status()

    def _problems_found(self, number: int, problems: list) -> None:
        if number == self._scan_number:
            self.scan_problems.extend(problems)

    def _scan_finished(self, number: int, _seconds: float) -> None:
        if number != self._scan_number:
            return
        self.scan_done = True
        total, described, flagged = self.model.counts()
        words = [f"Opened {self.dataset.name}: {_count(total, 'photo')}"]
        if described:
            words.append(f"{_count(flagged, 'flagged photo')} so far")
        if self.scan_problems:
            words.append(f"{_count(len(self.scan_problems), 'file')} could not be opened; "
                         f"the first: {self.scan_problems[0].message} Press S to hear all")
        self.announcer.announce(". ".join(words) + ".", "status", background=True)
        self.study.dataset_opened(total)
        self._update_status()
        self._maybe_all_described()

    def _scan_failed(self, number: int, message: str) -> None:
        if number == self._scan_number:
            self.scan_done = True
            self.announcer.announce(message, "error", background=True)
            self._set_status(message)

    # Describing ---------------------------------------------------------------------------------------

    def _describer_ready(self, note: str) -> None:
        self.describer_ready = True
        if note:
            self.describer_note = note
            self.announcer.announce(note, "error", background=True)
        self._prioritise_around_current()

    def _describer_unavailable(self, message: str) -> None:
        self.describer_note = message
        self.announcer.announce(message, "error", background=True)
        self._set_status(message)

    def _described(self, results: list) -> None:
        """A batch of (photo id, description or None, why not): every photo first, then the
        progress once."""
        for photo_id, description, problem in results:
            if description is None:
                self.model.set_failure(photo_id, problem)
            else:
                if description.verbosity != self.settings.verbosity:
                    description = description.rephrased(self.settings.verbosity)
                self.model.set_description(photo_id, description)
            self._after_description(photo_id)
        self._description_progress()

    def _after_description(self, photo_id: str) -> None:
        current = self.current_photo()
        if current is not None and current.id == photo_id:
            self._show_details(current)
            self._say_current_if_new(current)
            self._privacy_earcon(current)
        elif self.model.filter in ("privacy", "quality"):
            photo = next((p for p in self.model.photos if p.id == photo_id), None)
            if photo is not None and self.model.accepts(photo) and self.model.row_of(photo_id) is None:
                self._refilter_keeping_current()

    def _description_progress(self) -> None:
        total, described, flagged = self.model.counts()
        self.announcer.announce(f"Described {described} of {total} photos; "
                                f"{_count(flagged, 'flagged')}.", "progress")
        self._update_status()
        self._maybe_all_described()

    def _maybe_all_described(self) -> None:
        total, described, flagged = self.model.counts()
        failed = len(self.model.failures)
        if self.scan_done and total and described + failed >= total and not self._said_all:
            self._said_all = True
            self.announcer.announce(f"All {_count(total, 'photo')} described: "
                                    f"{_count(flagged, 'flagged')}.", "status", background=True)

    def _say_current_if_new(self, photo) -> None:
        """Say the description that arrived for the photo the user is on, once."""
        body = self.model.body(photo)
        if self._heard_body.get(photo.id) == body:
            return
        self._heard_body[photo.id] = body
        self.announcer.announce(body, "description", background=True)

    def _prioritise_around_current(self) -> None:
        if self._describe_worker is None:
            return
        row = max(0, self.photo_list.currentIndex().row())
        order = [row]
        for step in range(1, NEIGHBOURS + 1):
            order += [row + step, row - step]
        ids = [self.model.visible[r].id for r in order if 0 <= r < len(self.model.visible)]
        self._describe_worker.prioritise(ids)

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
        self._heard_body[photo.id] = self.model.body(photo)
        self.announcer.speak_navigation(self.model.item_text(current.row()))
        self.study.photo_moved(current.row(), photo.id in self.model.descriptions,
                               self.model.item_text(current.row()))
        self._privacy_earcon(photo)

    def _privacy_earcon(self, photo) -> None:
        description = self.model.descriptions.get(photo.id)
        if description is not None and description.privacy:
            earcons.play_earcon(earcons.PRIVACY_FLAG, enabled=self.settings.earcons)

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
                    self.announcer.announce("Wrapped around.", "status")
                self._select_row(row)
                return
        pending = "" if self._all_known() else " yet; some photos are still being described"
        self.announcer.announce(f"No flagged photos{pending}.", "status")

    def _all_known(self) -> bool:
        total, described, _flagged = self.model.counts()
        return self.scan_done and described + len(self.model.failures) >= total

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
        shown = self.model.rowCount()
        self.announcer.announce(f"Showing {FILTER_WORDS[name].lower()}: {_count(shown, 'photo')}.",
                                "status")

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

    def repeat_description(self) -> None:
        photo = self.current_photo()
        if photo is None:
            self.announcer.announce(self._nothing_here(), "status")
            return
        self.announcer.announce(self.model.item_text(self.photo_list.currentIndex().row()),
                                "description", interrupt=True, asked=True)

    def read_details(self) -> None:
        photo = self.current_photo()
        if photo is None:
            self.announcer.announce(self._nothing_here(), "status")
            return
        self.announcer.announce(" ".join(self.details_lines(photo)), "description", interrupt=True,
                                asked=True)

    def read_text(self) -> None:
        photo = self.current_photo()
        if photo is None:
            self.announcer.announce(self._nothing_here(), "status")
            return
        description = self.model.descriptions.get(photo.id)
        if description is None:
            self.announcer.announce("This photo is still being described.", "status")
        elif not description.text:
            unread = (description.findings or {}).get("text_unread")
            self.announcer.announce("No text could be read in this photo, though there seems to be "
                                    "writing." if unread else "No text was recognised in this photo.",
                                    "description")
        else:
            lines = " ".join(line["text"] for line in description.text)
            self.announcer.announce(f"Text in this photo: {lines}", "description", interrupt=True)

    def hear_after_removal(self) -> None:
        """Shift+R: the photo as it would be shared with what its decision removes (faces, text
        and location if it has no condition yet), said and shown; made on a thread."""
        photo = self.current_photo()
        if photo is None:
            self.announcer.announce(self._nothing_here(), "status")
            return
        if self._describe_worker is None:
            self.announcer.announce(self.describer_note or "Photos cannot be described here.", "status")
            return
        if self._after_removal is None:
            self._after_removal = AfterRemovalWorker(self._describe_worker.service.spec.build)
            self._after_removal.heard.connect(self._heard_after_removal)
        consent = getattr(self.consent_controller, "consent", None)
        kinds = (consent.redaction(photo.id) if consent else ()) or "all"
        self._after_removal.request(photo, kinds, self.settings.verbosity)
        self.announcer.announce(f"Removing and checking, for {photo.path.name}…", "status",
                                interrupt=True)

    def _heard_after_removal(self, photo_id: str, sentence: str, details: list, data: bytes) -> None:
        photo = self.current_photo()
        if photo is None or photo.id != photo_id:
            return  # the user moved on
        self.announcer.announce(sentence, "description", interrupt=True, asked=True)
        self.photo_view.show_copy(QImage.fromData(data) if data else None, " ".join([sentence, *details]))

    def say_status(self) -> None:
        self.announcer.announce(self.status_sentence(), "status", interrupt=True)

    def status_sentence(self) -> str:
        if self.dataset is None:
            return "No dataset is open. Press Ctrl+O to open a folder of photos."
        total, described, flagged = self.model.counts()
        shared, not_shared, undecided = self.model.decision_counts()
        parts = [f"Dataset {self.dataset.name}: {_count(total, 'photo')}",
                 f"Showing {FILTER_WORDS[self.model.filter].lower()}: {self.model.rowCount()}",
                 f"{described} described, {flagged} flagged",
                 f"{shared} shared, {not_shared} not shared, {undecided} not yet decided"]
        if not self.scan_done:
            parts.append("still opening")
        if self.describer_note:
            parts.append(self.describer_note)
        if self.scan_problems:
            parts.append(f"{_count(len(self.scan_problems), 'file')} could not be opened: "
                         + " ".join(p.message for p in self.scan_problems[:10]))
        return as_sentences(parts)

    def toggle_verbosity(self) -> None:
        self.settings.verbosity = "detailed" if self.settings.verbosity == "brief" else "brief"
        self._save_settings()
        self._rephrase_all()
        self.announcer.announce(f"{self.settings.verbosity.capitalize()} descriptions.", "status")

    def _rephrase_all(self) -> None:
        for photo_id, description in list(self.model.descriptions.items()):
            if description.verbosity != self.settings.verbosity:
                self.model.descriptions[photo_id] = description.rephrased(self.settings.verbosity)
        self.model.texts_changed()
        self._show_details(self.current_photo())

    def stop_speech(self) -> None:
        self.announcer.stop()

    # Seeing -----------------------------------------------------------------------------------------

    def zoom_in(self) -> None:
        factor = self.photo_view.zoom_in()
        self.announcer.announce(f"Zoom {round(factor * 100)} percent.", "status")

    def zoom_out(self) -> None:
        factor = self.photo_view.zoom_out()
        self.announcer.announce(f"Zoom {round(factor * 100)} percent.", "status")

    def zoom_fit(self) -> None:
        self.photo_view.fit()
        self.announcer.announce("Photo fitted to the window.", "status")

    def toggle_high_contrast(self) -> None:
        self.settings.high_contrast = not self.settings.high_contrast
        self._save_settings()
        self._apply_look()
        self.announcer.announce(f"High contrast {'on' if self.settings.high_contrast else 'off'}.",
                                "status")

    def _apply_look(self) -> None:
        apply_theme(QApplication.instance(), self.settings.high_contrast,
                    self.settings.font_point_size, self._system_font, self._system_palette)
        photo = self.current_photo()
        if photo is not None:
            self.photo_view.show_photo(photo, self._view_summary(photo), self.settings.high_contrast,
                                       at_once=True)

    def _view_summary(self, photo) -> str:
        return f"{photo.path.name}: {self.model.body(photo)}"

    # Details ----------------------------------------------------------------------------------------

    def details_lines(self, photo) -> list[str]:
        return details_lines(self.model, photo)

    def _show_details(self, photo) -> None:
        if photo is None:
            self.details.show_message(self._nothing_here())
            self.photo_view.clear()
            return
        self.details.show_photo(self.model, photo)

    def _nothing_here(self) -> str:
        if self.dataset is None:
            return "No dataset is open. Press Ctrl+O to open a folder of photos."
        if not self.scan_done:
            return "Still opening the dataset."
        if not self.model.photos:
            return f"There are no photos in {self.dataset}."
        return "No photos match this filter. Press Ctrl+F to choose another."

    # Status -----------------------------------------------------------------------------------------

    def _update_status(self) -> None:
        if self.dataset is None:
            return
        total, described, flagged = self.model.counts()
        opening = "" if self.scan_done else "Opening… "
        self._set_status(f"{opening}{_count(total, 'photo')}, {described} described, "
                         f"{flagged} flagged. Showing {FILTER_WORDS[self.model.filter].lower()}.")

    def _set_status(self, text: str) -> None:
        self.status_label.setText(text)

    # Consent keys -----------------------------------------------------------------------------------

    def _consent_action(self, action: str) -> None:
        if self.consent_controller is None:
            reason = ("Open a dataset first with Ctrl+O." if self.store is not None
                      else "Consent records are not available, so decisions cannot be saved.")
            self.announcer.error(f"Cannot do that yet. {reason}")
            return
        getattr(self.consent_controller, action)()

    # App --------------------------------------------------------------------------------------------

    def open_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Open a folder of photos", str(self.dataset or Path.home()),
            QFileDialog.Option.ShowDirsOnly | QFileDialog.Option.DontUseNativeDialog)
        self.return_focus()
        if folder:
            self.open_dataset(folder)

    def open_recent(self) -> None:
        recent = [f for f in self.settings.recent_datasets if Path(f).is_dir()]
        if not recent:
            self.announcer.announce("No recent datasets yet.", "status")
            return
        dialog = RecentDialog(recent, self)
        if self.run_dialog(dialog) and dialog.chosen():
            self.open_dataset(dialog.chosen())

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self, self._system_font.pointSize())
        if not self.run_dialog(dialog):
            self.announcer.announce("Settings not changed.", "status")
            return
        self.apply_settings(dialog.chosen())
        self.announcer.announce("Settings saved.", "status")

    def apply_settings(self, chosen: Settings) -> None:
        verbosity_changed = chosen.verbosity != self.settings.verbosity
        self.study.settings_changed(self.settings, chosen)
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

    def show_help(self) -> None:
        self.run_dialog(HelpDialog(self))

    def open_menu_bar(self) -> None:
        open_first_menu(self)

    def run_dialog(self, dialog: QDialog) -> bool:
        """Show a dialog modally; afterwards the window is active again and focus is back where
        it was, even with no window manager to hand activation back. True if accepted."""
        before = QApplication.focusWidget()
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        self.return_focus(before)
        return accepted

    def return_focus(self, widget=None) -> None:
        self.activateWindow()
        target = widget if widget is not None and self.isAncestorOf(widget) else self.photo_list
        target.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def quit(self) -> None:
        self.close()

    def _save_settings(self) -> None:
        try:
            self.settings.save(self.paths.settings_file)
        except OSError as error:
            self.announcer.error(f"Settings could not be saved: {error}")

    def _speaker_started(self, speaker) -> None:
        if speaker is None:
            return
        speaker.rate = self.settings.speech_rate
        self.announcer.set_speaker(speaker)
        if not speaker.available and self.settings.voice_mode in ("own-voice", "both"):
            self.announcer.error(speaker.unavailable_message)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.study.close()  # the session ends with the app; every event is written first
        self.study.shut_view()
        self._stop_workers()
        if self._describe_worker is not None:
            self._describe_worker.stop(wait_seconds=CLOSE_WAIT_SECONDS)
        speaker = self.announcer.speaker
        if speaker is not None:
            speaker.close()
        super().closeEvent(event)


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


def _count(number: int, noun: str) -> str:
    if noun == "flagged":
        return f"{number} flagged"
    words = {0: "no", 1: "one"}
    return f"{words.get(number, str(number))} {noun}{'' if number == 1 else 's'}"


def as_sentences(parts: list[str]) -> str:
    """Parts joined as sentences, each ending in one full stop (a part may end in its own)."""
    return " ".join(p if p.endswith((".", "!", "?")) else f"{p}." for p in (p.strip() for p in parts) if p)
