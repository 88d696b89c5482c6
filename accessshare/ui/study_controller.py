"""The Study menu and the hooks that feed a study session's recorder (``accessshare.study``).

The main window makes one ``StudyController`` and calls it where things happen: an action
dispatched (``action_used``), a move to a photo, a dataset opened, a decision, an undo, a
deletion, settings changed, the consent walk. Without a session every hook does nothing.
The recorder decides what is kept (only once the participant agreed, never while paused);
the facilitator's view shows what was said and done either way.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QInputDialog, QLineEdit

from accessshare.study import StudyProblem, check_code, start_session
from accessshare.study.recorder import ENDED, RECORDING
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


class StudyController:
    def __init__(self, window):
        self.window = window
        self.recorder = None
        self.view: FacilitatorView | None = None
        self._last_action = ""
        window.announcer.said.connect(self._said)

    # Starting ----------------------------------------------------------------------------------

    def start(self, participant: str, facilitator: str | None = None, protocol=None,
              record_speech: bool = False) -> bool:
        """Open a session (recording nothing yet), show the facilitator's view and ask the
        participant to agree. False, with the reason said, if it cannot start."""
        if self.window.store is None:
            self._say("A study session needs the records database, which is not available.")
            return False
        try:
            self.recorder = start_session(self.window.store, participant, facilitator,
                                          protocol=protocol, record_speech=record_speech)
        except (StudyProblem, ValueError) as problem:
            self._say(str(problem))
            return False
        if self.window.scan_done:
            self.recorder.dataset_opened(self.window.model.counts()[0])
        self._show_view()
        QTimer.singleShot(0, self.window, self.ask_agreement)
        return True

    def ask_agreement(self) -> None:
        if self.recorder is None or self.recorder.state == ENDED:
            return
        pause = keymap.shown_keys(_binding("study_pause"))
        box = confirmation_box(
            self.window, "Study session: agree to recording?", self.recorder.intro(pause),
            "Alt+A, Agree, starts recording. Escape, Do not record, records nothing; you can "
            "agree later from the Study menu.", confirm_text="&Agree",
            cancel_text="Do &not record", confirm_description="Start recording this session.",
            cancel_description="Record nothing.")
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
        self._did(f"{keymap.shown_keys(binding)}: {binding.label.replace('&', '') or binding.description}")

    def photo_moved(self, row: int, described: bool, item_text: str) -> None:
        if self.recorder is None:
            return
        self.recorder.record("photo_moved", position=row + 1)
        if described:
            self.recorder.record("description_heard", position=row + 1,
                                 verbosity=self.window.settings.verbosity)
        self._did(f"Moved to photo {row + 1}")
        if self.view is not None:
            self.view.app_said(item_text)

    def dataset_opened(self, photos: int) -> None:
        if self.recorder is not None:
            self.recorder.dataset_opened(photos)
            self._did(f"Opened a dataset of {photos} photos")

    def decision(self, photo_id: str, states: dict[str, str]) -> None:
        if self.recorder is None:
            return
        given = sorted(p for p, s in states.items() if s == ConsentStatus.GIVEN)
        kinds = set(states.values())
        state = ConsentStatus.GIVEN if given else (kinds.pop() if len(kinds) == 1 else "mixed")
        position = self._position(photo_id)
        self.recorder.record("decision", position=position, state=state,
                             purpose=" ".join(given) if given else "all")
        self._did(f"Decided photo {position}: {state}")

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
        if self.view is not None:
            self.view.app_said(text)

    # The Study menu -----------------------------------------------------------------------------

    def study_start(self) -> None:
        if self.recorder is not None and self.recorder.state not in (RECORDING, ENDED):
            self.ask_agreement()
            return
        if self.recorder is not None and self.recorder.state == RECORDING:
            self._say(f"Study session {self.recorder.participant} is already recording.")
            return
        dialog = _text_dialog(self.window, "Start a study session", "Participant code (like P07):")
        self.window.show_dialog(dialog, lambda ok: self._code_given(dialog.textValue(), ok))

    def _code_given(self, code: str, ok: bool) -> None:
        if not ok:
            self._say("No study session was started.")
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
        dialog = _text_dialog(self.window, "Add a note", "Note:")
        self.window.show_dialog(dialog, lambda ok: self._tell(
            self.recorder.note(dialog.textValue()) if ok and self.recorder is not None
            else "No note was added."))

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
            self._say("Facilitator's view hidden.")
        else:
            self._show_view()
            self._say("Facilitator's view shown. It takes no keyboard focus.")

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
            start = keymap.shown_keys(_binding("study_start"))
            self._say(f"No study session is running. Start one with {start}.")
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
            task = f"; {self.recorder.current_task()}"
        self.view.set_status(f"Participant {self.recorder.participant}: "
                             f"{self.recorder.state}{task}")

    def _did(self, text: str) -> None:
        if self.view is not None:
            self.view.participant_did(text)

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
