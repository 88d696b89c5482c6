"""Conditions on a decision to share: "with faces, text or location removed".

A decision to share can carry a condition: what must be removed from the photo before it
leaves (describe.redaction makes and checks that copy). The condition is stored in the consent
event's ``detail`` as ``"redact": [sorted kinds]`` (kinds "faces", "text", "location"), so it
is hashed into the chain, exported with the log and checked by ``log verify``. A steward's
tools read the same key.

Pure Python: the command line reads a condition without loading any model.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

KINDS = ("faces", "text", "location")


def parse_kinds(text: str | Iterable[str]) -> frozenset[str]:
    """"faces,text" or "all" (or an iterable of kinds) -> the kinds; ValueError in one sentence."""
    words = [w.strip().lower() for w in (text.split(",") if isinstance(text, str) else text)]
    words = [w for w in words if w]
    if words == ["all"]:
        return frozenset(KINDS)
    unknown = [w for w in words if w not in KINDS]
    if unknown or not words:
        choices = ", ".join(KINDS) + " or all"
        if not unknown:
            raise ValueError(f"Say what to remove: {choices}.")
        raise ValueError(f"'{unknown[0]}' is not something that can be removed; choose {choices}.")
    return frozenset(words)


def redaction_of(detail: dict[str, Any], state: str) -> tuple[str, ...]:
    """The kinds a decision to share is conditioned on removing, from its detail. A condition
    only means something on a decision to share; one naming a kind this version does not know
    removes every kind it does (more removed, never less)."""
    kinds = detail.get("redact")
    if state != "given" or not isinstance(kinds, list) or not kinds:
        return ()
    if not all(kind in KINDS for kind in kinds):
        return tuple(sorted(KINDS))
    return tuple(sorted(set(kinds)))


def condition_words(kinds: Iterable[str]) -> str:
    """"faces and text removed", "faces, text, location and camera details removed"."""
    kinds = set(kinds)
    words = [kind for kind in ("faces", "text") if kind in kinds]
    words += ["location", "camera details"] if "location" in kinds else []
    if len(words) <= 1:
        return "".join(words) + " removed"
    return f"{', '.join(words[:-1])} and {words[-1]} removed"
