"""``accessshare describe PATH... [--json] [--verbosity brief|detailed] [--caption-model DIR]
[--workers N] [--redact KINDS]``.

Describes photos on this device: what each shows, its quality problems and what it gives away.
PATH may be photos or dataset folders (scanned recursively, with their manifest's labels).
The models run in N describer processes (``describe.service``), results print in PATH order.
Exit status: 0 when at least one photo was described, 1 when none was, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from accessshare.cli.common import add_command, error, print_json_line, say
from accessshare.config import AppPaths

DEFAULT_WORKERS = 1
WORKER_MEMORY = 600 << 20  # bytes per describer process: its models (about 450 MB) and room


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(subparsers, "describe", help="describe photos: content, quality, privacy",
                         description="Describe each photo on this device: a short sentence, "
                         "details, objects, faces, text, quality and privacy flags. PATH is "
                         "photos or folders. Failures are reported per photo.")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="photo files or dataset folders")
    parser.add_argument("--json", action="store_true", help="one JSON object per photo per line")
    parser.add_argument("--verbosity", choices=("brief", "detailed"), default="brief",
                        help="brief words, or counts, confidence and positions (default: brief)")
    parser.add_argument("--caption-model", metavar="DIR", type=Path,
                        help="folder of an ONNX image-captioning model (Optimum layout)")
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="describer processes, each with a fair share of the cores "
                        f"(default: {DEFAULT_WORKERS})")
    parser.add_argument("--redact", metavar="KINDS",
                        help="hear the copy that would be shared with these removed (faces, "
                        "text, location, comma-separated, or all): it is made, described again "
                        "and checked, but not written")
    parser.set_defaults(handler=run)


def _most_workers() -> int:
    """One describer process per core, and no more than the memory holds (about 450 MB each,
    with room for the rest of the system)."""
    cores = os.cpu_count() or 1
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not on this platform
        return cores
    return max(1, min(cores, memory // WORKER_MEMORY))


def run(args: argparse.Namespace, paths: AppPaths) -> int:
    from accessshare.describe.pipeline import DescribeFailure
    from accessshare.describe.service import (DescribeService, DescribeUnavailable, Described,
                                              DescriberSpec, describe_in_order)

    if args.workers is not None and args.workers < 1:
        error(f"--workers must be 1 or more (photos described at once), not {args.workers}.")
        return 2
    if args.workers is not None and args.workers > _most_workers():
        error(f"--workers {args.workers} is more than this computer can hold: each describer "
              f"process needs about 450 MB and a core; use at most {_most_workers()}.")
        return 2
    kinds = None
    if args.redact is not None:
        from accessshare.consent.conditions import parse_kinds

        try:
            kinds = parse_kinds(args.redact)
        except ValueError as problem:
            error(str(problem))
            return 2
    items, failures = collect(args.paths, paths)
    for failure in failures:
        show(failure, args.json)
    photos = [item for item in items if not isinstance(item, DescribeFailure)]
    if kinds is not None:
        return run_redacted(photos, kinds, args, paths)
    spec = DescriberSpec(caption_model=args.caption_model, verbosity=args.verbosity,
                         models_dir=paths.models_dir)
    notes: list[str] = []
    described = 0
    with open_cache(paths) as cache:
        # N processes, each with its share of the cores; normal priority: nothing to give way to.
        service = DescribeService(spec, cache=cache, workers=args.workers or DEFAULT_WORKERS,
                                  background=False, phrase=False)
        results = describe_in_order(photos, service, on_note=lambda note: (notes.append(note), error(note)))
        with progress_bar(len(items)) as bar:
            try:
                for item in items:
                    result = item if isinstance(item, DescribeFailure) else next(results)
                    if isinstance(result, Described):
                        described += 1
                        result = result.description
                    elif not isinstance(result, DescribeFailure):
                        result = DescribeFailure(str(result.photo.path), failure_sentence(result))
                    bar.update(1)
                    show(result, args.json)
            except DescribeUnavailable as problem:
                error(str(problem))
            finally:
                results.close()
    if notes and not args.json:
        error(notes[-1])
    return 0 if described else 1


def run_redacted(photos: list, kinds: frozenset[str], args: argparse.Namespace,
                 paths: AppPaths) -> int:
    """"After removal: ..." for each photo: its redacted copy, made in memory and checked."""
    from accessshare.describe.pipeline import Describer
    from accessshare.describe.redaction import RedactionJob, Redactor

    redactor = Redactor(Describer(verbosity=args.verbosity, models_dir=paths.models_dir))
    verified = 0
    jobs = [RedactionJob(photo, kinds) for photo in photos]
    for result in redactor.redact_many(jobs, workers=args.workers or 1):
        verified += result.verified
        sentence, details = result.spoken(args.verbosity)
        if args.json:
            print_json_line({**result.to_json(), "sentence": sentence, "details": details})
        else:
            print(f"{result.path}: {sentence}")
            for line in details:
                print(f"    {line}")
        sys.stdout.flush()
    return 0 if verified else 1


def failure_sentence(not_described) -> str:
    """One plain sentence: the decoder's own (it names the file), or the describer's reason."""
    reason = not_described.reason.strip()
    if reason[:1].isupper():
        return reason
    return f"The photo {Path(not_described.photo.path).name} could not be described: {reason}."


def collect(targets: list[str], paths: AppPaths) -> tuple[list, list]:
    """(photos to describe in order: PhotoInfo, or DescribeFailure for a file that cannot be
    read; scan problems of folders as DescribeFailure)."""
    from accessshare.describe.pipeline import DescribeFailure, photo_info
    from accessshare.library import ImageProblem, PhotoInfo, iter_scan
    from accessshare.library.scanner import default_index_dir

    photos, failures = [], []
    for target in targets:
        path = Path(target)
        if not path.is_dir():
            try:
                photos.append(photo_info(path))
            except ImageProblem as problem:
                photos.append(DescribeFailure(str(path), str(problem)))
            continue
        for item in iter_scan(path, index_dir=default_index_dir(paths.ensure().data_dir)):
            if isinstance(item, PhotoInfo):
                photos.append(item)
            else:
                failures.append(DescribeFailure(str(item.path), item.message))
    return photos, failures


@contextlib.contextmanager
def open_cache(paths: AppPaths):
    """The store's description cache, or None (describing still works) if the store is closed."""
    try:
        from accessshare.records import RecordStore
        from accessshare.records.store import DescriptionCache

        store = RecordStore.open(paths)
    except Exception as problem:  # noqa: BLE001 - descriptions do not need the records
        error(f"Descriptions will not be cached: {problem}")
        yield None
        return
    with store:
        yield DescriptionCache(store)


class _NoBar:
    def update(self, _count: int) -> None:
        pass


@contextlib.contextmanager
def progress_bar(total: int):
    """A tqdm bar on stderr when it is a terminal; nothing otherwise (pipes, logs, tests)."""
    if not sys.stderr.isatty():
        yield _NoBar()
        return
    from tqdm import tqdm

    with tqdm(total=total, unit="photo", file=sys.stderr, leave=False) as bar:
        yield bar


def show(result, as_json: bool) -> None:
    from accessshare.describe.pipeline import DescribeFailure

    if as_json:
        print_json_line(result.to_json())
    elif isinstance(result, DescribeFailure):
        say(f"{result.path}: could not be described. {result.error}")
    else:
        say(f"{result.path}: {result.sentence}")
        for line in result.details:  # recognised text too: never a raw control character
            say(f"    {line}")
    sys.stdout.flush()
