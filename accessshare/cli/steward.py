"""``accessshare steward import|status|allowed|changes|pin|repin|verify``: a steward's store of many
contributors' signed consent logs (``accessshare.steward``), given with ``--db``.

Exit status: 0 done; 1 a file was refused, a pin line was not pinned, a key was not replaced,
or the store failed its check; 2 the command could not run (no store given, a store that
cannot be opened, a time that cannot be read). Nothing heavy is imported until a command runs.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from typing import Any

from accessshare.cli.common import error, output_refusal, say, shown
from accessshare.config import AppPaths, resolve_paths
from accessshare.vocabulary import ConsentStatus

STORE_ENV = "ACCESSSHARE_STEWARD_DB"
FORMATS = ("text", "csv", "json")
MANY_FILES = 8  # from this many files on, imports run in one process per core


def _store_option() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                        help="the steward's store: a SQLite file (a path, or sqlite:///PATH) or "
                        "a PostgreSQL address (postgresql+psycopg://USER@HOST/DB); env "
                        f"{STORE_ENV}")
    return parent


STORE_OPTION = _store_option()


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "steward", help="gather contributors' signed consent logs and ask what may be used",
        description="A steward's store of many contributors' signed consent logs: import "
        "them, then ask which photos may be used for a purpose and what was withdrawn.",
        parents=[STORE_OPTION])
    actions = parser.add_subparsers(dest="steward_command", metavar="ACTION", required=True)

    imports = _action(actions, "import", "verify signed consent logs and add what is new",
                      "Verify each exported consent log (chain, summary, signature) and add "
                      "what is new. A contributor's first log pins their key, unless it was "
                      "pinned in advance; a log signed by another key, an older log, or one "
                      "that forks from the history held is refused, and nothing from a refused "
                      "file is stored.")
    imports.add_argument("files", metavar="FILE", nargs="+", help="exported consent logs (JSON)")
    imports.add_argument("--pinned-only", action="store_true",
                         help="refuse logs of contributors whose key was not pinned in advance")
    imports.add_argument("--jobs", type=int, metavar="N",
                         help=f"files verified at once (default: one per core from {MANY_FILES} "
                         "files on, else 1)")
    imports.set_defaults(handler=run_import)

    state = _action(actions, "status", "list the contributors whose logs are held",
                    "List each contributor: pseudonym, key fingerprint and how it was pinned, "
                    "events held, the time of their last decision, and of the last import.")
    _answer_options(state)
    state.set_defaults(handler=run_status)

    allowed = _action(actions, "allowed", "list the photos that may be used for a purpose",
                      "List the photos (content hash and contributor) whose current consent "
                      "for PURPOSE is given: not refused, withdrawn, undecided or deleted. A "
                      "photo shared only on a condition (such as faces redacted) names it.")
    allowed.add_argument("--purpose", required=True, metavar="P",
                         help="a purpose id of the consent form, such as research")
    _answer_options(allowed)
    allowed.set_defaults(handler=run_allowed)

    changed = _action(actions, "changes", "list withdrawals and deletions since a moment",
                      "List every photo and purpose that stopped being shared (withdrawn, "
                      "refused, undecided again, deleted) or whose condition changed, decided "
                      "or received since TIME: what to act on in your copies.")
    changed.add_argument("--since", required=True, metavar="TIME",
                         help="a date (2026-03-05) or a UTC time (2026-03-05T14:00:00Z)")
    _answer_options(changed)
    changed.set_defaults(handler=run_changes)

    pin = _action(actions, "pin", "pin contributors' keys in advance from a file",
                  "Pin keys before any log arrives: FILE has one contributor per line, their "
                  "pseudonym and their key's full fingerprint (as 'accessshare log verify' "
                  "prints it) or the key itself. A pin file never replaces a pinned key "
                  "(see 'steward repin').")
    pin.add_argument("file", metavar="FILE")
    pin.set_defaults(handler=run_pin)

    repin = _action(actions, "repin", "replace a contributor's pinned key, on the record",
                    "Replace the key pinned for PSEUDONYM by a new one, when the contributor "
                    "confirms, by a channel you trust, that their device key was made anew (it "
                    "was lost). The events held stay: a log signed by the new key must still "
                    "extend them. Who, when, why and both fingerprints go into the steward's "
                    "log.")
    repin.add_argument("pseudonym", metavar="PSEUDONYM")
    repin.add_argument("key", metavar="FINGERPRINT",
                       help="the new key's full fingerprint (64 hex digits, as 'accessshare log "
                       "verify FILE' reads it out from the contributor's new log), or the key")
    repin.add_argument("--reason", metavar="WHY",
                       help="why the key is replaced, and how the contributor confirmed it "
                       "(required)")
    repin.set_defaults(handler=run_repin)

    verify = _action(actions, "verify", "check the steward's log and every log held",
                     "Check the steward's own log, every contributor's held events, and that "
                     "the current state follows from them.")
    verify.set_defaults(handler=run_verify)


def _answer_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="text (default), csv (a header row, then one row per line; for a "
                        "spreadsheet) or json")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write the answer to FILE instead of standard output (a CSV file "
                        "gets a UTF-8 mark, so spreadsheets read it as UTF-8)")


def _action(actions: argparse._SubParsersAction, name: str, short: str,
            description: str) -> argparse.ArgumentParser:
    return actions.add_parser(name, help=short, description=description,
                              parents=[STORE_OPTION])


def _opened(args: argparse.Namespace):
    """The store named by --db (or the environment), or None after saying what is missing."""
    from accessshare.steward import StewardStore

    given = getattr(args, "db", None) or os.environ.get(STORE_ENV)
    if not given:
        error("Give the steward's store with --db: a SQLite file (for example --db "
              "steward.sqlite3) or a PostgreSQL address (for example --db "
              "postgresql+psycopg://steward@dbhost/consent).")
        return None
    return StewardStore(given)


def _answering(body):
    """An answer may hold a hundred thousand rows, made while the garbage collector waits
    (``library.collector``)."""
    def run(args: argparse.Namespace, store) -> int:
        from accessshare.library.collector import collector_paused

        with collector_paused():
            return body(args, store)
    return run


def _command(body):
    """Open the store, run, close; a problem with the store or an input is one sentence."""
    def run(args: argparse.Namespace, _paths: AppPaths) -> int:
        from accessshare.steward import StewardProblem

        try:
            store = _opened(args)
            if store is None:
                return 2
            with store:
                return body(args, store)
        except StewardProblem as problem:
            error(str(problem))
            return 2
    return run


@_command
def run_import(args: argparse.Namespace, store) -> int:
    from accessshare.steward import import_files
    from accessshare.steward.importer import ImportOutcome

    jobs = args.jobs or ((os.cpu_count() or 1) if len(args.files) >= MANY_FILES else 1)
    refused = imported = added = 0
    for result in import_files(store, args.files, jobs=jobs, pinned_only=args.pinned_only):
        (say if result.ok else error)(result.sentence)
        refused += not result.ok
        imported += result.outcome == ImportOutcome.IMPORTED
        added += result.events_added
    if len(args.files) > 1:
        say(f"{imported} of {len(args.files)} logs added something ({added} new "
            f"{'event' if added == 1 else 'events'}); {refused} refused.")
    return 1 if refused else 0


@_command
@_answering
def run_status(args: argparse.Namespace, store) -> int:
    from accessshare.records.signing import short_fingerprint
    from accessshare.steward import status
    from accessshare.steward.importer import pinned_words

    found = status(store)
    sentence = f"{len(found)} {'contributor' if len(found) == 1 else 'contributors'}."
    columns = ("pseudonym", "fingerprint", "pinned_by", "pinned_at", "events_held",
               "last_decision", "last_import")

    def lines():  # pseudonyms, fingerprints and times, checked at import
        for row in found:
            pinned = pinned_words(row.pinned_by)
            yield (f"{row.pseudonym}: key {short_fingerprint(row.fingerprint)} ({pinned}, "
                   f"{row.pinned_at[:10]}); {row.events_held} "
                   f"{'event' if row.events_held == 1 else 'events'} held; last decision "
                   f"{_when(row.last_decision)}; last import {_when(row.last_import)}.")

    rows = [row._asdict() for row in found]
    return _answer(args, sentence, lines, columns, rows, {"contributors": rows})


@_command
@_answering
def run_allowed(args: argparse.Namespace, store) -> int:
    from accessshare.steward import allowed

    answer = allowed(store, args.purpose)
    if answer.purposes_held is not None:
        error(answer.sentence)
    rows = [] if args.format == "text" else [
        {"contributor": photo.contributor, "photo_hash": photo.photo_hash,
         "condition": photo.condition} for photo in answer.photos]

    def lines():  # a pseudonym and a content hash, checked at import: safe to print as they are
        for photo in answer.photos:
            line = f"{photo.contributor} {photo.photo_hash}"
            yield f"{line} ({shown(condition_words(photo.condition))})" if photo.condition \
                else line

    return _answer(args, None if answer.purposes_held is not None else answer.sentence, lines,
                   ("contributor", "photo_hash", "condition"), rows,
                   {"purpose": answer.purpose, "count": len(rows),
                    "answer_sha256": answer.answer_sha256, "photos": rows})


@_command
@_answering
def run_changes(args: argparse.Namespace, store) -> int:
    from accessshare.steward import changes

    answer = changes(store, args.since)
    rows = [change._asdict() for change in answer.changes]

    def lines():  # pseudonyms, hashes, purposes and times checked at import; words
        for change in answer.changes:
            yield (f"{change.time} {change.contributor} {change.photo_hash} {change.purpose}: "
                   f"{shown(change_words(change.change, change.condition))}.")

    return _answer(args, answer.sentence, lines, ("time", "imported", "contributor",
                                                  "photo_hash", "purpose", "change", "condition"),
                   rows, {"since": answer.since, "count": len(rows), "changes": rows})


@_command
def run_pin(args: argparse.Namespace, store) -> int:
    from accessshare.steward import pin_file

    result = pin_file(store, args.file)
    (say if result.ok else error)(result.sentence)
    return 0 if result.ok else 1


@_command
def run_repin(args: argparse.Namespace, store) -> int:
    from accessshare.steward import repin

    result = repin(store, args.pseudonym, args.key, args.reason)
    (say if result.ok else error)(result.sentence)
    return 0 if result.ok else 1


@_command
def run_verify(args: argparse.Namespace, store) -> int:
    from accessshare.steward import check_store

    result = check_store(store)
    (say if result.ok else error)(result.sentence)
    return 0 if result.ok else 1


# --- words and tables ------------------------------------------------------------------------

CHANGE_WORDS = {ConsentStatus.WITHDRAWN: "withdrawn", ConsentStatus.REFUSED: "now refused",
                ConsentStatus.PENDING: "no longer decided (undecided again)",
                ConsentStatus.DELETED: "deleted",
                "unlisted": "no longer in the contributor's log"}


def change_words(change: str, condition: dict[str, Any] | None) -> str:
    if change == "condition":
        return f"still shared, now {condition_words(condition)}" if condition \
            else "still shared, now without a condition"
    return CHANGE_WORDS.get(change, change)


def condition_words(condition: dict[str, Any] | None) -> str:
    """{"redact": ["faces", "text"]} -> "only with faces and text redacted"."""
    redact = (condition or {}).get("redact")
    if isinstance(redact, list) and redact and all(isinstance(kind, str) for kind in redact):
        kinds = redact[0] if len(redact) == 1 else ", ".join(redact[:-1]) + " and " + redact[-1]
        return f"only with {kinds} redacted"
    return f"on a condition that cannot be read: {json.dumps(condition, sort_keys=True)}"


def _when(moment: str | None) -> str:
    return "none yet" if not moment else moment[:19].replace("T", " ") + " UTC"


def _answer(args: argparse.Namespace, sentence: str | None, lines, columns: tuple[str, ...],
            rows: list[dict[str, Any]], document: dict[str, Any]) -> int:
    """Write an answer in the format asked for, to standard output or to --output FILE (then
    the sentence alone is said, naming the file)."""
    if args.output is None:
        out = _utf8(sys.stdout)
        if args.format == "text" and sentence:
            out.write(shown(sentence) + "\n")
        _write_table(out, args.format, lines, columns, rows, document, "\n")
        return 0
    from accessshare.library.files import atomic_writer

    refusal = output_refusal(args.output, resolve_paths(getattr(args, "data_dir", None)),
                             getattr(args, "db", None) or os.environ.get(STORE_ENV))
    if refusal:
        error(refusal)
        return 2
    # A BOM, so that a spreadsheet reads the file as UTF-8; rows end as RFC 4180 says.
    encoding = "utf-8-sig" if args.format == "csv" else "utf-8"
    try:
        with atomic_writer(args.output, "w", encoding=encoding, newline="") as out:
            if args.format == "text" and sentence:
                out.write(shown(sentence) + "\n")
            _write_table(out, args.format, lines, columns, rows, document,
                         "\r\n" if args.format == "csv" else "\n")
    except OSError as problem:
        error(f"{args.output} cannot be written ({problem.strerror or problem}).")
        return 2
    say(f"{sentence + ' ' if sentence else ''}Written to {args.output} "
        f"({FORMAT_NAMES[args.format]}).")
    return 0


FORMAT_NAMES = {"text": "text", "csv": "CSV with a header row, UTF-8",
                "json": "JSON, UTF-8"}


def _write_table(out, kind: str, lines, columns: tuple[str, ...], rows: list[dict[str, Any]],
                 document: dict[str, Any], line_end: str) -> None:
    if kind == "text":  # lines made safe to print by ``lines``; written in large pieces
        batch = []
        for line in lines():
            batch.append(line)
            if len(batch) == 10000:
                out.write("\n".join(batch) + "\n")
                batch.clear()
        if batch:
            out.write("\n".join(batch) + "\n")
    elif kind == "json":
        json.dump(document, out, ensure_ascii=False, indent=1)
        out.write("\n")
    else:
        from accessshare.consent.export import spreadsheet_cell

        def cell(value: Any) -> str:
            """As a spreadsheet shows it: a condition as compact JSON, and nothing it would
            run as a formula (a pseudonym may start with "-")."""
            if isinstance(value, dict):
                value = json.dumps(value, sort_keys=True, separators=(",", ":"),
                                   ensure_ascii=False)
            return spreadsheet_cell(value)

        writer = csv.writer(out, lineterminator=line_end)
        writer.writerow(columns)
        writer.writerows([cell(row[column]) for column in columns] for row in rows)


def _utf8(stream):
    """Standard output that writes UTF-8 whatever the locale, so a piped CSV or JSON file
    is always UTF-8."""
    if (getattr(stream, "encoding", "utf-8") or "").lower().replace("-", "") != "utf8" \
            and hasattr(stream, "reconfigure"):
        stream.reconfigure(encoding="utf-8")
    return stream
