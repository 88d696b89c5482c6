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
    add_gui_options(parser)
    parser.set_defaults(handler=run_open)


def add_gui_options(parser: argparse.ArgumentParser) -> None:
    """Options of the app itself, given to ``open`` and to the bare ``accessshare`` command."""
    parser.add_argument("--smoke", action="store_true",
                        help="open the dataset, wait until the first photo is described, print "
                             "what a screen reader reads for it, and exit (a headless check)")
    parser.add_argument("--consent-form", metavar="FILE",
                        help="the steward's consent form (Markdown) instead of the bundled one")
    parser.add_argument("--caption-model", metavar="DIR",
                        help="a captioning model folder (Hugging Face Optimum ONNX layout)")


def run_open(args: argparse.Namespace, paths: AppPaths) -> int:
    return _start_gui(paths, args.folder, args)


def run_default(args: argparse.Namespace, paths: AppPaths) -> int:
    return _start_gui(paths, None, args)


def _start_gui(paths: AppPaths, folder: str | None, args: argparse.Namespace) -> int:
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
    return run_app(paths, folder, smoke=getattr(args, "smoke", False),
                   consent_form=getattr(args, "consent_form", None),
                   caption_model=getattr(args, "caption_model", None))
