"""Helpers shared by the command modules."""

from __future__ import annotations

import argparse
import json
import os
import re
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from accessshare.config import AppPaths

FORM_HELP = "the steward's consent form (Markdown); a form with mistakes is refused"


def _global_options() -> argparse.ArgumentParser:
    # SUPPRESS keeps a value given before the command from being reset by the subparser.
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS,
                        help="folder for all app state (env ACCESSSHARE_DATA_DIR)")
    parent.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                        help="SQLAlchemy URL of the records database (env ACCESSSHARE_DB_URL)")
    return parent


GLOBAL_OPTIONS = _global_options()


def add_command(subparsers: argparse._SubParsersAction, name: str, *, help: str,
                description: str | None = None) -> argparse.ArgumentParser:
    """Add a subcommand that also accepts the global options after its name."""
    return subparsers.add_parser(name, help=help, description=description or help,
                                 parents=[GLOBAL_OPTIONS])


def print_json_line(record: dict[str, Any]) -> None:
    """One JSON object per line, always valid UTF-8 (names that are not are escaped)."""
    text = json.dumps(record, ensure_ascii=False, default=str)
    if _NOT_UTF8.search(text):
        text = json.dumps(_shown_values(json.loads(text)), ensure_ascii=False)
    sys.stdout.write(text + "\n")


def error(message: str) -> None:
    """One line on standard error, never a raw control character (see ``shown``)."""
    lines = "\n".join(shown(line) for line in str(message).split("\n"))
    print(f"accessshare: {lines}", file=sys.stderr)


_NOT_UTF8 = re.compile("[\ud800-\udfff]")  # bytes of a file name that were not UTF-8
_CONTROL = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7f, *range(0x80, 0xa0))}
_CONTROL.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")  # what ``shown`` rewrites


def shown(text: Any) -> str:
    """Text fit for a terminal and for UTF-8 output: control characters (escape sequences,
    line breaks inside a file name) are written as \\x1b, \\n...; bytes of a file name that
    are not UTF-8 as \\xe9."""
    text = str(text)
    if not _UNSAFE.search(text):  # nearly every line: one scan, no per-character mapping
        return text
    text = text.translate(_CONTROL)
    if _NOT_UTF8.search(text):
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def say(text: str) -> None:
    """Print one line for the user (a sentence naming files), made safe by ``shown``."""
    print(shown(text))


def _shown_values(value: Any) -> Any:
    if isinstance(value, str):
        if _NOT_UTF8.search(value):
            return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        return value
    if isinstance(value, dict):
        return {k: _shown_values(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_shown_values(v) for v in value]
    return value


# Shared by the consent, delete and export commands -------------------------------------

class CommandProblem(Exception):
    """Stops a command with one plain sentence."""


@contextmanager
def opened_store(paths: AppPaths, *, finish_deletions: bool = True) -> Iterator:
    """The data folder's records store; deletions this device left unfinished are finished
    first (and said), as on every start; a device key made anew is said on standard error
    (``app.consent.key_change_notice``).

    Every command that decides, deletes or exports opens the store here, and so says it."""
    from accessshare.app.consent import key_change_notice
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
        notice = key_change_notice(store)
        if notice:
            error(notice)
        yield store
    except RecordsUnavailable as problem:
        raise CommandProblem(str(problem)) from None
    finally:
        store.close()


def output_refusal(given: str | os.PathLike, paths: AppPaths, *stores: str | None
                   ) -> str | None:
    """Why an output file (-o, --to) must not be written there, in one sentence, or None: a
    device, pipe or folder, or AccessShare's own files (its data folder but ``exports/``, the
    records database, and ``stores``: database addresses or SQLite file names)."""
    from accessshare.library.files import overwrite_refusal
    from accessshare.records.store import sqlite_file

    files = [sqlite_file(paths.db_url)]
    files += [store if "://" not in store else sqlite_file(store) for store in stores if store]
    try:
        return overwrite_refusal(Path(given), paths.data_dir, allowed=paths.exports_dir,
                                 databases=tuple(files))
    except OSError as problem:
        return str(problem)


def chosen_form(args: argparse.Namespace):
    from accessshare.consent import FormError, load_form

    try:
        return load_form(getattr(args, "consent_form", None))
    except FormError as problem:
        raise CommandProblem(str(problem)) from None


def reported(handler):
    """Turn CommandProblem (and a database that cannot be used) into one sentence and exit 2."""

    def run(args: argparse.Namespace, paths: AppPaths) -> int:
        from accessshare.library.collector import collector_paused  # not at --help: PIL
        from accessshare.records.store import RecordsUnavailable  # not at --help: SQLAlchemy

        try:
            # It builds up to a million small objects that live until it ends (the chain's
            # 80,000 events, 20,000 photos); the collector walking them again and again cost a
            # third of ``consent show``.
            with collector_paused():
                return handler(args, paths)
        except (CommandProblem, RecordsUnavailable) as problem:
            error(str(problem))
            return 2
    return run


# Photos and folders ---------------------------------------------------------------------

def resolve_targets(store, paths: AppPaths, given: list[str]):
    """Split PATHs into dataset folders and photos; scan so the store knows each photo.

    Returns (folders, photos, problems, scans): photos as (PhotoInfo, dataset root). Each
    folder is scanned once and each photo found by a lookup, so 20,000 paths cost 20,000
    lookups, not 20,000 searches of the folder."""
    from accessshare.library import scan
    from accessshare.library.files import NotRegularFile, is_inside, resolve_safely
    from accessshare.library.scanner import default_index_dir
    from accessshare.records.store import storable_path
    from accessshare.sentences import en

    folders, files, problems = [], [], []
    own_folder = resolve_safely(paths.data_dir)
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
        if is_inside(resolved, own_folder):
            problems.append(f"{text} is part of AccessShare's own data folder, not your "
                            "photos; nothing was decided or shown for it.")
        elif kind == "folder" and not storable_path(resolved):
            problems.append(en.name_not_utf8(str(resolved)))
        elif kind == "folder":
            folders.append(resolved)
        elif kind == "file":
            files.append(resolved)
        elif os.path.exists(resolved):
            problems.append(str(NotRegularFile(Path(text))))
        else:
            problems.append(f"{text} is not there; give a photo file or a dataset folder.")
    roots: dict[Path, Path | None] = {folder: folder for folder in folders}
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
        _refuse_unstorable_names(result, problems, reported=root in folders)
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


def _refuse_unstorable_names(result, problems: list[str], reported: bool) -> None:
    """Photos whose path is not UTF-8 (a name in another encoding) become scan problems: no
    database can store that path. A folder given is told about them here; a photo given
    finds its sentence among the scan's problems."""
    from accessshare.library.scanner import Problem
    from accessshare.records.store import storable_path
    from accessshare.sentences import en

    if storable_path(result.root):
        unstorable = [photo for photo in result.photos if not storable_path(photo.path)]
    else:
        unstorable = list(result.photos)
    for photo in unstorable:
        sentence = en.name_not_utf8(photo.path.name if storable_path(result.root)
                                    else str(photo.path))
        result.problems.append(Problem(photo.path, sentence))
        if reported:
            problems.append(sentence)
    if unstorable:
        result.photos = [photo for photo in result.photos if photo not in unstorable]


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
