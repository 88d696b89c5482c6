"""``accessshare consent set|show|undo|walk``: decide, hear and undo consent per photo or folder."""

from __future__ import annotations

import argparse
import gc
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from accessshare.cli.common import add_command, error, print_json_line, say
from accessshare.config import AppPaths
from accessshare.records.states import CONSENT_STATES

MAX_NAMED = 5  # photos named in one sentence; the rest are counted

FORM_HELP = "the steward's consent form (Markdown); a form with mistakes is refused"


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
    decide.add_argument("--state", required=True, choices=CONSENT_STATES)
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


# Shared by the consent, delete and export commands ---------------------------------------

class CommandProblem(Exception):
    """Stops a command with one plain sentence."""


@contextmanager
def opened_store(paths: AppPaths, *, finish_deletions: bool = True) -> Iterator:
    """The data folder's records store; deletions this device left unfinished are finished
    first (and said), as on every start."""
    from accessshare.consent.deletion import finish_unfinished
    from accessshare.records import RecordStore
    from accessshare.records.store import RecordsUnavailable

    try:
        store = RecordStore.open(paths)
    except RecordsUnavailable as problem:
        raise CommandProblem(str(problem)) from None
    try:
        if finish_deletions:
            for report in finish_unfinished(store, paths):
                say(report.message)
        yield store
    except RecordsUnavailable as problem:
        raise CommandProblem(str(problem)) from None
    finally:
        store.close()


def chosen_form(args: argparse.Namespace):
    from accessshare.consent import FormError, load_form

    try:
        return load_form(getattr(args, "consent_form", None))
    except FormError as problem:
        raise CommandProblem(str(problem)) from None


