"""``accessshare open DIR`` and the default command: the desktop app."""

from __future__ import annotations

import argparse
import sys

from accessshare.cli.common import add_command
from accessshare.config import AppPaths


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers, "open",
        help="open the app on a dataset folder",
        description="Open the screen-reader-first app on a folder of photos.",
    )
    parser.add_argument("folder", metavar="DIR", help="folder of photos to review")
    parser.set_defaults(handler=run_open)


def run_open(args: argparse.Namespace, paths: AppPaths) -> int:
    return _start_gui(paths, args.folder)


def run_default(args: argparse.Namespace, paths: AppPaths) -> int:
    return _start_gui(paths, None)


def _start_gui(paths: AppPaths, folder: str | None) -> int:
    try:
        from accessshare.ui.app import run_app
    except ModuleNotFoundError as error:
        if not (error.name or "").startswith("accessshare.ui"):
            raise
        print(
            "The desktop app is not built yet. Use 'accessshare scan DIR' to list photos.",
            file=sys.stderr,
        )
        return 2
    return run_app(paths, folder)
