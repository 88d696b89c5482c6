"""``accessshare study list|export|summary|note|withdraw``: co-design study records.

Sessions are started with ``accessshare open DIR --study CODE`` (see cli/gui.py). Exit status:
0 done, 2 the store could not be used or the input was refused (one sentence on stderr).
"""

from __future__ import annotations

import argparse

from accessshare.cli.common import add_command, error, output_refusal, say
from accessshare.config import AppPaths
from accessshare.sentences import en


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(subparsers, "study", help="co-design study sessions: list, export, "
                         "summary, notes, withdrawal")
    actions = parser.add_subparsers(dest="study_command", metavar="ACTION", required=True)
    listing = add_command(actions, "list", help="sessions: participant, facilitator, start, "
                          "length, events")
    listing.set_defaults(handler=run_list)
    export = add_command(actions, "export", help="every event, one row each (CSV) or nested "
                         "by session (JSON)")
    export.add_argument("--participant", metavar="CODE", help="only this participant's sessions")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("-o", "--output", metavar="FILE", required=True)
    export.set_defaults(handler=run_export)
    summary = add_command(actions, "summary", help="per session and task: time, photos "
                          "reviewed, descriptions heard, decisions, walk answers, keys")
    summary.add_argument("--participant", metavar="CODE")
    summary.set_defaults(handler=run_summary)
    note = add_command(actions, "note", help="add a timestamped note to the session running now")
    note.add_argument("text", metavar="TEXT")
    note.add_argument("--participant", metavar="CODE", help="the session of this participant")
    note.set_defaults(handler=run_note)
    withdraw = add_command(actions, "withdraw", help="remove one participant's study records "
                           "(their consent decisions stay theirs)")
    withdraw.add_argument("participant", metavar="CODE")
    withdraw.add_argument("--yes", action="store_true", help="confirm the removal")
    withdraw.set_defaults(handler=run_withdraw)


def _with_store(paths: AppPaths, work) -> int:
    from accessshare.records import RecordStore, RecordsUnavailable
    from accessshare.study.codes import StudyProblem

    try:
        with RecordStore.open(paths) as store:
            return work(store)
    except (RecordsUnavailable, StudyProblem) as problem:
        error(str(problem))
        return 2


def run_list(args: argparse.Namespace, paths: AppPaths) -> int:
    from accessshare.study.report import session_lines

    def work(store) -> int:
        lines = session_lines(store)
        for line in lines:
            say(line.sentence())
        if not lines:
            say(en.NO_STUDY_SESSIONS)
        return 0
    return _with_store(paths, work)


def run_export(args: argparse.Namespace, paths: AppPaths) -> int:
    from accessshare.study import report
    from accessshare.study.codes import check_code

    refusal = output_refusal(args.output, paths)
    if refusal:
        error(refusal)
        return 2

    def work(store) -> int:
        participant = check_code(args.participant) if args.participant else None
        count = report.export(store, args.output, args.format, participant)
        say(en.study_exported(count, args.output))
        return 0
    return _with_store(paths, work)


def run_summary(args: argparse.Namespace, paths: AppPaths) -> int:
    from accessshare.study.codes import check_code
    from accessshare.study.report import summary_lines

    def work(store) -> int:
        participant = check_code(args.participant) if args.participant else None
        for line in summary_lines(store, participant):
            say(line)
        return 0
    return _with_store(paths, work)


def run_note(args: argparse.Namespace, paths: AppPaths) -> int:
    from accessshare.study.codes import check_code
    from accessshare.study.report import add_note

    def work(store) -> int:
        participant = check_code(args.participant) if args.participant else None
        say(add_note(store, args.text, participant))
        return 0
    return _with_store(paths, work)


def run_withdraw(args: argparse.Namespace, paths: AppPaths) -> int:
    from accessshare.study.report import withdraw

    if not args.yes:
        error(en.study_withdraw_needs_yes(args.participant))
        return 2
    return _with_store(paths, lambda store: say(withdraw(store, args.participant)) or 0)
