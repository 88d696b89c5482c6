"""The consent service: every consent operation the window and the command line offer, once.

Decisions per photo and for many photos (share for the chosen purposes and no to the others,
don't share, set back to not yet decided), the folder's default, undo, history, the consent
walk and deletion. Built on ``accessshare.consent``; each operation commits before it returns
and gives an ``Outcome`` with the sentence to say and what changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from accessshare.app.results import Changes, FolderDecision, Outcome, Photo, PurposeChoice
from accessshare.config import AppPaths
from accessshare.consent.conditions import KINDS, parse_kinds
from accessshare.consent.decisions import Decisions, conditions_of, refusal, spoken_date
from accessshare.consent.deletion import (DeletionProblem, delete_photo, exported_copies,
                                          finish_unfinished)
from accessshare.consent.form import ConsentForm, FormError, Purpose, load_form
from accessshare.consent.walk import (ConsentWalk, WalkStep, as_sentence, numbered_choices,
                                      walk_completed)
from accessshare.records import RecordStore
from accessshare.records.signing import short_fingerprint
from accessshare.records.store import storable_path
from accessshare.sentences import en
from accessshare.vocabulary import ConsentStatus, DecidedBy, Decision

__all__ = ["KINDS", "ConsentService", "ConsentWalk", "DeletionProblem", "FormError", "Photo", "WalkStep",
           "as_sentence", "dataset_root_of", "delete_paths", "key_change_notice",
           "numbered_choices", "parse_kinds"]

MAX_NAMED = 5  # photos named in one sentence; the rest are counted
DEFAULT_SHARE_PURPOSE = "research"  # what Y shares for until the contributor chooses with P


Reminder = Callable[[str], str]  # photo id -> what it gives away ("" if nothing, or not known)


def no_reminder(_photo_id: str) -> str:
    return ""


class ConsentService:
    """The contributor's consent decisions over one records store and one consent form."""

    def __init__(self, store: RecordStore, paths: AppPaths, form_path: Path | None = None,
                 *, form: ConsentForm | None = None, finish_deletions: bool = True):
        self.store = store
        self.paths = paths
        self.form: ConsentForm = form or load_form(form_path)  # raises FormError
        self.decisions = Decisions(store, self.form)
        self._states: dict[str, dict[str, str]] = {}  # photo id -> purpose -> state, until a change
        self._conditions: dict[str, dict[str, tuple[str, ...]]] = {}  # photo id -> purpose -> kinds
        # A deletion interrupted last time (a crash, a kill) is finished on this start.
        self.startup_messages = ([r.message for r in finish_unfinished(store, paths)]
                                 if finish_deletions else [])

    # The chain ------------------------------------------------------------------------------

    def check_log(self) -> str:
        """Verify the whole chain now (its first read: about a second at 80,000 events, so the
        window runs it off the UI thread). "" if it verifies, else what that means."""
        report = self.decisions.state().verified
        return "" if report.ok else en.log_failed_in_app(report.message)

    def key_notice(self) -> str:
        """What to tell the contributor about a device key made anew ("" if nothing)."""
        return key_change_notice(self.store)

    def log_damaged(self) -> bool:
        """Whether the chain fails verification (read once, then kept up to date)."""
        return not self.decisions.state().verified.ok

    def refusal_on_damaged_log(self, grants: bool) -> str:
        """Why a decision is not saved ("" if it may be): on a damaged log, giving consent is
        refused (state comes from the verified chain, so it could share nothing), while a
        withdrawal, a refusal, "not yet decided" and deletion are always saved."""
        return en.NOT_SHARED_LOG_DAMAGED if grants and self.log_damaged() else ""

    def _on_damaged_log(self, grants: bool, work: Callable[[], Outcome],
                        said: Callable[[Outcome], str]) -> Outcome:
        """The one rule for a damaged log, for the window and the command line alike: a
        decision that gives consent is refused in one sentence; any other is saved
        (committed by ``work``) and said by ``said``, with the damage."""
        if not self.log_damaged():
            return work()
        refused = self.refusal_on_damaged_log(grants)
        if refused:
            return Outcome(refused, ok=False, log_damaged=True)
        outcome = work()
        if not outcome.saved and not outcome.changes.removed:
            return outcome
        return replace(outcome, sentence=said(outcome), log_damaged=True)

    # Purposes -------------------------------------------------------------------------------

    @property
    def purposes(self) -> tuple[Purpose, ...]:
        return tuple(self.form.purposes)

    def purpose_ids(self) -> list[str]:
        return list(self.form.purpose_ids)

    def default_share_purposes(self) -> list[str]:
        ids = self.purpose_ids()
        return [DEFAULT_SHARE_PURPOSE] if DEFAULT_SHARE_PURPOSE in ids else ids[:1]

    def words(self, purpose_id: str) -> str:
        return self.decisions.purpose_words(purpose_id)

    def purpose_phrase(self, purpose_ids: Sequence[str]) -> str:
        """"research only", "research and training AI models"."""
        return en.purpose_phrase([self.words(p) for p in purpose_ids])

    def purpose_choices(self, photo_id: str) -> list[PurposeChoice]:
        states = self.states(photo_id)
        return [PurposeChoice(p.id, p.name, p.explanation, en.state_words(states.get(p.id)),
                              states.get(p.id) == ConsentStatus.GIVEN)
                for p in self.form.purposes]

    # States ---------------------------------------------------------------------------------

    def states(self, photo_id: str) -> dict[str, str]:
        if photo_id not in self._states:
            self.prefetch([photo_id])
        return self._states[photo_id]

    def prefetch(self, photo_ids: Iterable[str]) -> None:
        """Read the states of many photos in a few queries (list texts, bulk decisions)."""
        missing = [p for p in dict.fromkeys(photo_ids) if p not in self._states]
        for photo_id, effective in self.decisions.effective_many(missing).items():
            self._states[photo_id] = {purpose: e.state for purpose, e in effective.items()}
            self._conditions[photo_id] = conditions_of(effective)

    def is_shared(self, photo_id: str) -> bool:
        return any(state == ConsentStatus.GIVEN for state in self.states(photo_id).values())

    def spoken_state(self, photo_id: str) -> str:
        """"Shared for research, faces removed; other purposes not yet decided." """
        return self.decisions.summary_of_states(self.states(photo_id),
                                                self._conditions.get(photo_id))

    def redaction(self, photo_id: str) -> tuple[str, ...]:
        """What the photo's sharing is conditioned on removing (every shared purpose's kinds)."""
        self.states(photo_id)
        return tuple(sorted({kind for kinds in self._conditions.get(photo_id, {}).values()
                             for kind in kinds}))

    def state_of(self, photo_id: str) -> tuple[str, bool]:
        """(the spoken state, whether it is shared): what the photo list shows and filters on."""
        return self.spoken_state(photo_id), self.is_shared(photo_id)

    def _forget(self, photo_ids: Iterable[str]) -> None:
        for photo_id in photo_ids:
            self._states.pop(photo_id, None)
            self._conditions.pop(photo_id, None)

    def _forget_all(self) -> None:
        self._states.clear()
        self._conditions.clear()

    # Deciding photos ------------------------------------------------------------------------

    def decide(self, photos: Sequence[Photo], decision: Decision,
               share_purposes: Sequence[str], reminder: Reminder = no_reminder, *,
               bulk: bool | None = None, redact: Iterable[str] | None = None) -> Outcome:
        """One decision for one photo or many (``bulk``, said with a count), committed before
        it returns. ``reminder`` says what a photo gives away; it is said again when a photo
        is now shared. ``redact``: sharing is on condition that these kinds ("faces", "text",
        "location", or "all") are removed from what is exported (consent.conditions). On a
        damaged log, sharing is refused and the rest saved (``_on_damaged_log``)."""
        many = bulk if bulk is not None else len(photos) > 1
        return self._on_damaged_log(
            decision is Decision.SHARE and bool(share_purposes),
            lambda: self._decide(photos, decision, share_purposes, reminder, many, redact),
            lambda _saved: en.saved_on_damaged_log(status_on_damaged_log(decision),
                                                   len(photos) if many else None))

    def _decide(self, photos: Sequence[Photo], decision: Decision,
                share_purposes: Sequence[str], reminder: Reminder, many: bool,
                redact: Iterable[str] | None) -> Outcome:
        ids = [p.id for p in photos]
        if decision is Decision.SHARE:
            self.decisions.share_only(ids, share_purposes, redact=redact or None)
        elif decision is Decision.DONT_SHARE:
            self.decisions.refuse_all(ids)
        else:
            self.decisions.reset(ids)
        self._forget(ids)
        changes = Changes(photo_ids=tuple(ids))
        if not many:
            shared = self.is_shared(ids[0])
            return Outcome(en.saved_photo(self.spoken_state(ids[0]),
                                          reminder(ids[0]) if shared else ""),
                           changes, saved=True)
        told = self.privacy_reminder(photos, reminder) if decision is Decision.SHARE else ""
        return Outcome(en.bulk_saved(decision, len(photos), self.purpose_phrase(share_purposes),
                                     told), changes, saved=True)

    def decide_photos(self, photos: Sequence[Photo], purposes: Sequence[str], status: str,
                      reason: str | None = None,
                      redact: Iterable[str] | None = None) -> Outcome:
        """One state for ``purposes`` of many photos (the command line's ``consent set``), one
        decision; the same rule on a damaged log as the window's keys."""
        ids = list(dict.fromkeys(p.id for p in photos))

        def save() -> Outcome:
            count = self.decisions.decide_photos(ids, purposes, status, reason=reason,
                                                 redact=redact)
            self._forget(ids)
            return Outcome(en.saved_photos(count), Changes(photo_ids=tuple(ids)), saved=True)

        return self._on_damaged_log(status == ConsentStatus.GIVEN, save,
                                    lambda _saved: en.saved_on_damaged_log(status, len(ids)))

    def share(self, photos: Sequence[Photo], purpose_ids: Sequence[str],
              redact: Iterable[str] | None = None) -> Outcome:
        return self.decide(photos, Decision.SHARE, purpose_ids, redact=redact)

    def share_redacted(self, photos: Sequence[Photo], purpose_ids: Sequence[str]) -> Outcome:
        """Share with faces, text and location removed (the R key)."""
        return self.decide(photos, Decision.SHARE, purpose_ids, redact=KINDS)

    def privacy_reminder(self, photos: Sequence[Photo], reminder: Reminder) -> str:
        """How many of ``photos`` give something away, said before and after sharing them."""
        flagged = sum(1 for photo in photos if reminder(photo.id))
        return en.privacy_reminder_for_many(len(photos), flagged)

    def bulk_effect(self, photos: Sequence[Photo], decision: Decision,
                    share_purposes: Sequence[str]) -> str:
        """What a decision for many photos changes in decisions already made, as one sentence
        ("" when it only decides photos not yet decided): a bulk share can override a refusal,
        and a bulk refusal withdraws what was shared."""
        self.prefetch([p.id for p in photos])
        given = [{k for k, v in self.states(p.id).items() if v == ConsentStatus.GIVEN}
                 for p in photos]
        decided = [any(v != ConsentStatus.PENDING for v in self.states(p.id).values())
                   for p in photos]
        turned = withdrawn_elsewhere = withdrawn = cleared = 0
        if decision is Decision.SHARE:
            turned = sum(1 for g, d in zip(given, decided) if d and not g)
            withdrawn_elsewhere = sum(1 for g in given if g - set(share_purposes))
        elif decision is Decision.DONT_SHARE:
            withdrawn = sum(1 for g in given if g)
        else:
            cleared = sum(decided)
        return en.bulk_effect(turned, withdrawn_elsewhere, withdrawn, cleared)

    # The folder's default -------------------------------------------------------------------

    def folder_states(self, root: str | Path) -> dict[str, str]:
        """The folder's default, per purpose: what photos with no decision of their own follow
        (from the verified chain)."""
        return self.decisions.folder_states(root)

    def folder_words(self, root: str | Path) -> str:
        return self.decisions.summary_of_states(self.folder_states(root),
                                                self.decisions.folder_conditions(root))

    def folder_sentence(self, root: Path) -> str:
        """"Folder holiday, for photos with no decision of their own: Shared for research." """
        return en.folder_default(root.name, self.folder_words(root))

    def set_folder_default(self, root: Path, decision: Decision,
                           share_purposes: Sequence[str]) -> Outcome:
        """One decision for the folder's default (the window's Ctrl+D): share for
        ``share_purposes`` (no to the rest; a no to what was shared is a withdrawal), don't
        share, or no default. One undo step."""
        old = self.folder_states(root)
        if decision is Decision.SHARE:
            states = {p: ConsentStatus.GIVEN if p in share_purposes else refusal(s)
                      for p, s in old.items()}
        elif decision is Decision.DONT_SHARE:
            states = {p: refusal(s) for p, s in old.items()}
        else:
            states = dict.fromkeys(old, ConsentStatus.PENDING)

        def save() -> Outcome:
            self.decisions.decide_dataset_states(root, states)
            return self._folder_decided(root)

        return self._on_damaged_log(
            decision is Decision.SHARE and bool(share_purposes), save,
            lambda _saved: en.saved_on_damaged_log(status_on_damaged_log(decision),
                                                   folder=root.name))

    def set_folder_states(self, root: Path, purposes: Sequence[str], status: ConsentStatus,
                          photos: Sequence[Photo], reason: str | None = None,
                          redact: Iterable[str] | None = None) -> FolderDecision:
        """The folder's default for ``purposes`` (the command line's ``consent set FOLDER``),
        and which of its ``photos`` keep sharing by a decision of their own. ``redact``: the
        kinds removed before sharing (only with ``status`` given)."""
        if not storable_path(root):  # the window's Ctrl+D on a folder named in another encoding
            return FolderDecision(Outcome(en.name_not_utf8(root.name), ok=False))

        def save() -> Outcome:
            self.decisions.decide_dataset(root, purposes, status, reason=reason, redact=redact)
            return self._folder_decided(root)

        outcome = self._on_damaged_log(
            status == ConsentStatus.GIVEN, save,
            lambda _saved: en.saved_on_damaged_log(status, folder=root.name))
        if not outcome.saved:
            return FolderDecision(outcome)
        return FolderDecision(outcome, self._keeping_own(photos, root, purposes, status))

    def _folder_decided(self, root: Path) -> Outcome:
        self._forget_all()  # every photo without its own decision follows the new default
        return Outcome(en.saved_folder_default(root.name, self.folder_words(root)),
                       Changes(all_photos=True), saved=True)

    def _keeping_own(self, photos: Sequence[Photo], root: Path, purposes: Sequence[str],
                     status: ConsentStatus) -> str:
        if status == ConsentStatus.GIVEN or not photos:
            return ""
        effective = self.decisions.effective_many([p.id for p in photos], root)
        still = [p.path.name for p in photos
                 if any(effective[p.id][purpose].state == ConsentStatus.GIVEN
                        and effective[p.id][purpose].source == DecidedBy.PHOTO
                        for purpose in purposes)]
        if not still:
            return ""
        return en.keeping_own_decision(still[:MAX_NAMED], max(0, len(still) - MAX_NAMED), status)

    def photos_without_own_decision(self, photos: Sequence[Photo]) -> int:
        """How many of ``photos`` follow the folder's default (no decision of their own)."""
        return len(self.photos_following_folder(photos))

    def photos_following_folder(self, photos: Sequence[Photo]) -> list[str]:
        """The ids of those of ``photos`` with no decision of their own, in their order."""
        effective = self.decisions.effective_many([p.id for p in photos])
        return [p.id for p in photos
                if all(e.source != DecidedBy.PHOTO for e in effective.get(p.id, {}).values())]

    # Undo and history -----------------------------------------------------------------------

    def undo(self, names: dict[str, str] | None = None) -> Outcome:
        """Undo the last decision by writing new events. ``names`` (photo id -> file name)
        lets the sentence name the photo when the decision was about one. Nothing is undone
        on a damaged log: what undo restores comes from the chain that cannot be trusted, and
        could share again."""
        if self.log_damaged():
            return Outcome(en.NOT_UNDONE_LOG_DAMAGED, ok=False, log_damaged=True)
        undone = self.decisions.undo_last()
        if undone is None:
            return Outcome(en.NOTHING_TO_UNDO)
        self._forget_all()  # a dataset-wide undo can change every photo
        photo_ids = tuple(undone.photo_hashes)
        # No photo ids: the folder's default was undone, and any photo may follow it.
        changes = Changes(photo_ids=photo_ids, all_photos=not photo_ids)
        sentence = undone.sentence
        name = (names or {}).get(photo_ids[0]) if len(photo_ids) == 1 else None
        if name:
            sentence = en.undone_one(self.spoken_state(photo_ids[0]), name)
        return Outcome(sentence, changes, saved=True)

    def history_sentences(self, photo_id: str) -> list[str]:
        return self.decisions.history(photo_id)

    # The consent walk -----------------------------------------------------------------------

    def walk_completed(self) -> bool:
        return walk_completed(self.store, self.form)

    def walk_driver(self) -> ConsentWalk:
        return ConsentWalk(self.form, self.store)

    # Deletion -------------------------------------------------------------------------------

    def exported_copies(self, photo: Photo) -> int:
        return exported_copies(self.paths, photo.id)

    def delete(self, photo: Photo, reason: str = en.DELETE_REASON) -> Outcome:
        """Delete the photo and every copy (two-phase, verified); the outcome is its report."""
        outcome = self._on_damaged_log(
            False, lambda: delete_one(self.store, self.paths, photo.path, reason,
                                      dataset_root=dataset_root_of(photo), photo_id=photo.id,
                                      forget=self._forget),
            lambda deleted: en.with_log_damaged(deleted.sentence))
        if not outcome.ok and not outcome.changes.removed:  # refused: nothing was deleted
            return Outcome(en.not_deleted(photo.path.name, outcome.sentence), ok=False)
        return outcome


