"""Conditions on a decision to share: "with faces, text or location removed".

A decision to share can carry a condition: what must be removed from the photo before it
leaves (describe.redaction makes and checks that copy). The condition is stored in the consent
event's ``detail`` as ``"redact": [sorted kinds]`` (kinds "faces", "text", "location"), so it
is hashed into the chain, exported with the log and checked by ``log verify``. A steward's
tools read the same key.

Pure Python: the command line reads a condition without loading any model. The kinds and their
parsing live in ``library.removal``, below both consent and describe.redaction.
"""

from __future__ import annotations

from typing import Any

from accessshare.library.removal import KINDS, parse_kinds
from accessshare.sentences.en import condition_words
from accessshare.vocabulary import ConsentStatus

__all__ = ["KINDS", "condition_words", "parse_kinds", "redaction_of"]


def redaction_of(detail: dict[str, Any], state: str) -> tuple[str, ...]:
    """The kinds a decision to share is conditioned on removing, from its detail. A condition
    only means something on a decision to share; one naming a kind this version does not know
    removes every kind it does (more removed, never less)."""
    kinds = detail.get("redact")
    if state != ConsentStatus.GIVEN or not isinstance(kinds, list) or not kinds:
        return ()
    if not all(kind in KINDS for kind in kinds):
        return tuple(sorted(KINDS))
    return tuple(sorted(set(kinds)))
