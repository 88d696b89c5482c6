"""Canonical JSON and hashing for the tamper-evident event chain.

Each event's ``hash`` is the SHA-256 of the canonical JSON of its fields (sorted keys, no
whitespace, UTF-8, times as UTC ISO-8601 strings) including ``prev_hash``, the hash of the
event before it. Exports use the same functions, so a steward can verify an exported file.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from json.encoder import encode_basestring
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


_SORTED_FIELDS = tuple(sorted(CHAINED_FIELDS))


def hashed_row(row: tuple, columns: tuple[str, ...]) -> tuple[dict[str, Any], str]:
    """(the event as a dict, its recomputed hash) from a database row whose ``columns`` are the
    chained fields and "hash": the fast path of verification. The canonical JSON is written by
    a function made once for this column order (twice as fast as building a dict for the
    encoder, and verification does this for every event), and is the same text as
    ``canonical_json`` gives."""
    return dict(zip(columns, row)), row_hasher(columns)(row)


@lru_cache(maxsize=8)
def row_hasher(columns: tuple[str, ...]):
    """The function giving a row's recomputed hash (as ``hashed_row``, without the dict)."""
    encode, sha256 = _row_encoder(columns), hashlib.sha256

    def row_hash(row: tuple) -> str:
        return sha256(encode(row).encode("utf-8", "surrogatepass")).hexdigest()
    return row_hash


def _json_value(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    try:
        return _json_other(value)
    except (TypeError, ValueError):  # bytes or the like written into a column: cannot match
        return '"\\u0000 not JSON"'


def _json_other(value: Any) -> str:
    """Any other value as ``json.dumps`` writes it (TypeError if it cannot)."""
    if type(value) is int:
        return int.__repr__(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _compiled_encoder(head: str, values: list[str], other) -> Any:
    """A function whose body is ``head`` and then one f-string giving the canonical JSON of
    the chained fields, the value of each field (in ``_SORTED_FIELDS`` order) being the
    expression in ``values``. Text (most fields) goes straight to the C encoder and None to
    "null"; only the rest (the seq, anything odd) pays for a call of ``other``. One f-string
    is a single join, not thirty concatenations: three times json.dumps on a dict."""
    lines, parts = [head], []
    for index, (field, value) in enumerate(zip(_SORTED_FIELDS, values)):
        lines.append(f"    v{index} = {value}")
        v = f"v{index}"
        parts.append(f'\\"{field}\\":{{E({v}) if {v}.__class__ is S else "null" if {v} is None '
                     f'else V({v})}}')
    namespace = {"V": other, "E": encode_basestring, "S": str}
    exec("\n".join(lines) + "\n    return f'{{" + ",".join(parts) + "}}'\n", namespace)
    return namespace["encode"]


@lru_cache(maxsize=8)
def _row_encoder(columns: tuple[str, ...]):
    names = [f"row[{columns.index(field)}]" for field in _SORTED_FIELDS]
    return _compiled_encoder("def encode(row):", names, _json_value)


# The canonical JSON of an event dict, as ``canonical_json`` writes it (a value that is not
# JSON raises TypeError there too). Missing fields are null.
_fields_encoder = _compiled_encoder("def encode(fields):\n    get = fields.get",
                                    [f"get({field!r})" for field in _SORTED_FIELDS], _json_other)


def canonical_json(fields: dict[str, Any]) -> str:
    """Sorted keys, no whitespace, non-ASCII as itself: the text ``json.dumps(..., sort_keys=
    True, separators=(",", ":"), ensure_ascii=False)`` gives for the chained fields."""
    return _fields_encoder(fields)


def event_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(_fields_encoder(fields).encode("utf-8", "surrogatepass")).hexdigest()


def utc_timestamp(moment: datetime | None = None) -> str:
    """A fixed-width UTC time string that sorts and round-trips identically on every database."""
    moment = (moment or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(text: str) -> datetime:
    """The inverse of ``utc_timestamp``; ValueError for any other text. (Sliced rather than
    strptime'd: history reads tens of thousands of these.)"""
    if not isinstance(text, str) or len(text) != 27 or text[4] != "-" or text[10] != "T" \
            or text[19] != "." or text[26] != "Z":
        raise ValueError(f"not a UTC timestamp: {text!r}")
    return datetime(int(text[0:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]),
                    int(text[14:16]), int(text[17:19]), int(text[20:26]), tzinfo=timezone.utc)


class ChainCheck:
    """Checks events one at a time, in chain order, from a point already trusted.

    ``feed(event)`` returns None when the event follows (its seq is the next one, its
    prev_hash is the hash before it, and its hash is its own), else the reason in words."""

    def __init__(self, seq: int = 0, head_hash: str = GENESIS_HASH):
        self.seq, self.head_hash = seq, head_hash

    def follows(self, seq: Any, prev_hash: Any, stored_hash: Any, computed_hash: str) -> bool:
        """The common case of ``feed``, without a dict: if the event follows, move on to it
        and say so; otherwise change nothing (``feed`` then names what is wrong)."""
        if seq.__class__ is int and seq == self.seq + 1 and prev_hash == self.head_hash \
                and stored_hash == computed_hash:
            self.seq, self.head_hash = seq, stored_hash
            return True
        return False

    def feed(self, event: dict[str, Any], computed_hash: str | None = None) -> str | None:
        """``computed_hash``: the event's hash already worked out by the caller."""
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
        if event.get("hash") != (computed_hash or event_hash(event)):
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
