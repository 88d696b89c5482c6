"""The README's set-up commands are the ones CI runs, word for word."""

import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
RUN_COMMAND = "python3 -m venv .venv && . .venv/bin/activate && pip install . && accessshare"
TEST_COMMAND = (
    "python3 -m venv .venv && . .venv/bin/activate && pip install '.[test]' && python -m pytest"
)


def _code_lines(markdown: str) -> list[str]:
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", markdown, flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines()]


def test_readme_gives_the_two_setup_commands():
    lines = _code_lines((REPO_ROOT / "README.md").read_text(encoding="utf-8"))
    assert RUN_COMMAND in lines
    assert TEST_COMMAND in lines


def test_ci_runs_the_readme_test_command_verbatim():
    ci_lines = [line.strip() for line in (REPO_ROOT / ".ci" / "run").read_text().splitlines()]
    assert TEST_COMMAND in ci_lines
