"""``accessshare consent set|show|undo|walk``: decide, hear and undo consent per photo or folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from accessshare.cli.common import (FORM_HELP, CommandProblem, add_command, chosen_form, error,
                                    opened_store, print_json_line, reported, resolve_targets, say)
from accessshare.config import AppPaths
from accessshare.sentences import en
from accessshare.vocabulary import STORED_STATUSES, ConsentStatus


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(subparsers, "consent", help="decide and hear consent for photos",
                         description="Decide, per purpose, whether photos are shared; hear the "
                         "current state and history; undo the last decision.")
    actions = parser.add_subparsers(dest="consent_command", metavar="ACTION", required=True)

    decide = add_command(actions, "set", help="record a decision for photos or a whole folder",
                         description="Record a decision for photo files, or for a dataset "
                         "folder (its default; decisions about single photos still win). "
                         "Each decision is saved before the command says so.")
    decide.add_argument("paths", metavar="PATH", nargs="+", help="photo files or dataset folders")
    decide.add_argument("--purpose", action="append", required=True, metavar="P",
                        help="purpose id from the consent form (repeat, or 'all')")
    decide.add_argument("--state", required=True, choices=STORED_STATUSES)
    decide.add_argument("--reason", metavar="TEXT", help="an optional note kept with the decision")
    decide.add_argument("--redact", metavar="KINDS",
                        help="share on condition that these are removed from the copies "
                        "exported: faces, text, location (comma-separated) or all; only with "
                        "--state given")
    decide.add_argument("--consent-form", metavar="FILE", help=FORM_HELP)
    decide.set_defaults(handler=run_set)

    show = add_command(actions, "show", help="say the current consent state and history",
                       description="Say the current consent state of photos (or of every photo "
                       "in a folder, and the folder's default) and how it came about.")
    show.add_argument("paths", metavar="PATH", nargs="+", help="photo files or dataset folders")
    show.add_argument("--json", action="store_true", help="one JSON object per line")
    show.add_argument("--consent-form", metavar="FILE", help=FORM_HELP)
    show.set_defaults(handler=run_show)

    undo = add_command(actions, "undo", help="undo the last decision (by writing a new one)")
    undo.add_argument("--consent-form", metavar="FILE", help=FORM_HELP)
    undo.set_defaults(handler=run_undo)

    walk = add_command(actions, "walk", help="go through the consent form, with its questions",
                       description="Read the consent form part by part and answer its "
                       "questions, in the terminal. Finishing it is recorded.")
    walk.add_argument("--consent-form", metavar="FILE", help=FORM_HELP)
    walk.set_defaults(handler=run_walk)


# consent set / show / undo / walk -------------------------------------------------------

def _service(store, paths: AppPaths, form):
    """The application layer's consent service, as the window has it (deletions left
    unfinished were finished when the store was opened)."""
    from accessshare.app.consent import ConsentService

    return ConsentService(store, paths, form=form, finish_deletions=False)


@reported
def run_set(args: argparse.Namespace, paths: AppPaths) -> int:
    form = chosen_form(args)
    purposes = _purposes(args.purpose, form)
    redact = _redaction(args)
    damaged = False
    with opened_store(paths.ensure()) as store:
        folders, photos, problems, scanned = resolve_targets(store, paths, args.paths)
        consent = _service(store, paths, form)
        refused = consent.refusal_on_damaged_log(args.state == ConsentStatus.GIVEN)
        if refused:  # the whole command, said once: nothing is saved
            raise CommandProblem(refused)
        for folder in folders:
            decided = consent.set_folder_states(folder, purposes, ConsentStatus(args.state),
                                                scanned[folder].photos, args.reason, redact)
            say(decided.outcome.sentence)
            if decided.keeping_own:
                say(decided.keeping_own)
            damaged |= decided.outcome.log_damaged
        if photos:
            outcome = consent.decide_photos([p for p, _root in photos], purposes, args.state,
                                            args.reason, redact)
            if not outcome.log_damaged:  # each photo's state (a damaged log shares none)
                _say_states(consent.decisions, photos)
            say(outcome.sentence)
            damaged |= outcome.log_damaged
    for problem in problems:
        error(problem)
    return 1 if problems or damaged else 0


def _say_states(decisions, photos) -> None:
    states = decisions.effective_many([p.id for p, _r in photos],
                                      datasets_of={p.id: str(r) for p, r in photos})
    for photo, _root in photos:
        say(en.saved_photo_named(photo.path.name, decisions.summary_of(states[photo.id])))


def _redaction(args: argparse.Namespace) -> frozenset[str] | None:
    """The kinds of --redact, checked before anything is scanned or saved."""
    from accessshare.app.consent import parse_kinds

    if args.redact is None:
        return None
    try:
        kinds = parse_kinds(args.redact)
    except ValueError as problem:
        raise CommandProblem(en.nothing_saved(str(problem))) from None
    if args.state != ConsentStatus.GIVEN:
        raise CommandProblem(en.REDACT_ONLY_WITH_GIVEN)
    return kinds


def _log_problem(decisions) -> list[str]:
    report = decisions.state().verified
    return [] if report.ok else [en.log_failed(report.message)]


@reported
def run_show(args: argparse.Namespace, paths: AppPaths) -> int:
    form = chosen_form(args)
    with opened_store(paths.ensure()) as store:
        folders, photos, problems, scanned = resolve_targets(store, paths, args.paths)
        consent = _service(store, paths, form)
        decisions = consent.decisions
        for folder in folders:
            _show_folder(consent, folder, args.json)
            photos += [(p, folder) for p in scanned[folder].photos]
        effective = decisions.effective_many([p.id for p, _r in photos],
                                             datasets_of={p.id: str(r) for p, r in photos})
        verified = decisions.state().ok
        for photo, root in photos:
            history = decisions.history(photo.id, root) if verified else []
            _show_photo(decisions, photo, effective[photo.id], history, args.json)
        problems += _log_problem(decisions)
    for problem in problems:
        error(problem)
    return 1 if problems else 0


def _show_folder(consent, folder: Path, as_json: bool) -> None:
    if as_json:
        states = consent.folder_states(folder)
        print_json_line({"folder": str(folder), "default_states": states,
                         "summary": consent.folder_words(folder)})
    else:
        say(consent.folder_sentence(folder))


def _show_photo(decisions, photo, effective, history: list[str], as_json: bool) -> None:
    summary = decisions.summary_of(effective)
    if as_json:
        print_json_line({"path": str(photo.path), "photo_hash": photo.id,
                         "states": {p: e.state for p, e in effective.items()},
                         "decided_by": {p: e.source for p, e in effective.items()},
                         "redact": {p: list(e.redact) for p, e in effective.items() if e.redact},
                         "summary": summary, "history": history})
    else:
        say(en.saved_photo_named(photo.path.name, summary))
        for sentence in history:
            say(f"  {sentence}")


@reported
def run_undo(args: argparse.Namespace, paths: AppPaths) -> int:
    form = chosen_form(args)
    with opened_store(paths.ensure()) as store:
        undone = _service(store, paths, form).undo()
    if not undone.ok:
        raise CommandProblem(undone.sentence)
    say(undone.sentence)
    return 0


@reported
def run_walk(args: argparse.Namespace, paths: AppPaths) -> int:
    from accessshare.consent import ConsentWalk

    form = chosen_form(args)
    with opened_store(paths.ensure()) as store:
        walk = ConsentWalk(form, store)
        print(f"{form.title}. {walk.total} parts. Press Enter to go on; type a number to answer.")
        while True:
            step = walk.page()
            print(f"\nPart {step.number} of {step.total}. {walk.spoken()}")
            reply = _ask("Your answer: " if step.is_question else "")
            if reply is None:
                print("Consent walk stopped. Nothing was recorded.")
                return 1
            if step.is_question:
                _answer(walk, reply)
                if step.is_last and walk.is_finished():
                    break
            elif step.is_last:
                break
            else:
                walk.forward()
        print(walk.complete())
    return 0


def _answer(walk, reply: str) -> None:
    choices = walk.page().choices
    if not reply.strip().isdigit() or not 1 <= int(reply) <= len(choices):
        print(f"Type a number from 1 to {len(choices)}.")
        return
    correct, explanation = walk.answer(int(reply) - 1)
    print(f"{'Correct.' if correct else 'Not quite.'} {explanation}")


def _ask(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        return None


def _purposes(given: list[str], form) -> list[str]:
    wanted = [p.strip() for text in given for p in text.split(",") if p.strip()]
    if not wanted:
        raise CommandProblem(f"Give at least one purpose: {given[0]!r} names none. Choose from "
                             f"{', '.join(form.purpose_ids)}, or all.")
    if "all" in wanted:
        return list(form.purpose_ids)
    unknown = [p for p in wanted if p not in form.purpose_ids]
    if unknown:
        raise CommandProblem(f"There is no purpose {unknown[0]!r} in the consent form; choose "
                             f"from {', '.join(form.purpose_ids)}, or all.")
    return wanted

