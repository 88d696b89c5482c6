"""``accessshare log verify [FILE]``: check the consent and deletion chain.

Exit status: 0 intact, 1 the chain is broken (the first altered record is named), 2 the store or
file could not be checked at all.
"""

from __future__ import annotations

import argparse

from accessshare.cli.common import add_command, error, say
from accessshare.config import AppPaths


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(subparsers, "log", help="check the consent and deletion log")
    actions = parser.add_subparsers(dest="log_command", metavar="ACTION", required=True)
    verify = add_command(actions, "verify", help="recompute the hash chain and name the first "
                         "altered record", description="Recompute the hash chain of the records "
                         "store, or of an exported consent log (JSON), and name the first record "
                         "that was altered, removed or moved.")
    verify.add_argument("file", metavar="FILE", nargs="?",
                        help="an exported consent log (JSON) to check instead of the store")
    verify.set_defaults(handler=run_verify)


def run_verify(args: argparse.Namespace, paths: AppPaths) -> int:
    if args.file:
        from accessshare.consent.export import verify_export_file
        from accessshare.records.signing import short_fingerprint
        from accessshare.sentences import en

        report = verify_export_file(args.file)
        say(report.message)
        if report.ok and report.fingerprint:
            say(en.export_signed(str(report.signed_by), short_fingerprint(report.fingerprint)))
            say("Its chain, its summary and its signature agree. The key's full fingerprint "
                f"(for a steward's pin file) is {report.fingerprint}.")
        return 0 if report.ok else 1
    from accessshare.records import RecordStore, RecordsUnavailable

    try:
        with RecordStore.open(paths) as store:
            report = store.verify()
    except RecordsUnavailable as problem:
        error(str(problem))
        return 2
    say(report.message)
    return 0 if report.ok else 1
