"""``accessshare open DIR`` and the default command: the desktop app."""

from __future__ import annotations

import argparse
import sys

from accessshare.cli.common import add_command, error
from accessshare.config import AppPaths


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers, "open",
        help="open the app on a dataset folder",
        description="Open the screen-reader-first app on a folder of photos.",
    )
    parser.add_argument("folder", metavar="DIR", help="folder of photos to review")
    add_gui_options(parser)
    study = parser.add_argument_group("co-design study session")
    study.add_argument("--study", metavar="CODE", help="run a study session for this "
                       "pseudonymous participant code (like P07)")
    study.add_argument("--facilitator", metavar="CODE", help="the facilitator's code (like F2)")
    study.add_argument("--protocol", metavar="FILE", help="the study's tasks (Markdown: a title "
                       "and numbered tasks)")
    study.add_argument("--record-speech", action="store_true", help="also record what the app "
                       "says (the participant is told, and must agree)")
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
    if args.study is None and (args.facilitator or args.protocol or args.record_speech):
        error("--facilitator, --protocol and --record-speech belong to a study session; "
              "add --study CODE.")
        return 2
    if args.study is not None:
        try:
            args.study_options = study_options(args)
        except ValueError as problem:
            error(str(problem))
            return 2
    return _start_gui(paths, args.folder, args)


def study_options(args: argparse.Namespace) -> dict:
    """The checked study options, before any window opens (a bad code is one sentence)."""
    from accessshare.study import check_code, load_protocol

    return {"participant": check_code(args.study),
            "facilitator": check_code(args.facilitator, facilitator=True)
            if args.facilitator else None,
            "protocol": load_protocol(args.protocol) if args.protocol else None,
            "record_speech": args.record_speech}


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
                   caption_model=getattr(args, "caption_model", None),
                   study=getattr(args, "study_options", None))
