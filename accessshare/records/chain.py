"""Canonical JSON and hashing for the tamper-evident event chain.

Each event's ``hash`` is the SHA-256 of the canonical JSON of its fields (sorted keys, no
whitespace, UTF-8, times as UTC ISO-8601 strings) including ``prev_hash``, the hash of the
event before it. Exports use the same functions, so a steward can verify an exported file.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from collections.abc import Iterable
from typing import Any

GENESIS_HASH = "0" * 64
# The fields that are hashed, in every event of either kind. Adding a field needs a new
# chain version, so that old events still verify.
CHAINED_FIELDS = (
    "seq", "kind", "time", "actor", "scope", "photo_hash", "dataset", "purpose", "state",
    "form_version", "form_hash", "status", "reason", "detail", "prev_hash",
)


def canonical_json(fields: dict[str, Any]) -> str:
    chosen = {name: fields.get(name) for name in CHAINED_FIELDS}
    return json.dumps(chosen, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


def utc_timestamp(moment: datetime | None = None) -> str:
    """A fixed-width UTC time string that sorts and round-trips identically on every database."""
    moment = (moment or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


class ChainCheck:
    """Checks events one at a time, in chain order, from a point already trusted.

    ``feed(event)`` returns None when the event follows (its seq is the next one, its
    prev_hash is the hash before it, and its hash is its own), else the reason in words."""

    def __init__(self, seq: int = 0, head_hash: str = GENESIS_HASH):
        self.seq, self.head_hash = seq, head_hash

    def feed(self, event: dict[str, Any]) -> str | None:
        expected = self.seq + 1
        seq = event.get("seq")
        if seq != expected:
            if isinstance(seq, int) and not isinstance(seq, bool) and seq > expected:
                return (f"event {expected} is missing (the next stored event is {seq}); an "
                        "event was removed or renumbered")
            return (f"event {seq if seq is not None else '?'} is out of place: expected event "
                    f"{expected} here (an event was added, copied or moved)")
        if event.get("prev_hash") != self.head_hash:
            return f"event {seq} does not follow the event before it (prev_hash differs)"
        if event.get("hash") != event_hash(event):
            return f"event {seq} was altered after it was written (its hash does not match)"
        self.seq, self.head_hash = seq, event["hash"]
        return None


def first_break(events: Iterable[dict[str, Any]]) -> tuple[int, str] | None:
    """Check a chain given in order; return (position, reason) of the first broken event.

    Reads the events one at a time, so a long log is checked in constant memory.
    """
    check = ChainCheck()
    for position, event in enumerate(events):
        reason = check.feed(event)
        if reason is not None:
            return position, reason
    return None
