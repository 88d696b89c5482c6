"""The Study menu and the hooks that feed a study session's recorder (``accessshare.study``).

The main window makes one ``StudyController`` and calls it where things happen: an action
dispatched (``action_used``), a move to a photo, a dataset opened, a decision, an undo, a
deletion, settings changed, the consent walk. Without a session every hook does nothing.
The recorder decides what is kept (only once the participant agreed, never while paused);
the facilitator's view shows what was said and done either way.

A hook runs inside the participant's key press, so it does the least it can: the recorder
queues a tuple, and what the facilitator's view should show is kept as a tuple too; the view
is brought up to date once the key press has been handled (a zero timer, so many hooks of one
press, or of a quick run of presses, make one update). Notes another process adds to the
session (``accessshare study note``) are found by the recorder's writer thread and arrive here
through a queued signal.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QInputDialog, QLineEdit

from accessshare.sentences import en
from accessshare.study import StudyProblem, check_code, start_session
from accessshare.study.recorder import ENDED, RECORDING, compact_positions
from accessshare.study.walk import ObservedWalk
from accessshare.ui import keymap
from accessshare.ui.consent_widgets import confirmation_box, was_confirmed
from accessshare.ui.study_view import FacilitatorView
from accessshare.vocabulary import AnnouncementKind as Kind
from accessshare.vocabulary import ConsentStatus

SETTINGS_RECORDED = ("verbosity", "voice_mode", "voice_id", "speech_rate", "volume",
                     "high_contrast", "font_point_size", "earcons")


def _binding(action: str) -> keymap.KeyBinding:
    return next(b for b in keymap.BINDINGS if b.action == action)


def overall_state(states: dict[str, str]) -> tuple[str, str]:
    """(state, purpose) as a decision is recorded: given, with the purposes shared; or the
    one state of every purpose ("all"); or mixed."""
    given = sorted(p for p, s in states.items() if s == ConsentStatus.GIVEN)
    kinds = set(states.values())
    state = ConsentStatus.GIVEN if given else (kinds.pop() if len(kinds) == 1 else "mixed")
    return str(state), " ".join(given) if given else "all"


class _NoteRelay(QObject):
    """Carries a note found on the recorder's writer thread to the UI thread."""

    arrived = Signal(str)


