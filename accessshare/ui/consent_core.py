"""The one place the consent GUI talks to the consent core (``accessshare.consent``) and the
records store. Qt-free, so the controller above it only asks, confirms and speaks.

Everything a decision means (states per purpose, withdrawal, spoken summaries, history,
deletion, exports) is the core's; this module chooses which core call each key makes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from accessshare.consent import export
from accessshare.consent.decisions import PENDING, Decisions, join_words, refusal
from accessshare.consent.deletion import delete_photo, exported_copies, finish_unfinished
from accessshare.consent.form import ConsentForm, load_form
from accessshare.consent.walk import ConsentWalk, walk_completed
from accessshare.records import RecordStore

DELETE_REASON = "The contributor deleted it in AccessShare."
STATE_WORDS = {"given": "shared", "refused": "not shared", "withdrawn": "withdrawn",
               "pending": "not yet decided", "deleted": "deleted earlier; not shared",
               "unverified": "not shared: the consent log failed verification"}


@dataclass(frozen=True)
class Undone:
    photo_ids: list[str]
    sentence: str


class ConsentCore:
    def __init__(self, store: RecordStore, paths, form_path: Path | None = None):
        self.store = store
        self.paths = paths
        self.form: ConsentForm = load_form(form_path)
        self.decisions = Decisions(store, self.form)
        self._states: dict[str, dict[str, str]] = {}  # photo id -> purpose -> state, until the next change
        # A deletion interrupted last time (a crash, a kill) is finished on this start.
        self.startup_messages = [r.message for r in finish_unfinished(store, paths)]

    # Purposes ---------------------------------------------------------------------------------

    @property
    def purposes(self):
        return self.form.purposes

    def purpose_ids(self) -> list[str]:
        return list(self.form.purpose_ids)

    def default_share_purposes(self) -> list[str]:
        ids = self.purpose_ids()
        return ["research"] if "research" in ids else ids[:1]

    def words(self, purpose_id: str) -> str:
        return self.decisions.purpose_words(purpose_id)

    def purpose_phrase(self, purpose_ids: list[str]) -> str:
        words = [self.words(p) for p in purpose_ids]
        return join_words(words) + (" only" if len(words) == 1 else "")

    # States -----------------------------------------------------------------------------------

    def states(self, photo_id: str) -> dict[str, str]:
        if photo_id not in self._states:
            self.prefetch([photo_id])
        return self._states[photo_id]

    def prefetch(self, photo_ids) -> None:
        """Read the states of many photos in a few queries (list texts, bulk decisions)."""
        missing = [p for p in dict.fromkeys(photo_ids) if p not in self._states]
        for photo_id, effective in self.decisions.effective_many(missing).items():
            self._states[photo_id] = {purpose: e.state for purpose, e in effective.items()}

    def is_shared(self, photo_id: str) -> bool:
        return any(state == "given" for state in self.states(photo_id).values())

    def spoken_state(self, photo_id: str) -> str:
        return self.decisions.summary_of_states(self.states(photo_id))

    def bulk_effect(self, photos, decision: str, share_purposes: list[str]) -> str:
        """What a decision for many photos changes in decisions already made, as one sentence
        ("" when it only decides photos not yet decided): a bulk share can override a refusal,
        and a bulk refusal withdraws what was shared."""
        self.prefetch([p.id for p in photos])
        given = [{k for k, v in self.states(p.id).items() if v == "given"} for p in photos]
        decided = [any(v != PENDING for v in self.states(p.id).values()) for p in photos]
        changes = []
        if decision == "share":
            turned = sum(1 for g, d in zip(given, decided) if d and not g)
            withdrawn = sum(1 for g in given if g - set(share_purposes))
            if turned:
                changes.append(f"{photos_phrase(turned)} you had not shared will be shared")
            if withdrawn:
                changes.append(f"{photos_phrase(withdrawn)} shared for other uses will be withdrawn "
                               "from them")
        elif decision == "dont_share":
            if shared := sum(1 for g in given if g):
                changes.append(f"{photos_phrase(shared)} you had shared will be withdrawn")
        elif made := sum(decided):
            changes.append(f"your decisions for {photos_phrase(made)} will be cleared")
        sentence = "; ".join(changes)
        return f"{sentence[:1].upper()}{sentence[1:]}." if sentence else ""

    def folder_states(self, root) -> dict[str, str]:
        """The folder's default, per purpose: what photos with no decision of their own follow
        (from the verified chain)."""
        return self.decisions.folder_states(root)

    def folder_words(self, root) -> str:
        return self.decisions.summary_of_states(self.folder_states(root))

    def set_folder_default(self, root, decision: str, share_purposes: list[str]) -> None:
        """One decision for the folder's default: share for ``share_purposes`` (no to the
        rest; a no to what was shared is a withdrawal), don't share, or no default."""
        old = self.folder_states(root)
        if decision == "share":
            states = {p: "given" if p in share_purposes else refusal(s) for p, s in old.items()}
        elif decision == "dont_share":
            states = {p: refusal(s) for p, s in old.items()}
        else:
            states = dict.fromkeys(old, PENDING)
        self.decisions.decide_dataset_states(root, states)
        self._states.clear()  # every photo without its own decision follows the new default

    def photos_without_own_decision(self, photos) -> int:
        """How many of ``photos`` follow the folder's default (no decision of their own)."""
        effective = self.decisions.effective_many([p.id for p in photos])
        return sum(1 for per_purpose in effective.values()
                   if all(e.source != "photo" for e in per_purpose.values()))

    def purpose_choices(self, photo_id: str):
        from accessshare.ui.consent_purposes_dialog import PurposeChoice  # a plain dataclass

        states = self.states(photo_id)
        return [PurposeChoice(p.id, p.name, p.explanation, STATE_WORDS.get(states.get(p.id), "not yet decided"),
                              states.get(p.id) == "given")
                for p in self.form.purposes]

    # Decisions --------------------------------------------------------------------------------

    def share(self, photo, purpose_ids: list[str]) -> None:
        self.share_many([photo], purpose_ids)

    def refuse_all(self, photo) -> None:
        self.refuse_many([photo])

    def reset(self, photo) -> None:
        self.reset_many([photo])

    def share_many(self, photos, purpose_ids: list[str]) -> None:
        self.decisions.share_only([p.id for p in photos], purpose_ids)
        self._forget([p.id for p in photos])

    def refuse_many(self, photos) -> None:
        self.decisions.refuse_all([p.id for p in photos])
        self._forget([p.id for p in photos])

    def reset_many(self, photos) -> None:
        self.decisions.reset([p.id for p in photos])
        self._forget([p.id for p in photos])

    def _forget(self, photo_ids) -> None:
        for photo_id in photo_ids:
            self._states.pop(photo_id, None)

    def undo_last(self) -> Undone | None:
        undone = self.decisions.undo_last()
        if undone is None:
            return None
        self._states.clear()  # a dataset-wide undo can change every photo
        return Undone(list(undone.photo_hashes), undone.sentence)

    def history_sentences(self, photo_id: str) -> list[str]:
        return self.decisions.history(photo_id)

    # Walk -------------------------------------------------------------------------------------

    def walk_completed(self) -> bool:
        return walk_completed(self.store, self.form)

    def walk_driver(self) -> ConsentWalk:
        return ConsentWalk(self.form, self.store)

    # Deletion and export ----------------------------------------------------------------------

    def exported_copies(self, photo) -> int:
        return exported_copies(self.paths, photo.id)

    def delete(self, photo, reason: str = DELETE_REASON) -> str:
        """Delete the photo and every copy through the core; returns its spoken report."""
        report = delete_photo(self.store, self.paths, photo.path, reason,
                              dataset_root=dataset_root_of(photo))
        self._forget([photo.id])
        return report.message


