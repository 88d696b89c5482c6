"""The contributor's own labels: an optional CSV or JSON file mapping photos to labels.

CSV: a header row with a file column (``file``, ``path``, ``filename`` or ``image``) and a
``label`` column. JSON: either ``{"photo.jpg": "mug"}`` or ``[{"file": "photo.jpg", "label":
"mug"}]``. Paths are relative to the dataset folder.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from accessshare.library.files import FileTooLarge, read_regular, resolve_safely

MANIFEST_LIMIT = 64 << 20  # bytes: a label per photo for 100,000 photos is a few MB
MANIFEST_NAMES = ("manifest.csv", "manifest.json")
FILE_COLUMNS = ("file", "path", "filename", "image", "photo")


@dataclass
class Manifest:
    path: Path | None
    labels: dict[str, str] = field(default_factory=dict)  # POSIX relpath -> label
    problems: list[tuple[Path, str]] = field(default_factory=list)


def find_manifest(root: Path) -> Path | None:
    for name in MANIFEST_NAMES:
        candidate = root / name
        if candidate.is_file():
            return candidate
    return None


def read_manifest(root: Path, path: Path | None) -> Manifest:
    """Read labels; every bad row becomes a problem naming the manifest and the row."""
    if path is None:
        return Manifest(None)
    manifest = Manifest(path)
    try:
        text = _read_bounded(path)
        rows = list(_json_rows(text) if path.suffix.lower() == ".json" else _csv_rows(text))
    except (OSError, UnicodeDecodeError, ValueError, csv.Error, RecursionError) as error:
        if isinstance(error, RecursionError):
            error = ValueError("it is nested too deeply")
        elif isinstance(error, csv.Error):
            error = ValueError(f"it is not a CSV file AccessShare can read ({error})")
        reason = (error.strerror if isinstance(error, OSError) and error.strerror
                  else str(error)).rstrip(".")
        manifest.problems.append((path, f"The manifest {path.name} cannot be read: {reason}. "
                                        "Photos load without their labels."))
        return manifest
    for where, relpath, label in rows:
        problem = _check_row(root, relpath)
        if problem:
            manifest.problems.append((path, f"The manifest {path.name}, {where}: {problem}"))
        elif label:
            manifest.labels[_normalise(relpath)] = label
    return manifest


def _read_bounded(path: Path) -> str:
    """The manifest's text, read from a regular file and never more than MANIFEST_LIMIT."""
    try:
        data = read_regular(path, MANIFEST_LIMIT)
    except FileTooLarge:
        raise ValueError(f"it is larger than {MANIFEST_LIMIT >> 20} MB, more than any list of "
                         "labels needs") from None
    return data.decode("utf-8-sig")


def _check_row(root: Path, relpath: str) -> str | None:
    if not relpath:
        return "the row names no file."
    candidate = PurePosixPath(relpath.replace("\\", "/"))
    if candidate.is_absolute() or ".." in candidate.parts:
        return f"{relpath} is outside the dataset folder, so its label was ignored."
    try:
        target = resolve_safely(root / candidate)
    except OSError as problem:
        return str(problem)
    if not target.is_relative_to(root.resolve()):
        return f"{relpath} is outside the dataset folder, so its label was ignored."
    if not target.is_file():
        return f"{relpath} is missing from the dataset folder."
    return None


def _normalise(relpath: str) -> str:
    return str(PurePosixPath(relpath.replace("\\", "/")))


def _csv_rows(text: str):
    reader = csv.DictReader(text.splitlines())
    columns = {name.strip().lower(): name for name in (reader.fieldnames or [])}
    file_column = next((columns[c] for c in FILE_COLUMNS if c in columns), None)
    label_column = columns.get("label")
    if not file_column or not label_column:
        raise ValueError("it needs a header row with a 'file' column and a 'label' column")
    for number, row in enumerate(reader, start=2):
        yield f"line {number}", (row.get(file_column) or "").strip(), (row.get(label_column) or "").strip()


def _json_rows(text: str):
    data = json.loads(text)
    if isinstance(data, dict):
        items = [(f"entry {key!r}", key, value) for key, value in data.items()]
    elif isinstance(data, list):
        items = []
        for index, entry in enumerate(data, start=1):
            if not isinstance(entry, dict):
                raise ValueError(f"entry {index} is not an object with 'file' and 'label'")
            name = next((entry[c] for c in FILE_COLUMNS if c in entry), "")
            items.append((f"entry {index}", name, entry.get("label", "")))
    else:
        raise ValueError("it must be an object or a list")
    for where, name, label in items:
        yield where, str(name or "").strip(), str(label or "").strip()
