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


def parse_protocol(text: str, file_name: str | None = None) -> Protocol:
    title, tasks = "", []
    for line in text.splitlines():
        if not title and (match := TITLE_LINE.match(line)):
            title = match.group(1)
        elif match := TASK_LINE.match(line):
            tasks.append(match.group(2))
    if not tasks:
        raise StudyProblem(en.protocol_without_tasks(file_name))
    return Protocol(title or en.STUDY_TASKS_TITLE, tuple(tasks))


def load_protocol(path: str | Path) -> Protocol:
    path = Path(path)
    try:
        with open_regular(path) as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise StudyProblem(en.protocol_unreadable(path.name, error.strerror or error)) from None
    if len(data) > MAX_BYTES:
        raise StudyProblem(en.protocol_too_large(path.name))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise StudyProblem(en.protocol_not_utf8(path.name)) from None
    return parse_protocol(text, path.name)