def dataset_root_of(photo) -> Path:
    """The dataset folder: the photo's path without its path relative to the dataset."""
    depth = len(Path(photo.relpath).parts)
    return Path(photo.path).parents[depth - 1] if depth else Path(photo.path).parent


class ExportRunner:
    def __init__(self, consent: ConsentCore, window):
        self.consent = consent
        self.window = window

    def purposes(self) -> list[tuple[str, str]]:
        return [(p.id, p.name) for p in self.consent.purposes]

    def default_path(self, kind: str, purpose: str | None) -> Path:
        folder = Path(self.window.paths.exports_dir)
        return {"json": folder / "consent-log.json", "csv": folder / "consent-log.csv",
                "photos": folder / f"photos-{purpose or 'research'}",
                "verify": folder / "consent-log.json"}[kind]

    def run(self, kind: str, path: Path, purpose: str | None) -> str:
        """Do one export or check; returns the sentence to say. Problems raise with one
        plain sentence, which the dialog says."""
        store, form = self.consent.store, self.consent.form
        if kind in ("json", "csv"):
            path.parent.mkdir(parents=True, exist_ok=True)
            if kind == "json":
                events = export.export_consent_json(store, path, form)
            else:
                events = export.export_consent_csv(store, path)
            noun = "event" if events == 1 else "events"
            return f"Saved the consent log with {events} {noun} to {path}."
        if kind == "photos":
            return export.export_photos(store, self.consent.paths, purpose, path, form).message
        return export.verify_export_file(path).message


def photos_phrase(count: int) -> str:
    """ "1 photo", "3 photos"."""
    return "1 photo" if count == 1 else f"{count} photos"
