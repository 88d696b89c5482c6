"""``accessshare export consent|photos``: the steward's exports."""

from __future__ import annotations

import argparse

from accessshare.cli.common import add_command, error, say
from accessshare.cli.consent import FORM_HELP, chosen_form, opened_store, reported
from accessshare.config import AppPaths


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(subparsers, "export", help="export the consent log or consented photos")
    kinds = parser.add_subparsers(dest="export_command", metavar="WHAT", required=True)

    log = add_command(kinds, "consent", help="the consent and deletion log, as JSON or CSV",
                      description="Export the whole consent and deletion log. JSON follows "
                      "ISO/IEC TS 27560 as mapped by W3C DPV (dpv-27560): one record per "
                      "contributor with every event, its hash and the hash before it; check it "
                      "with 'accessshare log verify FILE'. CSV has one row per event.")
    log.add_argument("--format", choices=("json", "csv"), default="json")
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
    from accessshare.consent.export import (ExportProblem, export_consent_csv,
                                            export_consent_json)

    form = chosen_form(args)
    with opened_store(paths.ensure()) as store:
        try:
            if args.format == "json":
                count = export_consent_json(store, args.output, form)
            else:
                count = export_consent_csv(store, args.output)
        except ExportProblem as problem:
            error(str(problem))
            return 2
        except OSError as problem:
            error(f"{args.output} cannot be written ({problem.strerror}).")
            return 2
    say(f"Exported {count} {'event' if count == 1 else 'events'} to {args.output}.")
    return 0


@reported
def run_photos(args: argparse.Namespace, paths: AppPaths) -> int:
    from accessshare.consent.export import ExportProblem, export_photos

    form = chosen_form(args)
    with opened_store(paths.ensure()) as store:
        try:
            report = export_photos(store, paths, args.purpose, args.output, form)
        except ExportProblem as problem:
            error(str(problem))
            return 2
        except OSError as problem:
            error(f"{args.output} cannot be written ({problem.strerror}).")
            return 2
    say(report.message)
    return 0
