"""``accessshare export consent|photos``: the steward's exports."""

from __future__ import annotations

import argparse

from accessshare.cli.common import (FORM_HELP, add_command, chosen_form, error, opened_store,
                                    reported, say)
from accessshare.config import AppPaths
from accessshare.vocabulary import ExportKind


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(subparsers, "export", help="export the consent log or consented photos")
    kinds = parser.add_subparsers(dest="export_command", metavar="WHAT", required=True)

    log = add_command(kinds, "consent", help="the consent and deletion log, as JSON or CSV",
                      description="Export the whole consent and deletion log. JSON follows "
                      "ISO/IEC TS 27560 as mapped by W3C DPV (dpv-27560): one record per "
                      "contributor with every event, its hash and the hash before it; check it "
                      "with 'accessshare log verify FILE'. CSV has one row per event.")
    log.add_argument("--format", choices=(ExportKind.JSON, ExportKind.CSV), default=ExportKind.JSON)
    log.add_argument("-o", "--output", metavar="FILE", required=True)
    log.add_argument("--consent-form", metavar="FILE", help=FORM_HELP)
    log.set_defaults(handler=run_consent)

    photos = add_command(kinds, "photos", help="copy the photos shared for one purpose",
                         description="Copy only the photos whose consent for PURPOSE is given "
                         "(not refused, withdrawn or undecided) into DIR, with manifest.csv "
                         "(file, content hash, label, purpose, consent event hash). Deleting "
                         "a photo later also deletes these copies.")
    photos.add_argument("--purpose", required=True, metavar="P")
    photos.add_argument("-o", "--output", metavar="DIR", required=True)
    photos.add_argument("--consent-form", metavar="FILE", help=FORM_HELP)
    photos.set_defaults(handler=run_photos)


@reported
def run_consent(args: argparse.Namespace, paths: AppPaths) -> int:
    return _export(args, paths, ExportKind(args.format))


@reported
def run_photos(args: argparse.Namespace, paths: AppPaths) -> int:
    return _export(args, paths, ExportKind.PHOTOS, args.purpose)


def _export(args: argparse.Namespace, paths: AppPaths, kind: ExportKind,
            purpose: str | None = None) -> int:
    """One export through the application layer, said as the window says it."""
    from pathlib import Path

    from accessshare.app.exports import Exports

    form = chosen_form(args)
    with opened_store(paths.ensure()) as store:
        outcome = Exports(store, paths, form).outcome(kind, Path(args.output), purpose)
    if not outcome.ok:
        error(outcome.sentence)
        return 2
    say(outcome.sentence)
    return 0
