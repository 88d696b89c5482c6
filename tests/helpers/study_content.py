"""What a study export must never hold, gathered from the dataset and the app's own
descriptions: file names (and their words), paths, content hashes, labels, description words
and recognised text. ``leaks(export_text, forbidden)`` names any that appear."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from accessshare.library.files import hash_file
from accessshare.study.recorder import EVENT_KINDS
from accessshare.study.report import COLUMNS

WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]+")
# Words every export is made of: its columns, event kinds, detail keys, action ids, purposes,
# states and choices. A description that uses one of them cannot be told apart, so they are
# not evidence of a leak.
STRUCTURE = {*COLUMNS, *EVENT_KINDS, "photos", "action", "verbosity", "record_speech", "part",
             "parts", "question", "correct", "setting", "number", "note", "brief", "detailed",
             "true", "false", "null", "given", "refused", "withdrawn", "pending", "mixed", "all",
             "format", "sessions", "events", "facilitator", "started", "ended", "protocol",
             "accessshare", "study", "positions", "scope", "shown", "folder"}


def structure_words() -> set[str]:
    from accessshare.ui import keymap
    from accessshare.consent.form import load_form

    words = {b.action for b in keymap.BINDINGS if b.action}
    words |= set(load_form(None).purpose_ids)
    return {w.lower() for w in STRUCTURE | words}


def forbidden_content(dataset: Path, descriptions: Iterable[dict]) -> dict[str, set[str]]:
    """{"names": ..., "hashes": ..., "words": ...} for the photos in ``dataset`` and their
    descriptions (``Description.to_json()`` payloads)."""
    photos = [p for p in dataset.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png")]
    names = {p.name for p in photos} | {str(p) for p in photos} | {str(dataset)}
    hashes = {hash_file(p)[0] for p in photos}
    words: set[str] = set()
    texts = []
    for payload in descriptions:
        texts += [payload.get("sentence") or "", *(payload.get("details") or []),
                  payload.get("label") or ""]
        texts += [str(v) for line in payload.get("text") or [] for v in
                  (line.values() if isinstance(line, dict) else [line])]
    for text in texts + [p.stem for p in photos]:
        words |= {w.lower() for w in WORD.findall(text.replace("-", " ")) if len(w) >= 4}
    return {"names": names, "hashes": hashes, "words": words - structure_words()}


def leaks(export_text: str, forbidden: dict[str, set[str]]) -> list[str]:
    found = [n for n in forbidden["names"] | forbidden["hashes"] if n in export_text]
    tokens = {t.lower() for t in WORD.findall(export_text)}
    return found + sorted(tokens & forbidden["words"])