def delete_one(store: RecordStore, paths: AppPaths, path: str | Path, reason: str,
               *, photo_id: str | None = None, forget: Callable[[list[str]], None] | None = None,
               **where: Any) -> Outcome:
    """One deletion, said the same by the window and the command line. A refusal
    (``DeletionProblem``) is an outcome that is not ``ok`` and removed nothing."""
    try:
        report = delete_photo(store, paths, path, reason, **where)
    except DeletionProblem as problem:
        return Outcome(str(problem), ok=False)
    removed = photo_id or report.photo_hash
    if forget is not None:
        forget([removed])
    return Outcome(report.message, Changes(removed=(removed,)), ok=report.ok)


def dataset_root_of(photo: Photo) -> Path:
    """The dataset folder: the photo's path without its path relative to the dataset."""
    depth = len(Path(photo.relpath).parts)
    return Path(photo.path).parents[depth - 1] if depth else Path(photo.path).parent


def delete_paths(store: RecordStore, paths: AppPaths, given: Sequence[str | Path],
                 reason: str) -> list[Outcome]:
    """Delete photo files given by path (the command line), each with its own outcome."""
    from accessshare.consent.deletion import known_dataset_roots

    roots = known_dataset_roots(store)
    outcomes = [delete_one(store, paths, path, reason, roots=roots) for path in given]
    if any(o.changes.removed for o in outcomes) and not store.verify().ok:
        # Deleting works on a damaged log, as in the window, and says the damage.
        outcomes = [replace(o, sentence=en.with_log_damaged(o.sentence), log_damaged=True)
                    if o.changes.removed else o for o in outcomes]
    return outcomes


def key_change_notice(store: RecordStore) -> str:
    """The sentence for a pending change of the device key, or "" (``records.key_history``):
    said at start in the window and on standard error by the commands that sign."""
    change = store.pending_key_change()
    if change is None:
        return ""
    return en.device_key_changed(spoken_date(change.made_at), short_fingerprint(change.earlier),
                                 short_fingerprint(change.current))


def status_on_damaged_log(decision: Decision) -> ConsentStatus:
    """What a decision that shares nothing writes on a damaged log: a no is a withdrawal (any
    purpose may have been shared: ``consent.decisions.refusal``)."""
    return ConsentStatus.PENDING if decision is Decision.UNDECIDED else ConsentStatus.WITHDRAWN
