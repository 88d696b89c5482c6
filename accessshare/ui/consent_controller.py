"""The consent keys of the main window: decide, choose purposes, bulk, undo, history, delete,
export, and the consent walk.

The main window creates one ``ConsentController(window)`` (any ``ConsentHost``) and calls the
method named after each reserved key-map action (``share``, ``dont_share``, ``undecided``,
``choose_purposes``, ``share_redacted``, ``delete``, ``undo``, ``history``, ``bulk_decide``, ``folder_default``,
``consent_walk``, ``export``). Every rule and every sentence is the application layer's
(``app.consent.ConsentService``, ``sentences``); this class only asks, confirms, runs the
operation (``ui.operations``) and says the result.

What Y and N mean:
- Y shares the photo for the purposes the contributor last ticked with P (research only until
  then) and refuses the others, so the spoken state is always complete.
- N refuses every purpose (a purpose that was shared becomes withdrawn).
- R shares like Y, on condition that faces, text and location are removed from the copies
  exported (a condition in the consent event; the export checks each copy).
- U sets every purpose back to not yet decided.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, cast

from PySide6.QtWidgets import QDialog, QWidget

from accessshare.app.consent import KINDS, ConsentService, FormError, status_on_damaged_log
from accessshare.app.exports import Exports
from accessshare.app.results import Outcome
from accessshare.sentences import en
from accessshare.ui.consent_bulk_dialog import ConsentBulkDialog
from accessshare.ui.consent_delete_dialog import delete_confirmation
from accessshare.ui.consent_export_dialog import ConsentExportDialog
from accessshare.ui.consent_history_dialog import ConsentHistoryDialog
from accessshare.ui.consent_host import ConsentHost
from accessshare.ui.consent_purposes_dialog import ConsentPurposesDialog
from accessshare.ui.consent_walk_dialog import ConsentWalkDialog
from accessshare.ui.consent_widgets import confirmation_box, was_confirmed
from accessshare.ui.dialogs import show_dialog
from accessshare.ui.export_job import ExportJob
from accessshare.ui.operations import OperationRunner
from accessshare.vocabulary import AnnouncementKind as Kind
from accessshare.vocabulary import Decision

CHOICES_FILE = "consent-choices.json"  # the purposes Y shares for, kept between sessions
EARCON_SAVED = "consent-saved"


def after_log_check(action):
    """A key whose dialog reads consent states waits (and says so) while the chain is first
    verified in the background: that read is the worker's until it is done."""

    @functools.wraps(action)
    def guarded(self, *args, **kwargs):
        if self.checking_log:
            self._say(en.STILL_CHECKING_LOG)
            return None
        return action(self, *args, **kwargs)

    return guarded


def needs_form(action):
    """A consent key does nothing but say why while the consent form could not be loaded."""

    @functools.wraps(action)
    def guarded(self, *args, **kwargs):
        if self.service is None:
            self._say(self.form_problem)
            return None
        return action(self, *args, **kwargs)

    return guarded


