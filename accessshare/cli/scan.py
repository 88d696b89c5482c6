"""``accessshare scan DIR [--json]``: list every photo, its facts and problems."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from accessshare.cli.common import add_command, error, print_json_line, say
from accessshare.config import AppPaths

if TYPE_CHECKING:  # loaded when run: --help loads no PIL or numpy
    from accessshare.library import PhotoInfo


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(subparsers, "scan", help="list the photos in a folder, with their facts",
                         description="List each photo in DIR (recursively) with its id (SHA-256 of "
                         "its content), path, size, upright width and height, EXIF facts and "
                         "problems. Bad files are listed with a message naming them.")
    parser.add_argument("folder", metavar="DIR", help="dataset folder")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--manifest", metavar="FILE",
                        help="CSV or JSON of the contributor's labels (default: DIR/manifest.csv "
                             "or DIR/manifest.json)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, paths: AppPaths) -> int:
    from accessshare.library import PhotoInfo, iter_scan  # here: --help loads no PIL or numpy
    from accessshare.library.scanner import default_index_dir

    try:
        items = iter_scan(args.folder, index_dir=default_index_dir(paths.ensure().data_dir),
                          manifest=args.manifest)
        photos = problems = 0
        for item in items:
            if isinstance(item, PhotoInfo):
                photos += 1
                print_json_line(item.to_json()) if args.json else say(_line(item))
            else:
                problems += 1
                print_json_line(item.to_json()) if args.json else say(f"PROBLEM  {item.message}")
    except NotADirectoryError as missing:
        error(str(missing))
        return 2
    if not args.json:
        print(f"{photos} photos, {problems} problems.")
    return 0


def _line(photo: PhotoInfo) -> str:
    facts = photo.exif
    extras = []
    if photo.label:
        extras.append(f"label '{photo.label}'")
    if facts.taken:
        extras.append(f"taken {facts.taken:%Y-%m-%d %H:%M}")
    if facts.gps:
        extras.append(f"location {facts.gps[0]:.5f}, {facts.gps[1]:.5f}")
    if facts.device:
        extras.append(f"device {facts.device}")
    for name in ("owner", "artist", "serial"):
        if getattr(facts, name):
            extras.append(f"{name} {getattr(facts, name)}")
    details = "; ".join(extras)
    return (f"{photo.id[:12]}  {photo.relpath}  {photo.size} bytes  {photo.width}x{photo.height}"
            + (f"  ({details})" if details else ""))