def reported(handler):
    """Turn CommandProblem (and a database that cannot be used) into one sentence and exit 2."""

    def run(args: argparse.Namespace, paths: AppPaths) -> int:
        from accessshare.records.store import RecordsUnavailable  # not at --help: SQLAlchemy

        try:
            with _collector_paused():
                return handler(args, paths)
        except (CommandProblem, RecordsUnavailable) as problem:
            error(str(problem))
            return 2
    return run


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while one command runs. It builds up to a million small
    objects that live until it ends (the chain's 80,000 events, 20,000 photos), and the
    collector walking them again and again cost a third of ``consent show``. Objects are
    still freed by reference counting; the few cycles (database sessions) wait until the
    command ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Photos and folders ---------------------------------------------------------------------

def resolve_targets(store, paths: AppPaths, given: list[str]):
    """Split PATHs into dataset folders and photos; scan so the store knows each photo.

    Returns (folders, photos, problems, scans): photos as (PhotoInfo, dataset root). Each
    folder is scanned once and each photo found by a lookup, so 20,000 paths cost 20,000
    lookups, not 20,000 searches of the folder."""
    from accessshare.library import scan
    from accessshare.library.files import resolve_safely
    from accessshare.library.scanner import default_index_dir

    folders, files, problems = [], [], []
    parents: dict[str, Path] = {}  # 20,000 photos of one folder: its path is resolved once
    for text in given:
        expanded = os.path.expanduser(text)
        try:
            name = os.path.basename(expanded)
            if os.path.islink(expanded) or name in ("", ".", ".."):
                resolved = resolve_safely(expanded)
            else:
                parent = os.path.dirname(expanded) or "."
                if parent not in parents:
                    parents[parent] = resolve_safely(parent)
                resolved = parents[parent] / name
        except OSError as problem:
            problems.append(str(problem))
            continue
        kind = _kind(resolved)
        if kind == "folder":
            folders.append(resolved)
        elif kind == "file":
            files.append(resolved)
        else:
            problems.append(f"{text} is not there; give a photo file or a dataset folder.")
    roots = {folder: folder for folder in folders}
    known = _known_roots(store)
    by_folder: dict[Path, Path] = {}
    for file in files:
        if file.parent not in by_folder:
            by_folder[file.parent] = _root_of(file, known)
    root_of = {file: by_folder[file.parent] for file in files}
    for root in root_of.values():
        roots.setdefault(root, None)
    scanned = {}
    for root in roots:
        result = scan(root, index_dir=default_index_dir(paths.data_dir))
        store.upsert_photos(root, result.photos)
        scanned[root] = result
    found = {root: {photo.path: photo for photo in result.photos}
             for root, result in scanned.items()}
    refused = {root: {Path(p.path): p.message for p in result.problems}
               for root, result in scanned.items()}
    photos = []
    for file in files:
        root = root_of[file]
        photo = found[root].get(file)
        if photo is not None:
            photos.append((photo, root))
        else:
            problems.append(refused[root].get(file)
                            or f"{file.name} is not a photo AccessShare can read.")
    return folders, photos, problems, scanned


def _kind(path: Path) -> str | None:
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    return "folder" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else None


def _known_roots(store) -> list[Path]:
    from sqlalchemy import select
    from accessshare.records.models import Dataset

    with store.session() as session:
        return [Path(root) for root in session.scalars(select(Dataset.root))]


def _root_of(file: Path, known: list[Path]) -> Path:
    """The nearest known dataset folder holding the file, else the file's own folder."""
    holding = [root for root in known if root in file.parents]
    return max(holding, key=lambda root: len(root.parts)) if holding else file.parent


# consent set / show / undo / walk -------------------------------------------------------

@reported
def run_set(args: argparse.Namespace, paths: AppPaths) -> int:
    from accessshare.consent import Decisions

    form = chosen_form(args)
    purposes = _purposes(args.purpose, form)
    redact = _redaction(args)
    with opened_store(paths.ensure()) as store:
        folders, photos, problems, scanned = resolve_targets(store, paths, args.paths)
        decisions = Decisions(store, form)
        for folder in folders:
            decisions.decide_dataset(folder, purposes, args.state, reason=args.reason,
                                     redact=redact)
            say(f"Saved. Folder {folder.name}: {_folder_words(decisions, folder)}")
            keeping = _keeping_own(decisions, scanned[folder].photos, folder, purposes,
                                   args.state)
            if keeping:
                say(keeping)
        if photos:
            count = decisions.decide_photos([p.id for p, _root in photos], purposes, args.state,
                                            reason=args.reason, redact=redact)
            states = decisions.effective_many([p.id for p, _r in photos],
                                              datasets_of={p.id: str(r) for p, r in photos})
            for photo, _root in photos:
                say(f"{photo.path.name}: {decisions.summary_of(states[photo.id])}")
            say(f"Saved for {count} {'photo' if count == 1 else 'photos'}.")
        problems += _log_problem(decisions, "the decisions were saved, but ")
    for problem in problems:
        error(problem)
    return 1 if problems else 0


def _redaction(args: argparse.Namespace) -> frozenset[str] | None:
    """The kinds of --redact, checked before anything is scanned or saved."""
    from accessshare.consent.conditions import parse_kinds

    if args.redact is None:
        return None
    try:
        kinds = parse_kinds(args.redact)
    except ValueError as problem:
        raise CommandProblem(f"Nothing was saved: {problem}") from None
    if args.state != "given":
        raise CommandProblem("Nothing was saved: --redact is a condition on sharing, so it goes "
                             "only with --state given.")
    return kinds


def _log_problem(decisions, before: str = "") -> list[str]:
    report = decisions.state().verified
    if report.ok:
        return []
    return [f"The consent log failed verification ({report.message.rstrip('.')}); {before}no "
            "photo counts as shared until it is repaired."]


def _keeping_own(decisions, photos, folder: Path, purposes: list[str], state: str) -> str:
    """When a folder stops sharing, the photos still shared by a decision of their own."""
    if state == "given":
        return ""
    effective = decisions.effective_many([p.id for p in photos], folder)
    still = [p.path.name for p in photos
             if any(effective[p.id][purpose].state == "given"
                    and effective[p.id][purpose].source == "photo" for purpose in purposes)]
    if not still:
        return ""
    named = ", ".join(still[:MAX_NAMED]) + (f" and {len(still) - MAX_NAMED} more"
                                           if len(still) > MAX_NAMED else "")
    verb = {"withdrawn": "withdraw", "refused": "stop sharing",
            "pending": "set back to not yet decided"}[state]
    if len(still) == 1:
        return (f"1 photo you decided one by one keeps its own decision and is still shared: "
                f"{named}. To {verb} it too, give its path.")
    return (f"{len(still)} photos you decided one by one keep their own decision and are still "
            f"shared: {named}. To {verb} them too, give their paths.")


@reported
def run_show(args: argparse.Namespace, paths: AppPaths) -> int:
    from accessshare.consent import Decisions

    form = chosen_form(args)
    with opened_store(paths.ensure()) as store:
        folders, photos, problems, scanned = resolve_targets(store, paths, args.paths)
        decisions = Decisions(store, form)
        for folder in folders:
            _show_folder(decisions, folder, args.json)
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


def _show_folder(decisions, folder: Path, as_json: bool) -> None:
    states = decisions.folder_states(folder)
    if as_json:
        print_json_line({"folder": str(folder), "default_states": states,
                         "summary": decisions.summary_of_states(states, decisions.folder_conditions(folder))})
    else:
        say(f"Folder {folder.name}, for photos with no decision of their own: "
            f"{_folder_words(decisions, folder)}")


def _folder_words(decisions, folder: Path) -> str:
    return decisions.summary_of_states(decisions.folder_states(folder),
                                       decisions.folder_conditions(folder))


def _show_photo(decisions, photo, effective, history: list[str], as_json: bool) -> None:
    summary = decisions.summary_of(effective)
    if as_json:
        print_json_line({"path": str(photo.path), "photo_hash": photo.id,
                         "states": {p: e.state for p, e in effective.items()},
                         "decided_by": {p: e.source for p, e in effective.items()},
                         "redact": {p: list(e.redact) for p, e in effective.items() if e.redact},
                         "summary": summary, "history": history})
    else:
        say(f"{photo.path.name}: {summary}")
        for sentence in history:
            say(f"  {sentence}")


@reported
def run_undo(args: argparse.Namespace, paths: AppPaths) -> int:
    from accessshare.consent import Decisions

    form = chosen_form(args)
    with opened_store(paths.ensure()) as store:
        undone = Decisions(store, form).undo_last()
    say(undone.sentence if undone else "There is no decision to undo.")
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

