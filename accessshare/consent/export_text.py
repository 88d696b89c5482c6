"""The canonical texts of an export, worked out once for both checks of the verifier.

Verifying an export hashes the canonical JSON of each event's chained fields (the chain), then
signs off the canonical JSON of the whole document (the signature), which holds every event
again with its hash, DPV status and notice. Both texts are made of the same encoded values, so
``EventTexts`` encodes each value once and gives both; ``signed_text`` then assembles the
document's text around the events' texts. Each is byte for byte what the general functions
give (``records.chain.canonical_json``, ``records.signing.canonical_bytes``, that is
``json.dumps(..., sort_keys=True, separators=(",", ":"), ensure_ascii=False)``): an event of
any other shape (a field added or missing, a value that is not text, null or the seq number)
gets None here and goes the general way, and so does a document not shaped like an export.
Nothing of the format changes; only the work is shared.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from json.encoder import encode_basestring
from typing import Any

from accessshare.records.chain import CHAINED_FIELDS

_SORTED = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def _compile(extra: tuple[str, ...]):
    """A function of an event dict with exactly the chained fields, "hash" and ``extra``
    (where "notice" is ``{"sha256": ..., "version": ...}``): (the canonical JSON of its chained
    fields, that of the whole event), or None for any other shape or value."""
    fields = sorted((*CHAINED_FIELDS, "hash", *extra))
    lines = ["def texts(event):", f"    if len(event) != {len(fields)}:", "        return None"]
    for index, name in enumerate(fields):
        if name == "notice":
            lines += ["    notice = event['notice']",
                      "    if notice.__class__ is not D or len(notice) != 2:",
                      "        return None",
                      f"    t{index} = N(notice['sha256'], notice['version'])",
                      f"    if t{index} is None:", "        return None"]
            continue
        lines += [f"    v = event[{name!r}]",
                  f"    if v.__class__ is S:\n        t{index} = E(v)",
                  f"    elif v is None:\n        t{index} = 'null'",
                  f"    elif v.__class__ is I:\n        t{index} = R(v)",
                  "    else:\n        return None"]
    chained = ",".join(f'"{name}":{{t{fields.index(name)}}}' for name in sorted(CHAINED_FIELDS))
    whole = ",".join(f'"{name}":{{t{index}}}' for index, name in enumerate(fields))
    lines.append(f"    return f'{{{{{chained}}}}}', f'{{{{{whole}}}}}'")
    namespace = {"D": dict, "S": str, "I": int, "E": encode_basestring, "R": int.__repr__,
                 "N": _notice_text}
    exec("\n".join(lines) + "\n", namespace)
    return namespace["texts"]


def _notice_text(sha256: Any, version: Any) -> str | None:
    parts = []
    for value in (sha256, version):
        if value.__class__ is str:
            parts.append(encode_basestring(value))
        elif value is None:
            parts.append("null")
        else:
            return None
    return f'{{"sha256":{parts[0]},"version":{parts[1]}}}'


_CONSENT_TEXTS = _compile(("consent_status", "notice"))
_DELETION_TEXTS = _compile(())


class EventTexts:
    """The texts of the events of one export, as they are checked: ``hash(event)`` gives the
    event's recomputed hash (None if it takes the general way) and keeps its whole text for
    ``signed_text``."""

    def __init__(self):
        # id(event) -> (the event, its canonical JSON): the event is kept, so that its id
        # cannot be taken by another object while the texts are in use
        self.whole: dict[int, tuple[Any, str]] = {}

    def hash(self, event: Any) -> str | None:
        try:
            texts = (_CONSENT_TEXTS if event["kind"] == "consent" else _DELETION_TEXTS)(event)
        except (KeyError, TypeError):  # not a dict, or a field missing
            return None
        if texts is None:
            return None
        self.whole[id(event)] = event, texts[1]
        return hashlib.sha256(texts[0].encode("utf-8", "surrogatepass")).hexdigest()


def signed_text(document: Mapping[str, Any], events: EventTexts) -> str | None:
    """The canonical JSON of ``document`` without its "signature" member, with the texts of
    its events taken from ``events``; None when the document is not shaped like an export."""
    try:
        return _object(document, {"records": _records}, skip="signature", known=events.whole)
    except (TypeError, AttributeError):  # a key that is not text, or the like
        return None


def _object(value: Mapping[str, Any], special: dict, known: dict[int, tuple[Any, str]],
            skip: str | None = None) -> str:
    parts = []
    for key in sorted(name for name in value if name != skip):
        member = value[key]
        text = special[key](member, known) if key in special else _SORTED(member)
        parts.append(f"{encode_basestring(key)}:{text}")
    return "{" + ",".join(parts) + "}"


def _records(records: Any, known: dict[int, tuple[Any, str]]) -> str:
    if records.__class__ is not list:
        return _SORTED(records)
    return "[" + ",".join(_object(record, {"events": _events}, known)
                          if record.__class__ is dict else _SORTED(record)
                          for record in records) + "]"


def _events(events: Any, known: dict[int, tuple[Any, str]]) -> str:
    if events.__class__ is not list:
        return _SORTED(events)
    return "[" + ",".join(_event(event, known) for event in events) + "]"


def _event(event: Any, known: dict[int, tuple[Any, str]]) -> str:
    found = known.get(id(event))
    return found[1] if found is not None and found[0] is event else _SORTED(event)
