"""``accessshare delete PATH... --reason TEXT --yes``: delete photos for good, and check."""

from __future__ import annotations

import argparse

from accessshare.cli.common import add_command, error, opened_store, reported, say
from accessshare.config import AppPaths
from accessshare.sentences import en


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
    from accessshare.app.consent import delete_paths

    if not args.yes:
        error(en.delete_needs_yes(len(args.paths)))
        return 2
    with opened_store(paths.ensure()) as store:
        outcomes = delete_paths(store, paths, args.paths, args.reason)
    for outcome in outcomes:
        (say if outcome.changes.removed else error)(outcome.sentence)
    refused = any(not o.changes.removed for o in outcomes)
    remains = any(not o.ok or o.log_damaged for o in outcomes if o.changes.removed)
    return 2 if refused else 1 if remains else 0
