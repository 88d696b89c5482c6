"""The consent keys of the main window: decide, choose purposes, bulk, undo, history, delete,
export, and the consent walk.

The main window creates one ``ConsentController(window)`` and calls the method named after each
reserved key-map entry (``share``, ``dont_share``, ``undecided``, ``choose_purposes``,
``delete``, ``undo``, ``history``, ``bulk_decide``, ``consent_walk``, ``export``). Every rule
lives in the Qt-free consent core; this class only asks, confirms, calls the core and says the
result.

What Y and N mean:
- Y shares the photo for the purposes the contributor last ticked with P (research only until
  then) and refuses the others, so the spoken state is always complete.
- N refuses every purpose (a purpose that was shared becomes withdrawn).
- U sets every purpose back to not yet decided.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from PySide6.QtWidgets import QDialog, QWidget

from accessshare.consent.form import FormError
from accessshare.ui import consent_core as core
from accessshare.ui.consent_bulk_dialog import ConsentBulkDialog
from accessshare.ui.consent_delete_dialog import delete_confirmation
from accessshare.ui.consent_export_dialog import ConsentExportDialog
from accessshare.ui.consent_history_dialog import ConsentHistoryDialog
from accessshare.ui.consent_purposes_dialog import ConsentPurposesDialog
from accessshare.ui.consent_walk_dialog import ConsentWalkDialog
from accessshare.ui.consent_widgets import confirmation_box, was_confirmed

CHOICES_FILE = "consent-choices.json"  # the purposes Y shares for, kept between sessions
EARCON_SAVED = "consent-saved"


def needs_form(action):
    """A consent key does nothing but say why while the consent form could not be loaded."""

    @functools.wraps(action)
    def guarded(self, *args, **kwargs):
        if self.consent is None:
            self._say(self.form_problem)
            return None
        return action(self, *args, **kwargs)

    return guarded


class ConsentController:
    def __init__(self, window):
        self.window = window
        self.form_problem = ""
        try:
            self.consent = core.ConsentCore(window.store, window.paths,
                                            getattr(window, "consent_form_path", None))
        except FormError as error:
            self.consent = None
            self.form_problem = f"Consent decisions are not available. {error}"
        self.share_purposes = self._load_share_purposes() if self.consent else []
        self.open_dialog: QWidget | None = None  # the dialog on screen now, for tests and focus
        self._walk_offered = False
        self._pending_after_walk = None
        if self.consent is not None:
            window.consent_state_provider = self.state_of
            for message in self.consent.startup_messages:  # deletions finished at start
                self._say(message)

    # For list texts and the shared / not shared filters -------------------------------------

    def state_of(self, photo_id: str) -> tuple[str, bool]:
        return self.consent.spoken_state(photo_id), self.consent.is_shared(photo_id)

    @needs_form
    def prefetch_states(self, photo_ids) -> None:
        """Read many photos' states in a few queries (call after a dataset loads)."""
        self.consent.prefetch(photo_ids)

    # Y, N, U, P ------------------------------------------------------------------------------

    @needs_form
    def share(self) -> None:
        self._decide_current(lambda photo: self.consent.share(photo, self.share_purposes))

    @needs_form
    def dont_share(self) -> None:
        self._decide_current(self.consent.refuse_all)

    @needs_form
    def undecided(self) -> None:
        self._decide_current(self.consent.reset)

    @needs_form
    def choose_purposes(self) -> None:
        photo = self._current_or_say()
        if photo is None:
            return
        dialog = ConsentPurposesDialog(photo.path.name, self.consent.purpose_choices(photo.id), self.window,
                                       self.consent.redaction(photo.id))
        self._show(dialog, lambda accepted: accepted and self._purposes_chosen(
            photo, dialog.chosen_purposes(), dialog.chosen_redaction()))

    def _purposes_chosen(self, photo, chosen: list[str], redact: list[str] | None = None) -> None:
        self.share_purposes = chosen or self.share_purposes
        self._save_share_purposes()
        self._commit(photo, lambda p: self.consent.share(p, chosen, redact=redact if chosen else None))

    @needs_form
    def share_redacted(self) -> None:
        """R: share for the chosen purposes with faces, text and location removed."""
        self._decide_current(lambda photo: self.consent.share(photo, self.share_purposes, redact="all"))

    def _decide_current(self, decide) -> None:
        photo = self._current_or_say()
        if photo is None:
            return
        if self._offer_walk_first(lambda: self._commit(photo, decide)):
            return
        self._commit(photo, decide)

    def _commit(self, photo, decide) -> None:
        try:
            decide(photo)
        except Exception as error:  # noqa: BLE001 - a failed save is said, never swallowed
            self._say(f"Not saved: {error}")
            return
        self._refresh(photo.id)
        self._tell_study("decision", photo.id, self.consent.states(photo.id))
        self._play_saved()
        self._say(f"Saved. {self.consent.spoken_state(photo.id)} {self._reminder(photo.id)}".strip())

    def _reminder(self, photo_id: str) -> str:
        """When a photo is now shared, what it gives away once more: contributors in the study
        worried about exactly this, and a decision made quickly by key should not hide it."""
        return self._privacy_words(photo_id) if self.consent.is_shared(photo_id) else ""

    def _privacy_words(self, photo_id: str) -> str:
        remind = getattr(self.window, "privacy_reminder", None)
        return remind(photo_id) if remind is not None else ""

    # Bulk, undo, history ---------------------------------------------------------------------

    @needs_form
    def bulk_decide(self) -> None:
        photos = list(self.window.visible_photos())
        if not photos:
            self._say("No photos are shown, so there is nothing to decide.")
            return
        texts = {
            "share": f"Share for {self.consent.purpose_phrase(self.share_purposes)}",
            "dont_share": "Don't share for any purpose",
            "undecided": "Set back to not yet decided",
        }
        dialog = ConsentBulkDialog(len(photos), texts, self.window)
        self._show(dialog, lambda accepted: accepted and self._confirm_bulk(photos, dialog.decision()),
                   announce=f"Decide for all {self._count(photos)} shown.")

    def _confirm_bulk(self, photos: list, decision: str) -> None:
        count = self._count(photos)
        question = {
            "share": f"Share {count} for {self.consent.purpose_phrase(self.share_purposes)}?",
            "dont_share": f"Refuse {count} for every purpose?",
            "undecided": f"Set {count} back to not yet decided?",
        }[decision]
        effect = self.consent.bulk_effect(photos, decision, self.share_purposes)
        if decision == "share":  # what sharing them gives away, before and not only after
            effect = f"{effect} {self._bulk_reminder(photos)}".strip()
        box = confirmation_box(self.window, "Confirm decision for all photos shown", question,
                               f"{effect} You can undo this with Control+Z.".strip(),
                               confirm_text="&Yes", cancel_text="&No")
        self._show(box, lambda _result: was_confirmed(box) and self._apply_bulk(photos, decision), announce=question)

    def _apply_bulk(self, photos: list, decision: str) -> None:
        try:
            if decision == "share":
                self.consent.share_many(photos, self.share_purposes)
            elif decision == "dont_share":
                self.consent.refuse_many(photos)
            else:
                self.consent.reset_many(photos)
        except Exception as error:  # noqa: BLE001
            self._say(f"Not saved: {error}")
            return
        self._refresh_many([photo.id for photo in photos])
        self._play_saved()
        done = {"share": f"shared for {self.consent.purpose_phrase(self.share_purposes)}",
                "dont_share": "not shared for any purpose",
                "undecided": "not yet decided"}[decision]
        self._say(f"Saved. {self._count(photos)} {done}. {self._bulk_reminder(photos)}".strip())

    def _bulk_reminder(self, photos: list) -> str:
        flagged = sum(1 for photo in photos if self._privacy_words(photo.id))
        if not flagged:
            return ""
        which = ("It has" if len(photos) == 1
                 else f"{flagged} of them {'has' if flagged == 1 else 'have'}")
        return (f"{which} privacy findings, such as faces, text or a location; "
                "the privacy filter lists them.")

    @needs_form
    def folder_default(self) -> None:
        """Ctrl+D: the folder's default; photos decided one by one keep their own decision."""
        root = getattr(self.window, "dataset", None)
        if root is None:
            self._say("Open a folder of photos first, with Control+O.")
            return
        texts = {
            "share": f"Share for {self.consent.purpose_phrase(self.share_purposes)}",
            "dont_share": "Don't share for any purpose",
            "undecided": "No default: not yet decided",
        }
        dialog = ConsentBulkDialog(0, texts, self.window, title=f"Default for the folder {root.name}",
                                   group_title=f"Default for photos in {root.name} with no decision "
                                               "of their own")
        now = self.consent.folder_words(root)
        self._show(dialog, lambda accepted: accepted and self._confirm_folder_default(root, dialog.decision()),
                   announce=f"Default for the folder {root.name}. Now: {now}")

    def _confirm_folder_default(self, root, decision: str) -> None:
        question = {
            "share": f"Share the folder {root.name} for {self.consent.purpose_phrase(self.share_purposes)} by default?",
            "dont_share": f"Make not sharing the default for the folder {root.name}?",
            "undecided": f"Remove the default of the folder {root.name}?",
        }[decision]
        photos = list(self.window.visible_photos())
        following = self.consent.photos_without_own_decision(photos) if photos else 0
        details = (f"{core.photos_phrase(following)} with no decision of their own will follow it; "
                   "photos you decided one by one keep their decision. "
                   "You can undo this with Control+Z.")
        box = confirmation_box(self.window, "Confirm the folder's default", question, details,
                               confirm_text="&Yes", cancel_text="&No")
        self._show(box, lambda _r: was_confirmed(box) and self._apply_folder_default(root, decision),
                   announce=question)

    def _apply_folder_default(self, root, decision: str) -> None:
        try:
            self.consent.set_folder_default(root, decision, self.share_purposes)
        except Exception as error:  # noqa: BLE001 - a failed save is said, never swallowed
            self._say(f"Not saved: {error}")
            return
        self._refresh_all()
        self._play_saved()
        self._say(f"Saved. Folder {root.name}, for photos with no decision of their own: "
                  f"{self.consent.folder_words(root)}")

    def _refresh_all(self) -> None:
        self.window.refresh_all_photos()

    def _refresh_many(self, photo_ids: list[str] | None) -> None:
        """One photo's item, or the whole list at once (None, or many: a bulk decision over
        10,000 photos would otherwise send 10,000 separate updates)."""
        if photo_ids is not None and len(photo_ids) == 1:
            self._refresh(photo_ids[0])
        else:
            self._refresh_all()

    @needs_form
    def undo(self) -> None:
        try:
            undone = self.consent.undo_last()
        except Exception as error:  # noqa: BLE001
            self._say(f"Nothing was undone: {error}")
            return
        if undone is None:
            self._say("There is no decision to undo.")
            return
        # No photo ids: the folder's default was undone, and any photo may follow it.
        self._refresh_many(undone.photo_ids or None)
        self._tell_study("undone", len(undone.photo_ids))
        self._play_saved()
        self._say(self._undo_sentence(undone))

    def _undo_sentence(self, undone) -> str:
        """The core's sentence, naming the photo when the undone decision was about one."""
        if len(undone.photo_ids) != 1:
            return undone.sentence
        names = {p.id: p.path.name for p in self.window.visible_photos()}
        name = names.get(undone.photo_ids[0])
        state = self.consent.spoken_state(undone.photo_ids[0])
        return f"Undone for {name}. {state}" if name else undone.sentence

    @needs_form
    def history(self) -> None:
        photo = self._current_or_say()
        if photo is None:
            return
        sentences = self.consent.history_sentences(photo.id)
        dialog = ConsentHistoryDialog(photo.path.name, sentences, self.window)
        spoken = " ".join(sentences) or "Nothing has been decided for this photo yet."
        self._show(dialog, None, announce=f"History of {photo.path.name}. {spoken}")

    # Delete ----------------------------------------------------------------------------------

    @needs_form
    def delete(self) -> None:
        photo = self._current_or_say()
        if photo is None:
            return
        box = delete_confirmation(self.window, photo.path.name, self.consent.exported_copies(photo))
        self._show(box, lambda _result: was_confirmed(box) and self._delete_confirmed(photo),
                   announce=f"{box.text()} {box.informativeText()}")

    def _delete_confirmed(self, photo) -> None:
        try:
            sentence = self.consent.delete(photo)
        except Exception as error:  # noqa: BLE001
            self._say(f"{photo.path.name} was not deleted: {error}")
            return
        self._tell_study("photo_deleted", photo.id)
        self.window.remove_photo(photo.id)
        self._say(sentence)

    # Export ----------------------------------------------------------------------------------

    @needs_form
    def export(self) -> None:
        dialog = ConsentExportDialog(core.ExportRunner(self.consent, self.window), self._say, self.window)
        self._show(dialog, None, announce="Export and verify consent records.")

    # The consent walk ------------------------------------------------------------------------

    @needs_form
    def consent_walk(self) -> None:
        driver = self.consent.walk_driver()
        study = getattr(self.window, "study", None)
        dialog = ConsentWalkDialog(study.observe_walk(driver) if study else driver, self._say,
                                   self.window,
                                   announce_with_focus=self._say_with_focus)
        self._show(dialog, lambda accepted: self._walk_closed(accepted))

    def _walk_closed(self, finished: bool) -> None:
        """A decision that waited for the walk is made only if the walk was finished."""
        pending, self._pending_after_walk = self._pending_after_walk, None
        if pending is None:
            return
        if finished:
            pending()
        else:
            self._say("Nothing was decided. Press Y, N or U again when you are ready.")

    def _offer_walk_first(self, then) -> bool:
        """Before the first decision, offer the walk once. True if the decision now waits.

        Three answers, each doing what it says: "Learn first" starts the walk and makes the
        decision only if the walk is finished; "Decide now" saves the decision without the walk;
        Cancel (the default, and Escape) decides nothing."""
        if self._walk_offered or self.consent.walk_completed():
            return False
        self._walk_offered = True
        box = confirmation_box(
            self.window, "Learn about consent first?",
            "Before your first decision, go through what sharing means?",
            "It takes a few minutes: who sees your photos, each purpose, how to withdraw and what "
            "deletion removes. Alt+L, Learn first, starts it, and your decision is saved when "
            "you finish it. Alt+D, Decide now, saves your decision without it. Escape, Cancel, "
            "decides nothing. You can do it later with Control+I.",
            confirm_text="&Learn first", cancel_text="Cancel",
            confirm_description="Start the consent walk. Your decision is saved when you finish it.",
            cancel_description="Decide nothing now.",
            others=(("&Decide now", "Save the decision without the walk."),))
        decide = next(b for b in box.buttons() if b.accessibleName() == "Decide now")
        self._pending_after_walk = then

        def answered(_result):
            if was_confirmed(box):
                self.consent_walk()
                return
            self._pending_after_walk = None
            if box.clickedButton() is decide:
                then()
            else:
                self._say("Nothing was decided. Press Y, N or U again when you are ready.")

        self._show(box, answered, announce=f"{box.text()} {box.informativeText()}")
        return True

    # Helpers ---------------------------------------------------------------------------------

    def _show(self, dialog: QDialog, on_finished, announce: str | None = None) -> None:
        """Open ``dialog`` window-modal without a nested event loop; give focus back after."""
        self.open_dialog = dialog
        returning_to = self.window.focusWidget() if hasattr(self.window, "focusWidget") else None

        def finished(result: int) -> None:
            if self.open_dialog is dialog:
                self.open_dialog = None
            dialog.deleteLater()
            self.window.activateWindow()
            if returning_to is not None:
                returning_to.setFocus()
            if on_finished is not None:
                on_finished(result == QDialog.DialogCode.Accepted)

        dialog.finished.connect(finished)
        dialog.open()
        if announce:
            # A screen reader reads a dialog as it opens (its title, an alert's text, the
            # focused control), so only the own voice needs the words; both made Orca say an
            # offer three times.
            self._say_with_focus(announce)

    def _tell_study(self, hook: str, *args) -> None:
        """What happened, for a co-design study session's recorder (if the window has one)."""
        study = getattr(self.window, "study", None)
        if study is not None:
            getattr(study, hook)(*args)

    def _current_or_say(self):
        photo = self.window.current_photo()
        if photo is None:
            self._say("No photo is selected.")
        return photo

    def _refresh(self, photo_id: str) -> None:
        self.window.refresh_photo(photo_id)

    @staticmethod
    def _count(photos) -> str:
        return core.photos_phrase(len(photos))

    def _say(self, text: str) -> None:
        self.window.announcer.announce(text)

    def _say_with_focus(self, text: str) -> None:
        self.window.announcer.announce_with_focus(text)

    def _play_saved(self) -> None:
        settings = getattr(self.window, "settings", None)
        if settings is not None and not getattr(settings, "earcons", True):
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
