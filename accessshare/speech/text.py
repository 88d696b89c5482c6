"""Splitting long texts so that the first words can play while the rest is synthesised."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")
_CLAUSE_END = re.compile(r"(?<=,)\s+")
FIRST_CHUNK_WORDS = 12


def split_for_speech(text: str) -> list[str]:
    """Sentences, with a long first sentence cut at its first clause so speech starts sooner."""
    sentences = [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]
    if not sentences:
        return []
    first, rest = sentences[0], sentences[1:]
    if len(first.split()) > FIRST_CHUNK_WORDS:
        clauses = [c for c in _CLAUSE_END.split(first) if c]
        if len(clauses) > 1 and len(clauses[0].split()) <= FIRST_CHUNK_WORDS:
            return [clauses[0], " ".join(clauses[1:])] + rest
    return sentences
