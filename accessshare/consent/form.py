"""The consent form: Markdown with a small front matter, parsed and validated.

Format (``assets/consent/default.md`` is the reference)::

    ---
    title: Sharing your photos
    version: 1.0
    ---
    ## A section title
    Plain text, read aloud as one part of the consent walk.

    ## Purpose: Training AI models {#train_ai}
    What this purpose means (the section text is the purpose's explanation).

    ### Question: Who will see your photos?
    - First choice.
    - Second choice.
    Answer: 2
    Explanation: Said after a wrong answer (and after a right one).

A form with mistakes is refused with ``FormError``; every error names ``file:line``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from accessshare.library.files import FileTooLarge, NotRegularFile, read_regular
from accessshare.paths import asset

PURPOSE_HEADING = re.compile(r"^Purpose:\s*(?P<name>.*?)\s*\{#(?P<id>[^}]*)\}\s*$")
PURPOSE_ID = re.compile(r"[a-z][a-z0-9_]{0,63}")
EVERY_PURPOSE = "all"  # "--purpose all" means every purpose of the form, so no purpose is "all"
MAX_FORM_BYTES = 4 << 20  # a form is a few pages of Markdown
KEY_VALUE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:\s*(?P<value>.*)$")


def default_form_path() -> Path:
    return asset("consent", "default.md")


@dataclass(frozen=True)
class Purpose:
    id: str
    name: str  # plain-language name, e.g. "Training AI models"
    explanation: str
    line: int = 0

    @property
    def words(self) -> str:
        """The name as it reads inside a sentence: "Training AI models" -> "training AI models"."""
        first, _, rest = self.name.partition(" ")
        if len(first) > 1 and first[1:2].isupper():
            return self.name  # an acronym such as "AI" keeps its capitals
        return self.name[:1].lower() + self.name[1:]


@dataclass(frozen=True)
class Question:
    text: str
    choices: tuple[str, ...]
    answer: int  # 0-based index of the correct choice
    explanation: str
    line: int = 0


@dataclass(frozen=True)
class Section:
    title: str
    text: str
    questions: tuple[Question, ...] = ()
    purpose_id: str | None = None
    line: int = 0


@dataclass(frozen=True)
class ConsentForm:
    path: Path
    title: str
    version: str
    sha256: str  # of the file's bytes, stored with every decision
    purposes: tuple[Purpose, ...]
    sections: tuple[Section, ...]

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for section in self.sections for q in section.questions)

    def purpose(self, purpose_id: str) -> Purpose:
        for purpose in self.purposes:
            if purpose.id == purpose_id:
                return purpose
        known = ", ".join(p.id for p in self.purposes)
        raise KeyError(f"The consent form has no purpose {purpose_id!r}; it has {known}.")

    @property
    def purpose_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.purposes)


class FormError(ValueError):
    """A consent form with mistakes; ``errors`` are "file:line: what is wrong" sentences."""

    def __init__(self, path: Path, errors: list[tuple[int, str]]):
        self.path = Path(path)
        self.errors = [f"{self.path.name}:{line}: {message}" for line, message in errors]
        count = len(self.errors)
        heading = (f"The consent form {self.path.name} has {count} "
                   f"{'mistake' if count == 1 else 'mistakes'} and was not used:")
        super().__init__("\n".join([heading, *self.errors]))


def load_form(path: str | Path | None = None) -> ConsentForm:
    """Read and validate a consent form; the default is the bundled one."""
    path = Path(path) if path is not None else default_form_path()
    try:
        data = read_regular(path, MAX_FORM_BYTES)
    except (NotRegularFile, FileTooLarge):
        raise FormError(path, [(0, "is not a consent form: it is not a regular file, or it is "
                                   "larger than any form")]) from None
    except OSError as problem:
        reason = problem.strerror or "it cannot be read"
        raise FormError(path, [(0, f"cannot be read ({reason.lower()})")]) from None
    return form_from_bytes(data, path)


def form_from_bytes(data: bytes, path: str | Path = "form.md") -> ConsentForm:
    """Parse a form's bytes (as kept in an export); ``path`` names it in errors."""
    path = Path(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        line = data[:problem.start].count(b"\n") + 1
        raise FormError(path, [(line, "is not UTF-8 text")]) from None
    return _Parser(path, text, hashlib.sha256(data).hexdigest()).parse()


@dataclass
class _Draft:
    """A section or question while it is being read, before it is checked."""

    title: str
    line: int
    text: list[str] = field(default_factory=list)
    questions: list["_QuestionDraft"] = field(default_factory=list)
    purpose_id: str | None = None


@dataclass
class _QuestionDraft:
    text: str
    line: int
    choices: list[tuple[int, str]] = field(default_factory=list)
    answer: tuple[int, str] | None = None
    explanation: list[str] = field(default_factory=list)
    in_explanation: bool = False


class _Parser:
    def __init__(self, path: Path, text: str, sha256: str):
        self.path, self.sha256 = path, sha256
        self.lines = text.splitlines()
        self.errors: list[tuple[int, str]] = []
        self.meta: dict[str, tuple[int, str]] = {}
        self.sections: list[_Draft] = []
        self.title: str | None = None

    def parse(self) -> ConsentForm:
        body_start = self._front_matter()
        for number, raw in enumerate(self.lines[body_start:], start=body_start + 1):
            self._line(number, raw.rstrip())
        form = self._build()
        if self.errors:
            raise FormError(self.path, sorted(self.errors))
        return form

    def _front_matter(self) -> int:
        if not self.lines or self.lines[0].strip() != "---":
            self.errors.append((1, "missing front matter: start the file with '---', then "
                                   "'version: ...' and a closing '---'"))
            return 0
        for index in range(1, len(self.lines)):
            line = self.lines[index].strip()
            if line == "---":
                return index + 1
            if not line or line.startswith("#"):
                continue
            match = KEY_VALUE.match(line)
            if match is None:
                self.errors.append((index + 1, f"front matter line {line!r} is not 'key: value'"))
            else:
                self.meta[match["key"].lower()] = (index + 1, match["value"].strip())
        self.errors.append((1, "the front matter is never closed with '---'"))
        return len(self.lines)

    def _line(self, number: int, line: str) -> None:
        if line.startswith("## ") or line == "##":
            self._start_section(number, line[2:].strip())
        elif line.startswith("# "):
            if self.sections:
                self.errors.append((number, "a '# ' title may only come before the first section"))
            self.title = line[2:].strip()
        elif line.startswith("### Question:"):
            self._start_question(number, line[len("### Question:"):].strip())
        elif self._current_question() is not None:
            self._question_line(number, line)
        elif line.strip():
            if not self.sections:
                self.errors.append((number, "text before the first '## ' section heading"))
            else:
                self.sections[-1].text.append(line.strip())
        elif self.sections and self.sections[-1].text and self.sections[-1].text[-1]:
            self.sections[-1].text.append("")  # a paragraph break

    def _start_section(self, number: int, heading: str) -> None:
        if not heading:
            self.errors.append((number, "a section heading has no title"))
        purpose_id = None
        if heading.startswith("Purpose:"):
            match = PURPOSE_HEADING.match(heading)
            if match is None:
                self.errors.append((number, "a purpose heading needs an id, like "
                                            "'## Purpose: Research {#research}'"))
                heading = heading[len("Purpose:"):].strip()
            else:
                heading, purpose_id = match["name"], match["id"]
                if not match["name"]:
                    self.errors.append((number, f"purpose {purpose_id!r} has no name"))
                if not PURPOSE_ID.fullmatch(purpose_id):
                    self.errors.append((number, f"purpose id {purpose_id!r} must be lowercase "
                                                "letters, digits and '_', starting with a letter"))
                elif purpose_id == EVERY_PURPOSE:
                    self.errors.append((number, f"purpose id {purpose_id!r} is kept for every "
                                                "purpose at once; choose another id"))
        self.sections.append(_Draft(heading, number, purpose_id=purpose_id))

    def _start_question(self, number: int, text: str) -> None:
        if not self.sections:
            self.errors.append((number, "a question comes before the first section"))
            self.sections.append(_Draft("", number))
        if not text:
            self.errors.append((number, "a question has no text after 'Question:'"))
        self.sections[-1].questions.append(_QuestionDraft(text, number))

    def _current_question(self) -> _QuestionDraft | None:
        if self.sections and self.sections[-1].questions:
            return self.sections[-1].questions[-1]
        return None

    def _question_line(self, number: int, line: str) -> None:
        question = self._current_question()
        stripped = line.strip()
        if not stripped:
            question.in_explanation = False
        elif stripped.startswith(("- ", "* ")):
            question.choices.append((number, stripped[2:].strip()))
        elif stripped.lower().startswith("answer:"):
            if question.answer is not None:
                self.errors.append((number, f"question {question.text!r} has a second answer"))
            question.answer = (number, stripped.split(":", 1)[1].strip())
        elif stripped.lower().startswith("explanation:"):
            question.explanation.append(stripped.split(":", 1)[1].strip())
            question.in_explanation = True
        elif question.in_explanation:
            question.explanation.append(stripped)
        else:
            self.errors.append((number, "text after a question must be a choice ('- ...'), "
                                        "'Answer:' or 'Explanation:'; start a new '## ' section "
                                        "for more text"))

    def _build(self) -> ConsentForm:
        version = self.meta.get("version", (1, ""))[1]
        if not version:
            self.errors.append((self.meta.get("version", (1, ""))[0],
                                "missing version: add 'version: 1.0' to the front matter"))
        sections = [self._section(draft) for draft in self.sections]
        if not sections:
            self.errors.append((len(self.lines) or 1, "the form has no '## ' sections"))
        purposes = self._purposes(sections)
        title = self.meta.get("title", (0, ""))[1] or self.title or "Consent form"
        return ConsentForm(self.path, title, version, self.sha256, tuple(purposes), tuple(sections))

    def _section(self, draft: _Draft) -> Section:
        text = "\n".join(draft.text).strip()
        if not text:
            self.errors.append((draft.line, f"section {draft.title!r} is empty: it needs text "
                                            "to read before any question"))
        questions = tuple(self._question(q) for q in draft.questions)
        return Section(draft.title, text, questions, draft.purpose_id, draft.line)

    def _question(self, draft: _QuestionDraft) -> Question:
        where = f"question {draft.text!r}"
        choices = [text for _line, text in draft.choices]
        if len(choices) < 2:
            self.errors.append((draft.line, f"{where} needs at least two choices ('- ...')"))
        for (line, text), earlier in ((c, choices[:i]) for i, c in enumerate(draft.choices)):
            if text in earlier:
                self.errors.append((line, f"{where} lists the choice {text!r} twice"))
        answer = -1
        if draft.answer is None:
            self.errors.append((draft.line, f"{where} has no correct answer: add 'Answer: N' "
                                            "with the number of the right choice"))
        else:
            answer = self._answer_index(draft, choices)
        if not " ".join(draft.explanation).strip():
            self.errors.append((draft.line, f"{where} has no 'Explanation:' for a wrong answer"))
        return Question(draft.text, tuple(choices), answer, " ".join(draft.explanation).strip(),
                        draft.line)

    def _answer_index(self, draft: _QuestionDraft, choices: list[str]) -> int:
        line, given = draft.answer
        if given.isdigit() and 1 <= int(given) <= len(choices):
            return int(given) - 1
        if given in choices:
            return choices.index(given)
        self.errors.append((line, f"answer {given!r} of question {draft.text!r} is not among "
                                  f"its {len(choices)} choices (give a number from 1 to "
                                  f"{len(choices)})"))
        return -1

    def _purposes(self, sections: list[Section]) -> list[Purpose]:
        purposes: list[Purpose] = []
        seen: dict[str, int] = {}
        for section in sections:
            if section.purpose_id is None:
                continue
            if section.purpose_id in seen:
                self.errors.append((section.line, f"duplicate purpose id {section.purpose_id!r} "
                                                  f"(first at line {seen[section.purpose_id]})"))
                continue
            seen[section.purpose_id] = section.line
            purposes.append(Purpose(section.purpose_id, section.title, section.text, section.line))
        if sections and not purposes:
            self.errors.append((1, "the form names no purposes: add sections like "
                                   "'## Purpose: Research {#research}'"))
        return purposes
