"""What can be removed from a photo before it is shared: faces, text, location (with the camera
details). Below consent (a condition on a decision) and describe.redaction (the copy that
removes them), so both name the kinds the same way."""

from __future__ import annotations

from collections.abc import Iterable

from accessshare.sentences import en

KINDS = ("faces", "text", "location")


def parse_kinds(text: str | Iterable[str]) -> frozenset[str]:
    """"faces,text" or "all" (or an iterable of kinds) -> the kinds; ValueError in one sentence."""
    words = [w.strip().lower() for w in (text.split(",") if isinstance(text, str) else text)]
    words = [w for w in words if w]
    if words == ["all"]:
        return frozenset(KINDS)
    unknown = [w for w in words if w not in KINDS]
    if unknown:
        raise ValueError(en.cannot_remove(unknown[0]))
    if not words:
        raise ValueError(en.SAY_WHAT_TO_REMOVE)
    return frozenset(words)