class StudyController:
    def __init__(self, window):
        self.window = window
        self.recorder = None
        self.view: FacilitatorView | None = None
        self._last_action = ""
        # (what, value) pairs for the facilitator's view, shown after the key press.
        self._for_view: list[tuple[str, Any]] = []
        self._view_update = QTimer(window)
        self._view_update.setSingleShot(True)
        self._view_update.setInterval(0)
        self._view_update.timeout.connect(self._update_view)
        self._notes = _NoteRelay(window)
        self._notes.arrived.connect(self._outside_note)
        window.announcer.said.connect(self._said)

    # Starting ----------------------------------------------------------------------------------

    def start(self, participant: str, facilitator: str | None = None, protocol=None,
              record_speech: bool = False) -> bool:
        """Open a session (recording nothing yet), show the facilitator's view and ask the
        participant to agree. False, with the reason said, if it cannot start."""
        if self.window.store is None:
            self._say(en.STUDY_NEEDS_STORE)
            return False
        try:
            self.recorder = start_session(self.window.store, participant, facilitator,
                                          protocol=protocol, record_speech=record_speech)
        except (StudyProblem, ValueError) as problem:
            self._say(str(problem))
            return False
        self.attach(self.recorder)
        if self.window.scan_done:
            self.recorder.dataset_opened(self.window.model.counts()[0])
        self._show_view()
        QTimer.singleShot(0, self.window, self.ask_agreement)
        return True

    def attach(self, recorder) -> None:
        """Feed ``recorder`` from now on, and hear from it of notes from another terminal."""
        self.recorder = recorder
        recorder.on_outside_note = self._notes.arrived.emit  # a queued signal: another thread

    def ask_agreement(self) -> None:
        if self.recorder is None or self.recorder.state == ENDED:
            return
        pause = keymap.shown_keys(_binding("study_pause"))
        box = confirmation_box(
            self.window, en.STUDY_AGREE_TITLE, self.recorder.intro(pause), en.STUDY_AGREE_KEYS,
            confirm_text=en.STUDY_AGREE, cancel_text=en.STUDY_DO_NOT_RECORD,
            confirm_description=en.STUDY_AGREE_DOES,
            cancel_description=en.STUDY_DO_NOT_RECORD_DOES)
        self.window.announcer.announce_with_focus(f"{box.text()} {box.informativeText()}")

        def answered(accepted: bool) -> None:  # window-modal, no nested event loop
            if self.recorder is None or self.recorder.state == ENDED:
                return
            agreed = accepted or was_confirmed(box)
            self._tell(self.recorder.agree() if agreed else self.recorder.decline())

        self.window.show_dialog(box, answered)

    # Hooks from the main window and the consent controller ----------------------------------------

    def action_used(self, binding: keymap.KeyBinding) -> None:
        self._last_action = binding.action
        if self.recorder is None:
            return
        self.recorder.record("action", action=binding.action)
        self._show_later("action", binding)

    def photo_moved(self, row: int, described: bool, item_text: str) -> None:
        """On every Down key: two queued tuples and one more for the view, nothing else."""
        if self.recorder is None:
            return
        self.recorder.record("photo_moved", position=row + 1)
        if described:
            self.recorder.record("description_heard", position=row + 1,
                                 verbosity=self.window.settings.verbosity)
        self._show_later("moved", (row + 1, item_text))

    def dataset_opened(self, photos: int) -> None:
        if self.recorder is not None:
            self.recorder.dataset_opened(photos)
            self._show_later("did", en.study_opened(photos))

    def decision(self, photo_id: str, states: dict[str, str]) -> None:
        if self.recorder is None:
            return
        state, purpose = overall_state(states)
        position = self._position(photo_id)
        self.recorder.record("decision", position=position, state=state, purpose=purpose)
        self._show_later("did", en.study_decided(position, state))

    def decisions(self, photo_ids: list[str], states: dict[str, str], *,
                  folder: bool = False) -> None:
        """One decision over several photos (bulk, or the folder's default for the photos that
        follow it): their positions in the list, compactly ("1-12,15"), and how many."""
        if self.recorder is None:
            return
        state, purpose = overall_state(states)
        rows = (self.window.model.row_of(photo_id) for photo_id in photo_ids)
        positions = compact_positions(row + 1 for row in rows if row is not None)
        where = {"positions": positions} if positions else {}
        self.recorder.record("decision", state=state, purpose=purpose, photos=len(photo_ids),
                             scope="folder" if folder else "shown", **where)
        self._show_later("did", en.study_decided_many(len(photo_ids), state, folder))

    def undone(self, photos: int) -> None:
        if self.recorder is not None:
            self.recorder.record("decision_undone", photos=photos)

    def photo_deleted(self, photo_id: str) -> None:
        if self.recorder is not None:
            self.recorder.record("photo_deleted", position=self._position(photo_id))

    def settings_changed(self, old, new) -> None:
        if self.recorder is None:
            return
        for name in SETTINGS_RECORDED:
            if getattr(old, name, None) != getattr(new, name, None):
                self.recorder.record("settings_changed", setting=name)

    def observe_walk(self, driver):
        return ObservedWalk(driver, self.recorder) if self.recorder is not None else driver

    def _said(self, text: str, kind: str) -> None:
        if self.recorder is None:
            return
        self.recorder.spoken(text, error=kind == Kind.ERROR)
        if kind == Kind.DESCRIPTION:
            self.recorder.record("description_heard", verbosity="detailed"
                                 if self._last_action == "read_details"
                                 else self.window.settings.verbosity)
        self._show_later("said", text)

    # The Study menu -----------------------------------------------------------------------------

    def study_start(self) -> None:
        if self.recorder is not None and self.recorder.state not in (RECORDING, ENDED):
            self.ask_agreement()
            return
        if self.recorder is not None and self.recorder.state == RECORDING:
            self._say(en.study_already_recording(self.recorder.participant))
            return
        dialog = _text_dialog(self.window, en.STUDY_START_TITLE, en.STUDY_CODE_LABEL)
        self.window.show_dialog(dialog, lambda ok: self._code_given(dialog.textValue(), ok))

    def _code_given(self, code: str, ok: bool) -> None:
        if not ok:
            self._say(en.STUDY_NOT_STARTED)
            return
        try:
            code = check_code(code)
        except StudyProblem as problem:
            self._say(str(problem))
            return
        self.start(code)

    def study_pause(self) -> None:
        if self._no_session():
            return
        self._tell(self.recorder.toggle_pause())

    def study_note(self) -> None:
        if self._no_session():
            return
        dialog = _text_dialog(self.window, en.STUDY_NOTE_TITLE, en.STUDY_NOTE_LABEL)
        self.window.show_dialog(dialog, lambda ok: self._note_given(dialog.textValue(), ok))

    def _note_given(self, text: str, ok: bool) -> None:
        if not ok or self.recorder is None:
            self._tell(en.STUDY_NO_NOTE)
            return
        kept = self.recorder.recorded
        words = self.recorder.note(text)
        if self.recorder.recorded > kept:
            self._show_later("note", " ".join(text.split()))
        self._tell(words)

    def study_task(self) -> None:
        if not self._no_session():
            self._say(self.recorder.current_task(), asked=True)

    def study_next_task(self) -> None:
        if not self._no_session():
            self._tell(self.recorder.next_task())

    def study_view(self) -> None:
        if self._no_session():
            return
        if self.view is not None and self.view.isVisible():
            self.view.hide()
            self._say(en.STUDY_VIEW_HIDDEN)
        else:
            self._show_view()
            self._say(en.STUDY_VIEW_SHOWN)

    def study_end(self) -> None:
        if not self._no_session():
            self._say(self.close())

    # Ending -----------------------------------------------------------------------------------

    def close(self) -> str:
        """End the session (the app closes, or the facilitator ends it); returns the sentence."""
        if self.recorder is None or self.recorder.state == ENDED:
            return ""
        words = self.recorder.end()
        if self.recorder.problem:
            words += " " + self.recorder.problem
        self._refresh_status()
        return words

    def shut_view(self) -> None:
        if self.view is not None:
            self.view.close()

    # Helpers ------------------------------------------------------------------------------------

    def _no_session(self) -> bool:
        if self.recorder is None or self.recorder.state == ENDED:
            self._say(en.study_not_running(keymap.shown_keys(_binding("study_start"))))
            return True
        return False

    def _position(self, photo_id: str) -> int | None:
        row = self.window.model.row_of(photo_id)
        return None if row is None else row + 1

    def _show_view(self) -> None:
        if self.view is None:
            self.view = FacilitatorView(self.recorder.participant)
        self._refresh_status()
        self.view.show()

    def _refresh_status(self) -> None:
        if self.view is None or self.recorder is None:
            return
        task = ""
        if self.recorder.protocol is not None and self.recorder.task:
            task = self.recorder.current_task()
        self.view.set_status(en.study_status(self.recorder.participant, self.recorder.state, task))

    def _show_later(self, what: str, value: Any) -> None:
        """Keep what the view should show; it is shown once the key press has been handled."""
        if self.view is None:
            return
        self._for_view.append((what, value))
        if len(self._for_view) == 1:
            self._view_update.start()

    def _update_view(self) -> None:
        waiting, self._for_view = self._for_view, []
        if self.view is None:
            return
        for what, value in waiting:
            if what == "said":
                self.view.app_said(value)
            elif what == "moved":
                position, item_text = value
                self.view.participant_did(en.study_moved_to(position))
                self.view.app_said(item_text)
            elif what == "action":
                self.view.participant_did(en.study_used_key(
                    keymap.shown_keys(value), value.label.replace("&", "") or value.description))
            elif what == "note":
                self.view.participant_did(en.study_note_shown(value))
            else:
                self.view.participant_did(value)

    def _outside_note(self, words: str) -> None:
        """A note from another terminal (on the UI thread now): shown, not said, since the
        participant has the keyboard and the note is the facilitator's."""
        self._show_later("note", words)

    def _tell(self, words: str) -> None:
        """A change of the session's state: said, and shown in the facilitator's view."""
        self._refresh_status()
        if self.recorder is not None and self.recorder.problem:
            words += " " + self.recorder.problem
        self._say(words)

    def _say(self, text: str, asked: bool = False) -> None:
        if text:
            self.window.announcer.announce(text, Kind.STATUS, asked=asked)


def _text_dialog(parent, title: str, label: str) -> QInputDialog:
    """One line of text, opened through the window's ``show_dialog`` (no nested event loop)."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    return dialog
