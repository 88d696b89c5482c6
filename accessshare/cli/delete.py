"""``accessshare delete PATH... --reason TEXT --yes``: delete photos for good, and check."""

from __future__ import annotations

import argparse

from accessshare.cli.common import add_command, error, say
from accessshare.cli.consent import opened_store, reported
from accessshare.config import AppPaths


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(subparsers, "delete", help="delete photos and every copy the app made",
                         description="Delete photo files for good (no trash), with their "
                         "thumbnails, cached descriptions, recognised text and every copy the "
                         "app exported. A record keeps the content hash, time and reason only. "
                         "Then check that no copy remains.")
    parser.add_argument("paths", metavar="PATH", nargs="+", help="photo files to delete")
    parser.add_argument("--reason", metavar="TEXT", required=True,
                        help="why the photo is deleted (kept in the deletion record)")
    parser.add_argument("--yes", action="store_true",
                        help="confirm: deletion is permanent and cannot be undone")
    parser.set_defaults(handler=run)


@reported
def run(args: argparse.Namespace, paths: AppPaths) -> int:
    from accessshare.consent.deletion import DeletionProblem, delete_photo, known_dataset_roots

    if not args.yes:
        count = len(args.paths)
        error(f"Nothing was deleted. Deleting {count} {'photo' if count == 1 else 'photos'} "
              "is permanent and cannot be undone; add --yes to confirm.")
        return 2
    refused = remains = False
    with opened_store(paths.ensure()) as store:
        roots = known_dataset_roots(store)
        for path in args.paths:
            try:
                report = delete_photo(store, paths, path, args.reason, roots=roots)
            except DeletionProblem as problem:
                error(str(problem))
                refused = True
                continue
            say(report.message)
            remains = remains or not report.ok
    return 2 if refused else 1 if remains else 0
