"""Helpers shared by the command modules."""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any


def _global_options() -> argparse.ArgumentParser:
    # SUPPRESS keeps a value given before the command from being reset by the subparser.
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS,
                        help="folder for all app state (env ACCESSSHARE_DATA_DIR)")
    parent.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                        help="SQLAlchemy URL of the records database (env ACCESSSHARE_DB_URL)")
    return parent


GLOBAL_OPTIONS = _global_options()


def add_command(subparsers: argparse._SubParsersAction, name: str, *, help: str,
                description: str | None = None) -> argparse.ArgumentParser:
    """Add a subcommand that also accepts the global options after its name."""
    return subparsers.add_parser(name, help=help, description=description or help,
                                 parents=[GLOBAL_OPTIONS])


def print_json_line(record: dict[str, Any]) -> None:
    """One JSON object per line, always valid UTF-8 (names that are not are escaped)."""
    text = json.dumps(record, ensure_ascii=False, default=str)
    if _NOT_UTF8.search(text):
        text = json.dumps(_shown_values(json.loads(text)), ensure_ascii=False)
    sys.stdout.write(text + "\n")


def error(message: str) -> None:
    """One line on standard error, never a raw control character (see ``shown``)."""
    lines = "\n".join(shown(line) for line in str(message).split("\n"))
    print(f"accessshare: {lines}", file=sys.stderr)


_NOT_UTF8 = re.compile("[\ud800-\udfff]")  # bytes of a file name that were not UTF-8
_CONTROL = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7f, *range(0x80, 0xa0))}
_CONTROL.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")  # what ``shown`` rewrites


def shown(text: Any) -> str:
    """Text fit for a terminal and for UTF-8 output: control characters (escape sequences,
    line breaks inside a file name) are written as \\x1b, \\n...; bytes of a file name that
    are not UTF-8 as \\xe9."""
    text = str(text)
    if not _UNSAFE.search(text):  # nearly every line: one scan, no per-character mapping
        return text
    text = text.translate(_CONTROL)
    if _NOT_UTF8.search(text):
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def say(text: str) -> None:
    """Print one line for the user (a sentence naming files), made safe by ``shown``."""
    print(shown(text))


def _shown_values(value: Any) -> Any:
    if isinstance(value, str):
        if _NOT_UTF8.search(value):
            return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        return value
    if isinstance(value, dict):
        return {k: _shown_values(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_shown_values(v) for v in value]
    return value
