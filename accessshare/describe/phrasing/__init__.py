"""Turning findings into spoken sentences. Every word of a language lives in its own module
(``en`` for English); a new language is a new module with the same ``phrase`` function.

``findings`` is a plain dict (it is stored in the description cache), with these keys:
caption (str | None), objects [{label, confidence, box}], things [{word, kind, confidence, coco,
imagenet}] (the classifier's likeliest words), kinds {kind: probability}, small_round (0..1,
the classifier's small round classes together), round {count, radius, boxes, colour,
engraved, background} | None (several round objects found by their outlines), texture
(bool, one even texture fills the frame), sky (0..1, share of
the top third that looks like sky), green (0..1, share that is leaf green), faces [{confidence, box}],
text [{text, confidence}], pii [kind], screens [{kind, confidence, box}], nudity (bool),
quality {blur, dark, bright, low_contrast, cropped_edges, small, subject, duplicate},
metadata {taken, location, device, identifiers}, label {label, wanted, agrees, seen} | None,
privacy [flag], quality_flags [flag].
"""

from __future__ import annotations

import importlib

VERBOSITIES = ("brief", "detailed")
MAX_SENTENCE_WORDS = 25
PHRASING_VERSION = "6"  # bump when wording changes, so cached sentences are re-phrased
DEFAULT_LANGUAGE = "en"

# Confidence bands shared by every language: at or above STATED a finding is said plainly,
# from HEDGED it is said with "may", below HEDGED it is only in the detailed list, marked unsure.
STATED = 0.6
HEDGED = 0.35


def phrase(findings: dict, verbosity: str = "brief", language: str = DEFAULT_LANGUAGE
           ) -> tuple[str, list[str]]:
    """(sentence of at most 25 words, one detail per sentence) in ``language``."""
    if verbosity not in VERBOSITIES:
        raise ValueError(f"verbosity must be one of {', '.join(VERBOSITIES)}, not {verbosity!r}")
    module = importlib.import_module(f"{__name__}.{language}")
    return module.phrase(findings, verbosity)


def privacy_reminder(findings: dict, language: str = DEFAULT_LANGUAGE) -> str:
    """A sentence that repeats the privacy findings as a photo is shared ("" when none)."""
    return importlib.import_module(f"{__name__}.{language}").privacy_reminder(findings)


def position(box) -> tuple[str, str | None]:
    """(horizontal third, vertical band or None): ('left'|'centre'|'right', 'top'|'bottom'|None)."""
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    horizontal = "left" if cx < 1 / 3 else "right" if cx > 2 / 3 else "centre"
    vertical = "top" if cy < 0.25 else "bottom" if cy > 0.75 else None
    return horizontal, vertical


def word_count(sentence: str) -> int:
    return len(sentence.split())
