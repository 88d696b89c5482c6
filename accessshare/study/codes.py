"""Pseudonymous codes for participants and facilitators ("P07", "F2", "S1-P07").

A code must not identify anyone, so what looks like a name or an e-mail address is refused
with one sentence saying what to use instead.
"""

from __future__ import annotations

import re

from accessshare.sentences import en

MAX_LENGTH = 16
ALLOWED = re.compile(r"[A-Za-z0-9_-]+")
LETTER_RUN = re.compile(r"[A-Za-z]{4,}")  # four letters in a row start to spell a name


class StudyProblem(ValueError):
    """Bad study input (a code, a protocol file); ``str()`` is one plain sentence."""


def check_code(code: str, facilitator: bool = False) -> str:
    """``code`` itself if it is pseudonymous, else ``StudyProblem`` saying why (the words are
    ``sentences.en``'s; ``facilitator``: a facilitator's code, not a participant's)."""
    code = (code or "").strip()
    if not code:
        raise StudyProblem(en.study_code_empty(facilitator))
    if "@" in code:
        raise StudyProblem(en.study_code_like_an_email(code, facilitator))
    if not re.fullmatch(r"[A-Za-z0-9_. '-]+", code):
        raise StudyProblem(en.study_code_not_a_code(code, MAX_LENGTH, facilitator))
    if " " in code or "." in code or "'" in code or LETTER_RUN.search(code) or not re.search(r"\d", code):
        raise StudyProblem(en.study_code_like_a_name(code, facilitator))
    if len(code) > MAX_LENGTH or not ALLOWED.fullmatch(code):
        raise StudyProblem(en.study_code_not_a_code(code, MAX_LENGTH, facilitator))
    return code
