"""Deleting a photo for good, then checking that no copy remains.

Order of work, each step on the record before the next:
1. a ``requested`` tombstone (content hash, time, reason);
2. remove the photo file (no trash), its thumbnails and every other file in the data folder
   named by its hash, its cached descriptions and recognised text, the scan index entry, the
   photo's row (path and label), and every exported copy with its manifest row;
3. a ``done`` tombstone with counts;
4. verification: search the data folder, the dataset folder and every export folder for files
   named by the hash or holding the same bytes, and the database and text files for the
   description's words; a ``verified`` tombstone records the result (flags and counts only).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, select

from accessshare.config import AppPaths
from accessshare.consent.register import ExportRegister
from accessshare.library import ThumbnailCache
from accessshare.library.scanner import default_index_dir
from accessshare.records import RecordStore
from accessshare.records.models import Description, Photo

TEXT_SUFFIXES = {".json", ".jsonl", ".csv", ".txt", ".md", ".tmp"}
MAX_TEXT_SEARCH_BYTES = 20_000_000
MIN_PHRASE = 12  # shorter strings ("cup") would match unrelated files
MANIFEST = "manifest.csv"


class DeletionProblem(ValueError):
    """The photo cannot be deleted; ``str()`` is one plain sentence naming the file."""


@dataclass
class DeletionReport:
    photo_hash: str
    name: str
    exported_copies: int
    descriptions: int
    remaining: list[str] = field(default_factory=list)  # where a copy was still found

    @property
    def ok(self) -> bool:
        return not self.remaining

    @property
    def message(self) -> str:
        copies = {0: "", 1: " and 1 exported copy"}.get(
            self.exported_copies, f" and {self.exported_copies} exported copies")
        if self.ok:
            return f"Deleted {self.name}{copies}. No copy remains."
        found = "; ".join(self.remaining)
        return (f"Deleted {self.name}{copies}, but {len(self.remaining)} "
                f"{'copy remains' if len(self.remaining) == 1 else 'copies remain'}: {found}.")


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def exported_copies(paths: AppPaths, photo_hash: str) -> int:
    """How many exported copies of a photo still exist (for the confirmation sentence)."""
    return sum(1 for copy in ExportRegister(paths).copies_of(photo_hash) if copy.is_file())


def delete_photo(store: RecordStore, paths: AppPaths, photo_path: str | Path, reason: str, *,
                 dataset_root: str | Path | None = None, actor: str | None = None
                 ) -> DeletionReport:
    path = Path(photo_path)
    if not path.is_file():
        what = "a folder" if path.is_dir() else "not there"
        raise DeletionProblem(f"{path} is {what}; give the path of one photo file to delete.")
    if not reason or not reason.strip():
        raise DeletionProblem(f"Say why {path.name} is deleted: the reason is kept in the record.")
    try:
        photo_hash, size = file_hash(path), path.stat().st_size
    except OSError as problem:
        raise DeletionProblem(f"{path.name} cannot be read ({problem.strerror}), so it was not "
                              "deleted.") from None
    actor = actor or store.contributor()
    store.append_deletion(photo_hash=photo_hash, status="requested", actor=actor, reason=reason)
    phrases = _description_phrases(store, photo_hash)
    try:
        path.unlink()
    except OSError as problem:
        raise DeletionProblem(f"{path.name} could not be deleted ({problem.strerror}); nothing "
                              "else was removed.") from None
    files = 1 + _remove_named_by_hash(paths, photo_hash)
    copies = _remove_exported_copies(paths, photo_hash)
    descriptions = _forget_in_database(store, photo_hash)
    _forget_in_scan_index(paths, photo_hash)
    store.append_deletion(photo_hash=photo_hash, status="done", actor=actor, reason=reason,
                          detail={"files_removed": files, "exported_copies_removed": copies,
                                  "descriptions_removed": descriptions})
    root = Path(dataset_root) if dataset_root is not None else path.parent
    remaining = find_remains(store, paths, photo_hash, size, phrases, [root])
    store.append_deletion(photo_hash=photo_hash, status="verified", actor=actor, reason=reason,
                          detail={"ok": not remaining, "copies_found": len(remaining)})
    return DeletionReport(photo_hash, path.name, copies, descriptions, remaining)


def find_remains(store: RecordStore, paths: AppPaths, photo_hash: str, size: int | None,
                 phrases: list[str], extra_folders: list[Path]) -> list[str]:
    """Every place a copy of the photo, a file named by its hash, or its words were found."""
    remaining = []
    folders = [paths.data_dir, *extra_folders, *ExportRegister(paths).folders()]
    for file in _files_under(folders):
        if photo_hash in file.name:
            remaining.append(f"{file} is named by the photo's hash")
        elif _same_bytes(file, photo_hash, size):
            remaining.append(f"{file} holds the same photo")
        elif phrases and _holds_phrase(file, phrases):
            remaining.append(f"{file} holds words from its description")
    with store.session() as session:
        if session.scalars(select(Description.id).where(
                Description.content_hash == photo_hash)).first() is not None:
            remaining.append("the records database still holds its description")
    return remaining


def _description_phrases(store: RecordStore, photo_hash: str) -> list[str]:
    with store.session() as session:
        payloads = list(session.scalars(select(Description.payload).where(
            Description.content_hash == photo_hash)))
    phrases: set[str] = set()
    for payload in payloads:
        phrases.update(s for s in _strings(payload) if len(s) >= MIN_PHRASE)
    return sorted(phrases)


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value.strip()
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _remove_named_by_hash(paths: AppPaths, photo_hash: str) -> int:
    removed = int(ThumbnailCache(paths.thumbnails_dir).remove(photo_hash))
    for file in _files_under([paths.data_dir]):
        if photo_hash in file.name:
            file.unlink(missing_ok=True)
            removed += 1
    return removed


def _remove_exported_copies(paths: AppPaths, photo_hash: str) -> int:
    register = ExportRegister(paths)
    removed = 0
    for copy in register.copies_of(photo_hash):
        try:
            if copy.is_file() and file_hash(copy) == photo_hash:
                copy.unlink()
                removed += 1
        except OSError:
            continue  # left for verification to report
        _drop_manifest_rows(copy.parent / MANIFEST, photo_hash)
    register.forget(photo_hash)
    return removed


def _drop_manifest_rows(manifest: Path, photo_hash: str) -> None:
    """The export manifest names the photo and its label: drop its row."""
    try:
        text = manifest.read_text(encoding="utf-8-sig")
    except OSError:
        return
    rows = list(csv.reader(io.StringIO(text)))
    kept = [row for row in rows if photo_hash not in row]
    if len(kept) != len(rows):
        _write_csv(manifest, kept)


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows(rows)
    os.replace(temporary, path)


def _forget_in_database(store: RecordStore, photo_hash: str) -> int:
    """Delete cached descriptions and the photo row; on SQLite, overwrite the freed pages
    and empty the WAL so the words do not linger in the file."""
    sqlite = store.dialect == "sqlite"
    with store.engine.begin() as connection:
        if sqlite:
            connection.exec_driver_sql("PRAGMA secure_delete=ON")
        removed = connection.execute(delete(Description).where(
            Description.content_hash == photo_hash)).rowcount or 0
        connection.execute(delete(Photo).where(Photo.content_hash == photo_hash))
    if sqlite:
        _empty_wal(store)
    return removed


def _empty_wal(store: RecordStore) -> None:
    """Copy the WAL into the database and truncate it, outside any transaction. Best effort:
    another open reader can keep old frames, and verification then reports the words."""
    connection = store.engine.raw_connection()
    try:
        connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except Exception:  # noqa: BLE001 - verification below says what remains
        pass
    finally:
        connection.close()


def _forget_in_scan_index(paths: AppPaths, photo_hash: str) -> None:
    """The library's rescan index keeps each photo's name and EXIF facts (location, device)."""
    for index in default_index_dir(paths.data_dir).glob("*.json"):
        try:
            raw = json.loads(index.read_text(encoding="utf-8"))
            entries = raw["entries"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        kept = {k: v for k, v in entries.items()
                if not (isinstance(v, dict) and v.get("id") == photo_hash)}
        if len(kept) != len(entries):
            raw["entries"] = kept
            temporary = index.with_suffix(".tmp")
            temporary.write_text(json.dumps(raw), encoding="utf-8")
            os.replace(temporary, index)


def _files_under(folders: list[Path]) -> Iterator[Path]:
    seen: set[Path] = set()
    for folder in folders:
        if not folder.is_dir():
            continue
        for directory, _subdirs, names in os.walk(folder):
            for name in names:
                file = Path(directory) / name
                if file not in seen and file.is_file() and not file.is_symlink():
                    seen.add(file)
                    yield file


def _same_bytes(file: Path, photo_hash: str, size: int | None) -> bool:
    try:
        if size is not None and file.stat().st_size != size:
            return False
        return file_hash(file) == photo_hash
    except OSError:
        return False


def _holds_phrase(file: Path, phrases: list[str]) -> bool:
    if file.suffix.lower() not in TEXT_SUFFIXES and not file.name.startswith("records."):
        return False
    try:
        if file.stat().st_size > MAX_TEXT_SEARCH_BYTES:
            return False
        data = file.read_bytes()
    except OSError:
        return False
    return any(phrase.encode("utf-8") in data for phrase in phrases)
