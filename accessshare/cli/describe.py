"""``accessshare describe PATH... [--json] [--verbosity brief|detailed] [--caption-model DIR]
[--redact KINDS]``.

Describes photos on this device: what each shows, its quality problems and what it gives away.
PATH may be photos or dataset folders (scanned recursively, with their manifest's labels).
Exit status: 0 when at least one photo was described, 1 when none was, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from accessshare.cli.common import add_command, error, print_json_line
from accessshare.config import AppPaths


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
    parser.add_argument("--workers", type=int, default=None, help="photos described at once")
    parser.add_argument("--redact", metavar="KINDS",
                        help="hear the copy that would be shared with these removed (faces, "
                        "text, location, comma-separated, or all): it is made, described again "
                        "and checked, but not written")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, paths: AppPaths) -> int:
    from accessshare.describe.pipeline import Describer, DescribeFailure

    if args.workers is not None and args.workers < 1:
        error(f"--workers must be 1 or more (photos described at once), not {args.workers}.")
        return 2
    kinds = None
    if args.redact is not None:
        from accessshare.consent.conditions import parse_kinds

        try:
            kinds = parse_kinds(args.redact)
        except ValueError as problem:
            error(str(problem))
            return 2
    photos, failures = collect(args.paths, paths)
    for failure in failures:
        show(failure, args.json)
    if kinds is not None:
        return run_redacted(photos, kinds, args, paths)
    with open_cache(paths) as cache:
        describer = Describer(cache=cache, caption_model=args.caption_model,
                              verbosity=args.verbosity, models_dir=paths.models_dir)
        if describer.caption_problem:
            error(describer.caption_problem)
        described = 0
        with progress_bar(len(photos)) as bar:
            for result in describer.describe_many(photos, workers=args.workers,
                                                  progress=lambda _: bar.update(1)):
                described += not isinstance(result, DescribeFailure)
                show(result, args.json)
    if describer.caption_problem and not args.json:
        error(describer.caption_problem)
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


def collect(targets: list[str], paths: AppPaths) -> tuple[list, list]:
    """(photos to describe: PhotoInfo or Path, failures as DescribeFailure)."""
    from accessshare.describe.pipeline import DescribeFailure
    from accessshare.library import PhotoInfo, iter_scan
    from accessshare.library.scanner import default_index_dir

    photos, failures = [], []
    for target in targets:
        path = Path(target)
        if not path.is_dir():
            photos.append(path)
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
        print(f"{result.path}: could not be described. {result.error}")
    else:
        print(f"{result.path}: {result.sentence}")
        for line in result.details:
            print(f"    {line}")
    sys.stdout.flush()
