"""Helpers shared by the command modules."""

from __future__ import annotations

import argparse
import json
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
    sys.stdout.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")


def error(message: str) -> None:
    print(f"accessshare: {message}", file=sys.stderr)
