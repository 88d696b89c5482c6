"""``accessshare consent set|show|undo|walk``: decide, hear and undo consent per photo or folder."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from accessshare.cli.common import add_command, error, print_json_line
from accessshare.config import AppPaths
from accessshare.records import CONSENT_STATES

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
def opened_store(paths: AppPaths) -> Iterator:
    from accessshare.records import RecordStore
    from accessshare.records.store import RecordsUnavailable

    try:
        store = RecordStore.open(paths)
    except RecordsUnavailable as problem:
        raise CommandProblem(str(problem)) from None
    try:
        yield store
    finally:
        store.close()


def chosen_form(args: argparse.Namespace):
    from accessshare.consent import FormError, load_form

    try:
        return load_form(getattr(args, "consent_form", None))
    except FormError as problem:
        raise CommandProblem(str(problem)) from None


def reported(handler):
    """Turn CommandProblem and plain ValueError/KeyError sentences into an error exit."""
    def run(args: argparse.Namespace, paths: AppPaths) -> int:
        try:
            return handler(args, paths)
        except CommandProblem as problem:
            error(str(problem))
            return 2
    return run


# Photos and folders ---------------------------------------------------------------------

def resolve_targets(store, paths: AppPaths, given: list[str]):
    """Split PATHs into dataset folders and photos; scan so the store knows each photo.

    Returns (folders, photos, problems): photos as (PhotoInfo, dataset root)."""
    from accessshare.library import scan
    from accessshare.library.scanner import default_index_dir

    folders, files, problems = [], [], []
    for text in given:
        path = Path(text).expanduser()
        if path.is_dir():
            folders.append(path.resolve())
        elif path.is_file():
            files.append(path.resolve())
        else:
            problems.append(f"{text} is not there; give a photo file or a dataset folder.")
    roots = {folder: folder for folder in folders}
    known = _known_roots(store)
    for file in files:
        roots.setdefault(_root_of(file, known), None)
    scanned = {}
    for root in roots:
        result = scan(root, index_dir=default_index_dir(paths.data_dir))
        store.upsert_photos(root, result.photos)
        scanned[root] = result
    photos = []
    for file in files:
        root = _root_of(file, known)
        found = next((p for p in scanned[root].photos if p.path.resolve() == file), None)
        if found is not None:
            photos.append((found, root))
            continue
        problem = next((p.message for p in scanned[root].problems
                        if Path(p.path).resolve() == file), None)
        problems.append(problem or f"{file.name} is not a photo AccessShare can read.")
    return folders, photos, problems, scanned


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
    with opened_store(paths.ensure()) as store:
        folders, photos, problems, _scanned = resolve_targets(store, paths, args.paths)
        decisions = Decisions(store, form)
        for folder in folders:
            decisions.decide_dataset(folder, purposes, args.state, reason=args.reason)
            print(f"Saved. Folder {folder.name}: {_folder_words(decisions, folder)}")
        if photos:
            count = decisions.decide_photos([p.id for p, _root in photos], purposes, args.state,
                                            reason=args.reason)
            states = decisions.effective_many([p.id for p, _r in photos],
                                              datasets_of={p.id: str(r) for p, r in photos})
            for photo, _root in photos:
                summary = decisions.summary_of_states(
                    {k: e.state for k, e in states[photo.id].items()})
                print(f"{photo.path.name}: {summary}")
            print(f"Saved for {count} {'photo' if count == 1 else 'photos'}.")
    for problem in problems:
        error(problem)
    return 1 if problems else 0


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
        for photo, root in photos:
            _show_photo(decisions, photo, root, args.json)
    for problem in problems:
        error(problem)
    return 1 if problems else 0


def _show_folder(decisions, folder: Path, as_json: bool) -> None:
    defaults = decisions.store.dataset_defaults(str(folder))
    states = {p: defaults[p].state if p in defaults else "pending" for p in decisions.purpose_ids}
    if as_json:
        print_json_line({"folder": str(folder), "default_states": states,
                         "summary": decisions.summary_of_states(states)})
    else:
        print(f"Folder {folder.name}, for photos with no decision of their own: "
              f"{decisions.summary_of_states(states)}")


def _folder_words(decisions, folder: Path) -> str:
    defaults = decisions.store.dataset_defaults(str(folder))
    return decisions.summary_of_states(
        {p: defaults[p].state if p in defaults else "pending" for p in decisions.purpose_ids})


def _show_photo(decisions, photo, root: Path, as_json: bool) -> None:
    effective = decisions.effective(photo.id, root)
    summary = decisions.summary_of_states({p: e.state for p, e in effective.items()})
    history = decisions.history(photo.id, root)
    if as_json:
        print_json_line({"path": str(photo.path), "photo_hash": photo.id,
                         "states": {p: e.state for p, e in effective.items()},
                         "decided_by": {p: e.source for p, e in effective.items()},
                         "summary": summary, "history": history})
    else:
        print(f"{photo.path.name}: {summary}")
        for sentence in history:
            print(f"  {sentence}")


@reported
def run_undo(args: argparse.Namespace, paths: AppPaths) -> int:
    from accessshare.consent import Decisions

    form = chosen_form(args)
    with opened_store(paths.ensure()) as store:
        undone = Decisions(store, form).undo_last()
    print(undone.sentence if undone else "There is no decision to undo.")
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
    if "all" in wanted:
        return list(form.purpose_ids)
    unknown = [p for p in wanted if p not in form.purpose_ids]
    if unknown:
        raise CommandProblem(f"There is no purpose {unknown[0]!r} in the consent form; choose "
                             f"from {', '.join(form.purpose_ids)}, or all.")
    return wanted

