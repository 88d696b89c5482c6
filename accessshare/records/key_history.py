"""Noticing that a data folder's device key was made anew, and until when to say so.

A device key lost (its file deleted, the data folder partly restored from a backup, disk
trouble) is made anew on the next start, silently: ``DeviceKey.load_or_create``. Every
steward who pinned the earlier key then refuses this contributor's new logs, so their later
withdrawals would never arrive. What the folder kept signed says so: each kept chain head
(``chain-heads/*.json``) names the key that signed it.

Evidence of a key
    A signed document of this data folder that verifies: a kept chain head, a copy of one
    kept in ``key-history/head-<store id>-<key>.json`` before it was signed again by a newer
    key (``signing.keep_earlier_key_head``; never overwritten or removed), or a note of an
    export, ``key-history/export-<key>.json`` (format ``accessshare-key-export/1``: its time,
    signed by the key that signed the export).

The rule
    A key change is *pending* while the newest evidence signed by another key than the
    current one is newer than every export note signed by the current key. So it is said at
    each start, and by each command that signs, from the moment the key differs until a
    signed log (JSON) has been exported with the new key: the log a contributor hands to a
    steward, whose fingerprint they then read out to the steward (``accessshare log verify
    FILE``). The export that ends it writes the note; the evidence stays.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from accessshare.library.files import write_atomically
from accessshare.records.chain import utc_timestamp
from accessshare.records.signing import (HEADS_FOLDER, KEY_FILE, KEY_HISTORY_FOLDER, DeviceKey,
                                         check_signature, sign_document)

EXPORT_NOTE_FORMAT = "accessshare-key-export/1"


@dataclass(frozen=True)
class KeyChange:
    """The device key differs from the one that signed the newest earlier evidence."""

    earlier: str  # the full fingerprint of the key that signed the earlier records
    current: str  # the full fingerprint of this folder's key now
    made_at: str  # when the current key file was written (UTC, as ``utc_timestamp``)


@dataclass(frozen=True)
class _Evidence:
    fingerprint: str
    time: str
    export_note: bool


def pending_key_change(data_dir: str | os.PathLike, key: DeviceKey) -> KeyChange | None:
    """The key change to tell the contributor about, or None (see the module's rule)."""
    found = _evidence(Path(data_dir))
    others = [e for e in found if e.fingerprint != key.fingerprint]
    if not others:
        return None
    newest = max(others, key=lambda e: e.time)
    exported = [e.time for e in found
                if e.export_note and e.fingerprint == key.fingerprint]
    if exported and max(exported) > newest.time:
        return None
    return KeyChange(newest.fingerprint, key.fingerprint, _written_at(Path(data_dir) / KEY_FILE))


def note_signed_export(data_dir: str | os.PathLike, key: DeviceKey) -> bool:
    """After a signed log was exported: end a pending key change with a signed note of the
    export (returns whether one was pending). Nothing is written when none was."""
    if pending_key_change(data_dir, key) is None:
        return False
    document = {"format": EXPORT_NOTE_FORMAT, "time": utc_timestamp()}
    document.update(sign_document(document, key))
    folder = Path(data_dir) / KEY_HISTORY_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(folder / f"export-{key.fingerprint[:16]}.json",
                     json.dumps(document, indent=1) + "\n")
    return True


def _evidence(data_dir: Path) -> list[_Evidence]:
    files = [*sorted((data_dir / HEADS_FOLDER).glob("*.json")),
             *sorted((data_dir / KEY_HISTORY_FOLDER).glob("*.json"))]
    found = []
    for file in files:
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            continue  # an unreadable head is said by verification, not here
        time = document.get("time") if isinstance(document, dict) else None
        signature = check_signature(document)
        if signature.ok and signature.fingerprint and isinstance(time, str):
            found.append(_Evidence(signature.fingerprint, time,
                                   document.get("format") == EXPORT_NOTE_FORMAT))
    return found


def _written_at(path: Path) -> str:
    try:
        moment = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
    except OSError:
        moment = datetime.now(timezone.utc)
    return utc_timestamp(moment)
