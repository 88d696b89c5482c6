"""The consent walk: the form, one part at a time, as a Qt-free state machine.

The GUI drives it by keyboard: it shows ``page()``, calls ``forward()`` / ``back()`` on
section pages and ``answer(choice)`` on questions. A wrong answer keeps the walk on the
question and gives the form's explanation; a right one moves on. ``complete()`` records that
the walk was finished (pseudonymous: the contributor's pseudonym, the form's version and
hash, and how many answers were wrong; never a name).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from accessshare.consent.form import ConsentForm, Question, Section
from accessshare.records import RecordStore
from accessshare.records.models import StudyEvent, StudySession

WALK_EVENT = "consent_walk_finished"


@dataclass(frozen=True)
class WalkStep:
    """One page of the walk, as the GUI shows it."""

    number: int  # 1-based
    total: int
    title: str  # the section title, or the question itself
    text: str  # the section text; empty for a question
    choices: tuple[str, ...] = ()  # non-empty for a question
    chosen: int | None = None  # the answer given earlier to this question, if any

    @property
    def is_question(self) -> bool:
        return bool(self.choices)

    @property
    def is_last(self) -> bool:
        return self.number == self.total


class ConsentWalk:
    def __init__(self, form: ConsentForm, store: RecordStore | None = None):
        self.form = form
        self.store = store
        self._parts: list[Section | Question] = []
        for section in form.sections:
            self._parts.append(section)
            self._parts.extend(section.questions)
        self.position = 0
        self._answered_right: set[int] = set()
        self._chosen: dict[int, int] = {}
        self.wrong_answers = 0

    # What is on screen ------------------------------------------------------------------

    @property
    def total(self) -> int:
        return len(self._parts)

    def page(self) -> WalkStep:
        part = self._parts[self.position]
        number = self.position + 1
        if isinstance(part, Question):
            return WalkStep(number, self.total, part.text, "", part.choices,
                            self._chosen.get(self.position))
        return WalkStep(number, self.total, part.title, part.text)

    def current_section(self) -> Section:
        for part in reversed(self._parts[:self.position + 1]):
            if isinstance(part, Section):
                return part
        raise LookupError("The walk has no section.")  # a validated form always starts with one

    def spoken(self) -> str:
        """What to read aloud for the current page."""
        step = self.page()
        if step.is_question:
            return f"Question. {as_sentence(step.title)} {numbered_choices(step.choices)}"
        return f"{as_sentence(step.title)} {step.text}"

    # Moving -----------------------------------------------------------------------------

    def can_go_back(self) -> bool:
        return self.position > 0

    def back(self) -> None:
        if self.position > 0:
            self.position -= 1

    def forward(self) -> None:
        """Leave a section page. A question is left only by answering it rightly."""
        if self.page().is_question and self.position not in self._answered_right:
            raise ValueError("Answer the question before going on.")
        if self.position < self.total - 1:
            self.position += 1

    def answer(self, choice: int) -> tuple[bool, str]:
        """Check an answer to the current question: (correct, explanation); moves on if right."""
        part = self._parts[self.position]
        if not isinstance(part, Question):
            raise ValueError("This part of the form is not a question.")
        if not 0 <= choice < len(part.choices):
            raise ValueError(f"Choose an answer from 1 to {len(part.choices)}.")
        self._chosen[self.position] = choice
        if choice != part.answer:
            self.wrong_answers += 1
            return False, part.explanation
        self._answered_right.add(self.position)
        if self.position < self.total - 1:
            self.position += 1
        return True, part.explanation

    check_answer = answer

    def is_finished(self) -> bool:
        """True when every question was answered rightly and the last part is reached."""
        questions = {i for i, part in enumerate(self._parts) if isinstance(part, Question)}
        return questions <= self._answered_right and self.position == self.total - 1

    @property
    def finished(self) -> bool:
        return self.is_finished()

    # Completion -------------------------------------------------------------------------

    def complete(self) -> str:
        """Record that the walk was finished; returns the sentence to say."""
        if not self.is_finished():
            return "The consent walk is not finished yet: answer every question first."
        if self.store is not None:
            record_walk_completed(self.store, self.form, self.wrong_answers)
        return ("Thank you. You have finished learning about consent. "
                "Now you can decide for each photo.")


def as_sentence(text: str) -> str:
    """``text`` ending in a full stop, unless it already ends a sentence ("Nothing else.." is
    read as a pause too long)."""
    text = text.strip()
    return text if not text or text[-1] in ".?!:" else text + "."


def numbered_choices(choices: tuple[str, ...]) -> str:
    """ "1: Nothing else. 2: Where and when it was taken." as a screen reader should say them."""
    return " ".join(f"{n}: {as_sentence(choice)}" for n, choice in enumerate(choices, 1))


def record_walk_completed(store: RecordStore, form: ConsentForm, wrong_answers: int = 0) -> None:
    """A pseudonymous record: contributor pseudonym, form version and hash, wrong-answer count."""
    session_id = store.start_study_session(store.contributor())
    store.record_study_event(session_id, WALK_EVENT, {
        "form_version": form.version[:80], "form_hash": form.sha256,
        "questions": len(form.questions), "wrong_answers": wrong_answers})
    store.end_study_session(session_id)


def walk_completed(store: RecordStore, form: ConsentForm) -> bool:
    """Has this data directory's contributor finished the walk for this exact form?"""
    contributor = store.contributor()
    query = (select(StudyEvent.detail).join(StudySession, StudyEvent.session_id == StudySession.id)
             .where(StudyEvent.kind == WALK_EVENT, StudySession.participant == contributor))
    with store.session() as session:
        return any((detail or {}).get("form_hash") == form.sha256
                   for detail in session.scalars(query))
