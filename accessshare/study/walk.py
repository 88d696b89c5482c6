"""The consent walk as a study sees it: which part was shown and whether answers were right.

``ObservedWalk(driver, recorder)`` stands in for the walk the dialog drives; it records the
part's number and the answer's correctness, never the form's words or the choice's text.
"""

from __future__ import annotations

from typing import Any


class ObservedWalk:
    def __init__(self, driver: Any, recorder: Any):
        self._driver = driver
        self._recorder = recorder
        self._shown: int | None = None

    def page(self):
        step = self._driver.page()
        if step.number != self._shown:
            self._shown = step.number
            self._recorder.record("walk_part_shown", part=step.number, parts=step.total,
                                  question=step.is_question)
        return step

    def answer(self, choice: int):
        part = self._driver.page().number
        correct, explanation = self._driver.answer(choice)
        self._recorder.record("walk_answer", part=part, correct=correct)
        return correct, explanation

    check_answer = answer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._driver, name)