class ConsentController:
    def __init__(self, window: ConsentHost):
        self.window = window
        self.parent = cast(QWidget, window)  # the dialogs' parent: the host is a window
        self.form_problem = ""
        self.service: ConsentService | None
        try:
            self.service = ConsentService(window.store, window.paths, window.consent_form_path)
        except FormError as error:
            self.service = None
            self.form_problem = en.consent_unavailable(error)
        self.operations = OperationRunner(window, play_saved=self._play_saved)
        self.share_purposes = self._load_share_purposes() if self.service else []
        self.open_dialog: QDialog | None = None  # the dialog on screen now, for tests and focus
        self.export_job: ExportJob | None = None
        self.checking_log = False  # the first verification of the chain runs in the background
        self.log_problem = ""  # said when the chain failed verification: nothing can be shared
        self._said_checking = False  # an item said "Consent being checked." meanwhile
        self._walk_offered = False
        self._pending_after_walk: Callable[[], None] | None = None
        if self.service is not None:
            window.consent_state_provider = self.state_of
            for message in self.service.startup_messages:  # deletions finished at start
                self._say(message)

    @property
    def consent(self) -> ConsentService:
        """The consent service; every key that uses it is guarded by ``needs_form``."""
        if self.service is None:
            raise RuntimeError(self.form_problem)
        return self.service

    # For list texts and the shared / not shared filters -------------------------------------

    def state_of(self, photo_id: str) -> tuple[str, bool]:
        if self.checking_log:
            self._said_checking = True  # the list is refreshed when the check ends
            return en.CHECKING_LOG, False
        return self.consent.state_of(photo_id)

    @needs_form
    def prefetch_states(self, photo_ids) -> None:
        """Read many photos' states in a few queries (call after a dataset loads)."""
        if not self.checking_log:  # read when the check ends
            self.consent.prefetch(photo_ids)

    # The first verification of the chain ----------------------------------------------------

    def check_log_in_background(self) -> None:
        """Verify the chain off the UI thread (the window opens at once). Meanwhile the list
        says "Consent being checked."; a decision key pressed now is saved after the check, in
        order (the runner runs one operation at a time); dialogs that read states say "One
        moment". Only a problem is said, and a device key made anew (``records.key_history``).
        A broken chain: every photo is not shared, and a decision to share is refused (the
        application layer's rule, as on the command line); withdrawing, refusing, deleting,
        reviewing, exporting the log and verifying still work."""
        if self.service is None:
            return
        self.checking_log = True
        self._said_checking = False
        found: list[str] = []
        key_notice: list[str] = []

        def check() -> Outcome:
            try:
                found.append(self.consent.check_log())
                key_notice.append(self.consent.key_notice())  # the key is read by the check
            except Exception as error:  # noqa: BLE001 - said in one sentence, never lost
                found.append(en.log_failed_in_app(str(error)))
            return Outcome("", ok=not found[-1])

        def checked(_outcome: Outcome) -> None:
            self.checking_log = False
            self.log_problem = found[-1] if found else ""
            self.prefetch_states([p.id for p in self.window.visible_photos()])
            if self._said_checking:  # else no item changes: a screen reader reads none again
                self.window.refresh_all_photos()
            if self.log_problem:
                self.window.announcer.announce(self.log_problem, Kind.ERROR, background=True)
            if any(key_notice) and not self.window.key_notice_said:  # once a session
                self.window.key_notice_said = True
                self.window.announcer.announce(key_notice[-1], Kind.ERROR, background=True)

        self.operations.run(check, failed=lambda error: en.log_failed_in_app(str(error)),
                            background=True, done=checked)

    # Y, N, U, P ------------------------------------------------------------------------------

    @needs_form
    def share(self) -> None:
        self._decide_current(Decision.SHARE)

    @needs_form
    def dont_share(self) -> None:
        self._decide_current(Decision.DONT_SHARE)

    @needs_form
    def undecided(self) -> None:
        self._decide_current(Decision.UNDECIDED)

    @needs_form
    @after_log_check
    def choose_purposes(self) -> None:
        photo = self._current_or_say()
        if photo is None:
            return
        dialog = ConsentPurposesDialog(photo.path.name, self.consent.purpose_choices(photo.id),
                                       self.parent, self.consent.redaction(photo.id))
        self._show(dialog, lambda accepted: accepted and self._purposes_chosen(
            photo, dialog.chosen_purposes(), dialog.chosen_redaction()))

    def _purposes_chosen(self, photo, chosen: list[str], redact: list[str] | None = None) -> None:
        self.share_purposes = chosen or self.share_purposes
        self._save_share_purposes()
        self._decide([photo], Decision.SHARE, chosen, redact=redact if chosen else None)

    @needs_form
    def share_redacted(self) -> None:
        """R: share for the chosen purposes with faces, text and location removed."""
        self._decide_current(Decision.SHARE, redact=KINDS)

    def _decide_current(self, decision: Decision, redact: Iterable[str] | None = None) -> None:
        photo = self._current_or_say()
        if photo is None:
            return
        decide = functools.partial(self._decide, [photo], decision, self.share_purposes,
                                   redact=redact)
        if not self._offer_walk_first(decide):
            decide()

    def _decide(self, photos: list, decision: Decision, purposes: list[str], *,
                background: bool = False, redact: Iterable[str] | None = None) -> None:
        """One photo's decision is a few rows in one transaction: made at once, in key order.
        A bulk decision may take seconds: made off the UI thread. ``redact``: share on
        condition that these kinds are removed (R, or the purposes dialog)."""
        def told(outcome: Outcome) -> None:  # for a study session: where, and what
            if not outcome.saved:
                return
            states = (self._written_on_damaged_log(decision) if outcome.log_damaged
                      else self.consent.states(photos[0].id))
            if len(photos) == 1 and not background:
                self._tell_study("decision", photos[0].id, states)
            else:
                self._tell_study("decisions", [p.id for p in photos], states)

        # While the chain is first checked, the decision waits for it on the runner's worker.
        self.operations.run(
            lambda: self.consent.decide(photos, decision, purposes, self.window.privacy_reminder,
                                        bulk=background, redact=redact),
            failed=en.not_saved, background=background or self.checking_log, committed=told)

    # Bulk, the folder's default ----------------------------------------------------------------

    def _choices(self, *, folder: bool = False) -> dict[Decision, str]:
        purposes = self.consent.purpose_phrase(self.share_purposes)
        return {d: en.decision_choice(d, purposes, folder=folder) for d in Decision}

    @needs_form
    @after_log_check
    def bulk_decide(self) -> None:
        photos = list(self.window.visible_photos())
        if not photos:
            self._say(en.NO_PHOTOS_SHOWN)
            return
        dialog = ConsentBulkDialog(len(photos), self._choices(), self.parent)
        self._show(dialog, lambda accepted: accepted and self._confirm_bulk(photos, dialog.decision()),
                   announce=en.decide_for_shown(len(photos)))

    def _confirm_bulk(self, photos: list, decision: Decision) -> None:
        purposes = list(self.share_purposes)
        question = en.bulk_question(decision, len(photos), self.consent.purpose_phrase(purposes))
        effect = self.consent.bulk_effect(photos, decision, purposes)
        if decision is Decision.SHARE:  # what sharing them gives away, before and not only after
            effect = f"{effect} {self._bulk_reminder(photos)}".strip()
        box = confirmation_box(self.parent, en.BULK_TITLE, question, en.with_undo(effect),
                               confirm_text="&Yes", cancel_text="&No")
        self._show(box, lambda _result: was_confirmed(box) and self._decide(
            photos, decision, purposes, background=True), announce=question)

    def _bulk_reminder(self, photos: list) -> str:
        return self.consent.privacy_reminder(photos, self.window.privacy_reminder)

    @needs_form
    @after_log_check
    def folder_default(self) -> None:
        """Ctrl+D: the folder's default; photos decided one by one keep their own decision."""
        root = self.window.dataset
        if root is None:
            self._say(en.OPEN_FOLDER_FIRST)
            return
        dialog = ConsentBulkDialog(0, self._choices(folder=True), self.parent,
                                   title=en.folder_dialog_title(root.name),
                                   group_title=en.folder_dialog_group(root.name))
        now = self.consent.folder_words(root)
        self._show(dialog, lambda accepted: accepted and self._confirm_folder_default(
            root, dialog.decision()), announce=en.folder_dialog_opened(root.name, now))

    def _confirm_folder_default(self, root: Path, decision: Decision) -> None:
        purposes = list(self.share_purposes)
        question = en.folder_question(decision, root.name, self.consent.purpose_phrase(purposes))
        photos = list(self.window.visible_photos())
        following = self.consent.photos_following_folder(photos) if photos else []
        box = confirmation_box(self.parent, en.FOLDER_TITLE, question,
                               en.folder_followers(len(following)),
                               confirm_text="&Yes", cancel_text="&No")

        def told(outcome: Outcome) -> None:  # for a study session: the photos it decided
            if outcome.saved:
                states = (self._written_on_damaged_log(decision) if outcome.log_damaged
                          else self.consent.folder_states(root))
                self._tell_study("decisions", following, states, folder=True)

        self._show(box, lambda _r: was_confirmed(box) and self.operations.run(
            lambda: self.consent.set_folder_default(root, decision, purposes),
            failed=en.not_saved, background=True, committed=told), announce=question)

    # Undo, history ---------------------------------------------------------------------------

    @needs_form
    def undo(self) -> None:
        names = {p.id: p.path.name for p in self.window.visible_photos()}
        def told(outcome: Outcome) -> None:
            if outcome.saved:
                self._tell_study("undone", len(outcome.changes.photo_ids))

        self.operations.run(lambda: self.consent.undo(names), failed=en.nothing_undone,
                            committed=told, background=self.checking_log)

    @needs_form
    @after_log_check
    def history(self) -> None:
        photo = self._current_or_say()
        if photo is None:
            return
        sentences = self.consent.history_sentences(photo.id)
        dialog = ConsentHistoryDialog(photo.path.name, sentences, self.parent)
        self._show(dialog, None, announce=en.history_opened(photo.path.name, sentences))

    # Delete, export ----------------------------------------------------------------------------

    @needs_form
    def delete(self) -> None:
        photo = self._current_or_say()
        if photo is None:
            return
        box = delete_confirmation(self.parent, photo.path.name, self.consent.exported_copies(photo))

        def told(outcome: Outcome) -> None:  # before the photo leaves the list
            if outcome.changes.removed:
                self._tell_study("photo_deleted", photo.id)

        self._show(box, lambda _result: was_confirmed(box) and self.operations.run(
            lambda: self.consent.delete(photo),
            failed=lambda error: en.not_deleted(photo.path.name, error), background=True,
            committed=told),
            announce=f"{box.text()} {box.informativeText()}")

    @needs_form
    def export(self) -> None:
        """Ctrl+E. Exports run off the UI thread (``ui.export_job``); one job for the window,
        so the dialog opened again while an export runs shows it and can stop it."""
        if self.export_job is None:
            exports = Exports(self.consent.store, self.window.paths, self.consent.form)
            self.export_job = ExportJob(
                exports, self.operations,
                lambda text, kind: self.window.announcer.announce(text, kind),
                in_front=lambda: isinstance(self.open_dialog, ConsentExportDialog))
        dialog = ConsentExportDialog(self.export_job, self._say, self.parent, job=self.export_job)
        self._show(dialog, None, announce=en.EXPORT_OPENED)

    # The consent walk ------------------------------------------------------------------------

    @needs_form
    def consent_walk(self) -> None:
        driver = self.consent.walk_driver()
        study = self.window.study
        dialog = ConsentWalkDialog(study.observe_walk(driver) if study else driver, self._say,
                                   self.parent,
                                   announce_with_focus=self._say_with_focus)
        self._show(dialog, self._walk_closed)

    def _walk_closed(self, finished: bool) -> None:
        """A decision that waited for the walk is made only if the walk was finished."""
        pending, self._pending_after_walk = self._pending_after_walk, None
        if pending is None:
            return
        if finished:
            pending()
        else:
            self._say(en.NOTHING_DECIDED)

    def _offer_walk_first(self, then: Callable[[], None]) -> bool:
        """Before the first decision, offer the walk once. True if the decision now waits.

        Three answers, each doing what it says: "Learn first" starts the walk and makes the
        decision only if the walk is finished; "Decide now" saves the decision without the walk;
        Cancel (the default, and Escape) decides nothing."""
        if self._walk_offered or self.consent.walk_completed():
            return False
        self._walk_offered = True
        box = confirmation_box(
            self.parent, en.WALK_OFFER_TITLE, en.WALK_OFFER_QUESTION, en.WALK_OFFER_DETAILS,
            confirm_text=en.LEARN_FIRST, cancel_text=en.CANCEL,
            confirm_description=en.LEARN_FIRST_DOES, cancel_description=en.CANCEL_DOES,
            others=((en.DECIDE_NOW, en.DECIDE_NOW_DOES),))
        decide = next(b for b in box.buttons() if b.accessibleName() == en.DECIDE_NOW.replace("&", ""))
        self._pending_after_walk = then

        def answered(_result: bool) -> None:
            if was_confirmed(box):
                self.consent_walk()
                return
            self._pending_after_walk = None
            if box.clickedButton() is decide:
                then()
            else:
                self._say(en.NOTHING_DECIDED)

        self._show(box, answered, announce=f"{box.text()} {box.informativeText()}")
        return True

    # Helpers ---------------------------------------------------------------------------------

    def _show(self, dialog: QDialog, on_finished: Callable[[bool], Any] | None,
              announce: str | None = None) -> None:
        self.open_dialog = dialog

        def closed(closing: QDialog) -> None:
            if self.open_dialog is closing:
                self.open_dialog = None

        show_dialog(self.parent, dialog, on_finished, announce=self._say_with_focus,
                    words=announce or "", on_closed=closed)

    def _written_on_damaged_log(self, decision: Decision) -> dict[str, str]:
        """What a decision saved on a damaged log wrote (the chain's states are unverified)."""
        return dict.fromkeys(self.consent.purpose_ids(), status_on_damaged_log(decision))

    def _tell_study(self, hook: str, *args: Any, **options: Any) -> None:
        """What happened, for a co-design study session's recorder (if the window has one)."""
        study = self.window.study
        if study is not None:
            getattr(study, hook)(*args, **options)

    def _current_or_say(self):
        photo = self.window.current_photo()
        if photo is None:
            self._say(en.NO_PHOTO_SELECTED)
        return photo

    def _say(self, text: str) -> None:
        self.window.announcer.announce(text)

    def _say_with_focus(self, text: str) -> None:
        self.window.announcer.announce_with_focus(text)

    def _play_saved(self) -> None:
        if not self.window.settings.earcons:
            return
        try:
            from accessshare.speech import play_earcon
        except ImportError:
            return
        try:
            play_earcon(EARCON_SAVED)
        except Exception:  # noqa: BLE001 - a missing sound must never lose the decision's message
            pass

    def _choices_path(self) -> Path:
        return Path(self.window.paths.data_dir) / CHOICES_FILE

    def _load_share_purposes(self) -> list[str]:
        try:
            saved = json.loads(self._choices_path().read_text(encoding="utf-8"))["share_purposes"]
        except (OSError, ValueError, KeyError, TypeError):
            saved = None
        known = set(self.consent.purpose_ids())
        chosen = [p for p in saved or [] if p in known]
        return chosen or self.consent.default_share_purposes()

    def _save_share_purposes(self) -> None:
        path = self._choices_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"share_purposes": self.share_purposes}), encoding="utf-8")

