"""A study protocol: a Markdown file with a title and numbered tasks.

    # Reviewing photos, session 1
    1. Find a photo that shows a face and decide whether to share it.
    2. Delete a photo you would not share with anyone.

Other lines (notes for the facilitator) are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from accessshare.library.files import open_regular
from accessshare.sentences import en
from accessshare.study.codes import StudyProblem

MAX_BYTES = 256 * 1024
TASK_LINE = re.compile(r"^\s*(\d+)[.)]\s+(.+?)\s*$")
TITLE_LINE = re.compile(r"^\s*#\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class Protocol:
    title: str
    tasks: tuple[str, ...]

    def task_sentence(self, number: int) -> str:
        """"Task 2 of 3: Delete a photo …" for task ``number`` (1-based)."""
        return en.study_task(number, len(self.tasks), self.tasks[number - 1])


def parse_protocol(text: str, name: str = "The protocol") -> Protocol:
    title, tasks = "", []
    for line in text.splitlines():
        if not title and (match := TITLE_LINE.match(line)):
            title = match.group(1)
        elif match := TASK_LINE.match(line):
            tasks.append(match.group(2))
    if not tasks:
        raise StudyProblem(f"{name} has no numbered tasks; write each task on a line such as "
                           "'1. Find a photo that shows a face'.")
    return Protocol(title or "Study tasks", tuple(tasks))


def load_protocol(path: str | Path) -> Protocol:
    path = Path(path)
    try:
        with open_regular(path) as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise StudyProblem(f"The protocol file {path.name} cannot be read: "
                           f"{error.strerror or error}.") from None
    if len(data) > MAX_BYTES:
        raise StudyProblem(f"The protocol file {path.name} is too large for a list of tasks.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise StudyProblem(f"The protocol file {path.name} is not UTF-8 text.") from None
    return parse_protocol(text, f"The protocol file {path.name}")
