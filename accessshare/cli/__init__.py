"""The ``accessshare`` command line.

Every contributor action and every steward export works here without the GUI. Each command
group lives in its own module in this package and exposes ``register(subparsers)``; a
registered parser sets ``handler`` to a function ``(args, paths) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from accessshare import __version__
from accessshare.config import resolve_paths

# Order is the order of ``accessshare --help``.
# Options that are words, not file names: kept in records and logs, which hold UTF-8 only.
TEXT_OPTIONS = ("reason", "text", "purpose", "participant", "facilitator", "study", "since",
                "voice", "redact")
COMMAND_MODULES = (
    "gui",  # open (and the default: the GUI on the sample dataset)
    "scan",
    "describe",
    "consent",
    "delete",
    "export",
    "log",
    "steward",  # import, status, allowed, changes, pin, verify
    "speech",  # speak, voices
    "study",  # list, export, summary, note, withdraw
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="accessshare",
        description=(
            "Review, describe, consent to and delete the photos you contributed to a dataset. "
            "With no command, opens the app on the bundled sample dataset."
        ),
    )
    parser.add_argument("--version", action="version", version=f"accessshare {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="folder for all app state (default: the platform's user data folder; "
        "env ACCESSSHARE_DATA_DIR)",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="SQLAlchemy URL of the records database (default: SQLite in the data folder; "
        "env ACCESSSHARE_DB_URL)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = _load_command_module(name)
        if module is not None:
            module.register(subparsers)
            if hasattr(module, "add_gui_options"):  # the bare command opens the app
                module.add_gui_options(parser)
    return parser


def _load_command_module(name: str):
    qualified = f"{__name__}.{name}"
    try:
        return importlib.import_module(qualified)
    except ModuleNotFoundError as error:
        if error.name == qualified:
            return None  # that command group is not built yet
        raise


def is_utf8(text: str) -> bool:
    # As library.files.is_utf8, written again here: importing the library package for it
    # would add about 75 ms to every command's start.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    paths = resolve_paths(args.data_dir, args.db)
    if paths.data_dir.exists() and not paths.data_dir.is_dir():
        print(f"accessshare: The data folder {paths.data_dir} is a file, not a folder; give "
              "--data-dir a folder (new or AccessShare's own).", file=sys.stderr)
        return 2
    for option in TEXT_OPTIONS:  # bytes that are not UTF-8 in a terminal's argument
        value = getattr(args, option, None)
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and not is_utf8(v) for v in values):
            print(f"accessshare: The {option} given is not valid text (UTF-8); nothing was "
                  "done. Type it again, or set the terminal to UTF-8.", file=sys.stderr)
            return 2
    handler = getattr(args, "handler", None)
    if handler is None:
        default = _load_command_module("gui")
        if default is None:
            parser.print_help()
            return 0
        handler = default.run_default
    try:
        return int(handler(args, paths) or 0)
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
