"""The one place the consent GUI talks to the consent core (``accessshare.consent``) and the
records store. Qt-free, so the controller above it only asks, confirms and speaks.

Everything a decision means (states per purpose, withdrawal, spoken summaries, history,
deletion, exports) is the core's; this module chooses which core call each key makes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from accessshare.records import RecordStore

ACTOR = "contributor"

# Used only while the consent form is not available; the form's purposes win.
FALLBACK_PURPOSES = (
    ("research", "Research", "Studies by researchers, who publish what they learn."),
    ("training", "Training AI models", "Teaching AI models to recognise objects."),
    ("public_release", "Public dataset release", "Anyone may download the photo."),
    ("commercial", "Commercial use", "Companies may use the photo in products they sell."),
)


@dataclass(frozen=True)
class Purpose:
    id: str
    label: str
    explanation: str


@dataclass(frozen=True)
class Undone:
    photo_ids: list[str]
    sentence: str


class ConsentCore:
    def __init__(self, store: RecordStore, paths, form_path: Path | None = None):
        self.store = store
        self.paths = paths
        self.purposes = [Purpose(*row) for row in FALLBACK_PURPOSES]
        self.form_version: str | None = None
        self.form_hash: str | None = None
        self._undo_stack: list[list[dict]] = []

    # Purposes ---------------------------------------------------------------------------------

    def purpose_ids(self) -> list[str]:
        return [p.id for p in self.purposes]

    def default_share_purposes(self) -> list[str]:
        return [self.purposes[0].id]

    def label(self, purpose_id: str) -> str:
        return next((p.label for p in self.purposes if p.id == purpose_id), purpose_id)

    def words(self, purpose_id: str) -> str:
        """The label as it reads inside a sentence: "Training AI models" -> "training AI models"."""
        label = self.label(purpose_id)
        return label if label[:2].isupper() else label[:1].lower() + label[1:]

    def purpose_phrase(self, purpose_ids: list[str]) -> str:
        labels = [self.words(p) for p in purpose_ids]
        return _join(labels) + (" only" if len(labels) == 1 else "")

    # States -----------------------------------------------------------------------------------

    def states(self, photo_id: str) -> dict[str, str]:
        latest = self.store.latest_states([photo_id])
        return {p.id: (latest[(photo_id, p.id)].state if (photo_id, p.id) in latest else "pending")
                for p in self.purposes}

    def is_shared(self, photo_id: str) -> bool:
        return any(state == "given" for state in self.states(photo_id).values())

    def spoken_state(self, photo_id: str) -> str:
        states = self.states(photo_id)
        shared = [self.words(p) for p, s in states.items() if s == "given"]
        refused = [self.words(p) for p, s in states.items() if s in ("refused", "withdrawn")]
        if not shared and not refused:
            return "Not yet decided."
        if not shared:
            return "Not shared for any purpose."
        if not refused:
            pending = len(shared) < len(states)
            return f"Shared for {_join(shared)}" + ("; other purposes not yet decided." if pending else ".")
        return f"Shared for {_join(shared)}, not for {_join(refused, 'or')}."

    def purpose_choices(self, photo_id: str):
        from accessshare.ui.consent_purposes_dialog import PurposeChoice  # Qt-free dataclass

        words = {"given": "shared", "refused": "not shared", "withdrawn": "withdrawn",
                 "pending": "not yet decided"}
        states = self.states(photo_id)
        return [PurposeChoice(p.id, p.label, p.explanation, words[states[p.id]], states[p.id] == "given")
                for p in self.purposes]

    # Decisions --------------------------------------------------------------------------------

    def share(self, photo, purpose_ids: list[str]) -> None:
        self.share_many([photo], purpose_ids)

    def refuse_all(self, photo) -> None:
        self.refuse_many([photo])

    def reset(self, photo) -> None:
        self.reset_many([photo])

    def share_many(self, photos, purpose_ids: list[str]) -> None:
        chosen = set(purpose_ids)
        self._decide(photos, lambda purpose, old: "given" if purpose in chosen else _refusal(old))

    def refuse_many(self, photos) -> None:
        self._decide(photos, lambda _purpose, old: _refusal(old))

    def reset_many(self, photos) -> None:
        self._decide(photos, lambda _purpose, _old: "pending")

    def _decide(self, photos, new_state) -> None:
        rows, before = [], []
        for photo in photos:
            states = self.states(photo.id)
            for purpose, old in states.items():
                state = new_state(purpose, old)
                if state != old:
                    rows.append(self._row(photo.id, purpose, state))
                    before.append(self._row(photo.id, purpose, old, reason="undo"))
        if rows:
            self.store.append_consents(rows)
            self._undo_stack.append(before)

    def _row(self, photo_id: str, purpose: str, state: str, reason: str | None = None) -> dict:
        return {"photo_hash": photo_id, "purpose": purpose, "state": state, "actor": ACTOR,
                "form_version": self.form_version, "form_hash": self.form_hash, "reason": reason}

    def undo_last(self) -> Undone | None:
        if not self._undo_stack:
            return None
        rows = self._undo_stack.pop()
        self.store.append_consents(rows)
        photo_ids = list(dict.fromkeys(row["photo_hash"] for row in rows))
        if len(photo_ids) == 1:
            sentence = f"Undone. {self.spoken_state(photo_ids[0])}"
        else:
            sentence = f"Undone for {len(photo_ids)} photos."
        return Undone(photo_ids, sentence)

    def history_sentences(self, photo_id: str) -> list[str]:
        words = {"given": "shared", "refused": "refused", "withdrawn": "withdrew",
                 "pending": "set back to undecided"}
        sentences = []
        for event in self.store.events(photo_hash=photo_id, kind="consent"):
            day = str(event.time)[:10]
            sentences.append(f"On {day} you {words.get(event.state, event.state)} it for "
                             f"{self.words(event.purpose)}.")
        return sentences

    # Walk -------------------------------------------------------------------------------------

    def walk_completed(self) -> bool:
        return True

    def walk_driver(self):
        raise NotImplementedError("The consent form is not available yet.")

    # Deletion and export ----------------------------------------------------------------------

    def exported_copies(self, photo) -> int:
        return 0

    def delete(self, photo, window) -> str:
        raise NotImplementedError("Deletion needs the consent core.")


class ExportRunner:
    def __init__(self, consent: ConsentCore, window):
        self.consent = consent
        self.window = window

    def purposes(self) -> list[tuple[str, str]]:
        return [(p.id, p.label) for p in self.consent.purposes]

    def default_path(self, kind: str, purpose: str | None) -> Path:
        folder = Path(self.window.paths.exports_dir)
        return {"json": folder / "consent-log.json", "csv": folder / "consent-log.csv",
                "photos": folder / f"photos-{purpose or 'research'}",
                "verify": folder / "consent-log.json"}[kind]

    def run(self, kind: str, path: Path, purpose: str | None) -> str:
        raise NotImplementedError("Exports need the consent core.")


def _refusal(old: str) -> str:
    """Saying no to a purpose that was shared withdraws it (ISO/IEC TS 27560)."""
    return "withdrawn" if old in ("given", "withdrawn") else "refused"


def _join(words: list[str], last: str = "and") -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"
