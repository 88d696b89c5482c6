"""Pseudonymous codes for participants and facilitators ("P07", "F2", "S1-P07").

A code must not identify anyone, so what looks like a name or an e-mail address is refused
with one sentence saying what to use instead.
"""

from __future__ import annotations

import re

MAX_LENGTH = 16
ALLOWED = re.compile(r"[A-Za-z0-9_-]+")
LETTER_RUN = re.compile(r"[A-Za-z]{4,}")  # four letters in a row start to spell a name


class StudyProblem(ValueError):
    """Bad study input (a code, a protocol file); ``str()`` is one plain sentence."""


def check_code(code: str, what: str = "participant code") -> str:
    """``code`` itself if it is pseudonymous, else ``StudyProblem`` saying why."""
    code = (code or "").strip()
    example = "P07" if what.startswith("participant") else "F2"
    advice = f"use a pseudonymous code such as {example}"
    if not code:
        raise StudyProblem(f"The {what} is empty; {advice}.")
    if "@" in code:
        raise StudyProblem(f"The {what} {code!r} looks like an e-mail address; {advice}, "
                           "never anything that identifies a person.")
    if not re.fullmatch(r"[A-Za-z0-9_. '-]+", code):
        raise StudyProblem(f"The {what} {code!r} is not a code; {advice}: up to {MAX_LENGTH} "
                           "letters, digits, '-' or '_'.")
    if " " in code or "." in code or "'" in code or LETTER_RUN.search(code) or not re.search(r"\d", code):
        raise StudyProblem(f"The {what} {code!r} looks like a name; {advice}: a few letters "
                           "and a number, never anything that identifies a person.")
    if len(code) > MAX_LENGTH or not ALLOWED.fullmatch(code):
        raise StudyProblem(f"The {what} {code!r} is not a code; {advice}: up to {MAX_LENGTH} "
                           "letters, digits, '-' or '_'.")
    return code
