"""Deleting a photo's content for good, in two phases that survive a crash, then checking.

What may be deleted: a photo file (by its extension) inside a dataset folder the store knows
(one scanned, or one with a folder default), never a file of AccessShare's own data folder
and never a file anywhere else. A link is followed to the photo it names when that photo is
in a known dataset; the link goes too.

Deletion is about the content (its SHA-256), not a path. The steps, each safe to repeat:

1. the hash is noted in ``deletions-in-progress.json`` in the data folder, so this device
   (and only this one) finishes what it started;
2. a ``requested`` tombstone (hash, size, time, reason): from here on no decision made before
   it counts for this content (``consent.state``);
3. every file with those bytes in the known dataset folders (other paths, hard links), the
   links there that lead to them, and the path given;
4. exported copies (registered, or found by content in export folders) and their manifest rows;
5. thumbnails and every other file in the data folder named by the hash;
6. cached descriptions with the recognised text, and the photo's row (path and label); on
   SQLite with the freed pages overwritten and the WAL emptied;
7. the scan index entries (name and EXIF facts) and the export register's lines;
8. a ``done`` tombstone with counts;
9. the check: files named by the hash or holding the same bytes (data folder, known datasets,
   export folders), names of the same file elsewhere (hard links), and the photo's own
   recognised text where it could linger (text files, the records database file). Common
   words are never searched for: only recognised text that no other photo's description holds.
   A ``verified`` tombstone records the result (flags and counts only);
10. the in-progress note is removed.

``finish_unfinished`` (run when a command or the app starts) does steps 3 to 10 for every
deletion this device started and did not finish. Stopped before step 2, nothing was recorded
and the photo is untouched.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Text, cast, delete, select

from accessshare.config import AppPaths
from accessshare.consent.register import COPIES_LOCK, ExportRegister
from accessshare.consent.state import ConsentState
from accessshare.library import ThumbnailCache
from accessshare.library.decode import IMAGE_EXTENSIONS
from accessshare.library.files import (
    LinkProblem,
    NotRegularFile,
    file_lock,
    hash_file,
    is_inside,
    iter_blocks,
    left_half_written,
    open_regular,
    resolve_safely,
    write_atomically,
)
from accessshare.library.scanner import default_index_dir
from accessshare.records import RecordStore
from accessshare.records.models import Dataset, Description, Photo
from accessshare.sentences import en

TEXT_SUFFIXES = {".json", ".jsonl", ".csv", ".txt", ".md", ".tmp", ".partial"}
MIN_TEXT = 8  # recognised text shorter than this ("EXIT") proves nothing when found
MANIFEST = "manifest.csv"
JOURNAL = "deletions-in-progress.json"
Step = Callable[[str], None]


class DeletionProblem(ValueError):
    """The photo cannot be deleted; ``str()`` is one plain sentence naming the file."""


@dataclass
class DeletionReport:
    photo_hash: str
    name: str
    exported_copies: int
    descriptions: int
    remaining: list[str] = field(default_factory=list)  # where a copy was still found
    other_copies: int = 0  # other files with the same content in the dataset folders
    resumed: bool = False

    @property
    def ok(self) -> bool:
        return not self.remaining

    @property
    def message(self) -> str:
        """What was deleted and whether any copy remains (``sentences.en.deleted``)."""
        return en.deleted(self.name, self.other_copies, self.exported_copies, self.remaining,
                          self.resumed)


def file_hash(path: Path) -> str:
    return hash_file(path)[0]


def exported_copies(paths: AppPaths, photo_hash: str) -> int:
    """How many exported copies of a photo still exist (for the confirmation sentence)."""
    return sum(1 for copy in ExportRegister(paths).copies_of(photo_hash) if copy.is_file())


# --- deleting ---------------------------------------------------------------------------

def delete_photo(store: RecordStore, paths: AppPaths, photo_path: str | Path, reason: str, *,
                 dataset_root: str | Path | None = None, actor: str | None = None,
                 roots: list[Path] | None = None, on_step: Step | None = None
                 ) -> DeletionReport:
    """Delete the content of one photo everywhere the app knows it; see the module docstring.

    ``roots`` are the known dataset folders (worked out when not given); ``on_step`` is called
    with each step's name once it is done (tests stop the process there)."""
    step = on_step or (lambda _name: None)
    path = Path(photo_path)
    roots = list(roots) if roots is not None else known_dataset_roots(store)
    if dataset_root is not None:
        roots.append(resolve_safely(dataset_root))
    target = _checked_target(path, reason, paths, roots)
    photo_hash, size = _hash_or_refuse(target)
    actor = actor or store.contributor()
    own_text = _own_text(store, photo_hash)
    with file_lock(paths.data_dir / COPIES_LOCK):
        _journal_add(paths, photo_hash, store)
        step("noted")
        store.append_deletion(photo_hash=photo_hash, status="requested", actor=actor,
                              reason=reason, detail={"bytes": size})
        step("requested")
        work = _Work(store, paths, photo_hash, size, roots, step)
        work.remove_everything(extra=[path] if path.is_symlink() else [], first=target)
        return work.finish(actor, reason, own_text,
                           DeletionReport(photo_hash, path.name, work.exported,
                                          work.descriptions,
                                          other_copies=max(0, work.content_files - 1)))


def finish_unfinished(store: RecordStore, paths: AppPaths, on_step: Step | None = None
                      ) -> list[DeletionReport]:
    """Finish every deletion this device started and did not finish (after a crash or kill).
    While another process holds the deletion lock, its deletion is not interrupted: it is
    left to that process (and anything older to the next start)."""
    if not _journal_entries(paths):
        return []
    with file_lock(paths.data_dir / COPIES_LOCK, wait=False) as held:
        return _finish_unfinished(store, paths, on_step) if held else []


def _finish_unfinished(store: RecordStore, paths: AppPaths, on_step: Step | None
                       ) -> list[DeletionReport]:
    entries = _journal_entries(paths)
    reports = []
    roots = known_dataset_roots(store)
    for photo_hash, after_seq in entries.items():
        steps = [e for e in store.events(photo_hash=photo_hash, kind="deletion")
                 if e.seq > after_seq]
        statuses = {e.status for e in steps}
        if "requested" not in statuses or "verified" in statuses:
            _journal_remove(paths, photo_hash)  # never started, or already finished
            continue
        requested = next(e for e in steps if e.status == "requested")
        size = _detail(requested).get("bytes")
        work = _Work(store, paths, photo_hash, size if isinstance(size, int) else None, roots,
                     on_step or (lambda _name: None))
        own_text = _own_text(store, photo_hash)
        if "done" not in statuses:
            work.remove_everything(extra=[], first=None)
        else:
            work.done_already = True
        reports.append(work.finish(requested.actor, requested.reason, own_text, DeletionReport(
            photo_hash, photo_hash[:12], work.exported, work.descriptions, resumed=True)))
    return reports


def known_dataset_roots(store: RecordStore) -> list[Path]:
    """Folders scanned into the store and folders with a default in the verified chain."""
    with store.session() as session:
        scanned = set(session.scalars(select(Dataset.root)))
    state = ConsentState.load(store)
    return [Path(root) for root in sorted(scanned | (state.roots if state.ok else set()))]


def _checked_target(path: Path, reason: str, paths: AppPaths, roots: list[Path]) -> Path:
    """The photo file to delete (a link's target), or DeletionProblem saying why not."""
    name = path.name or str(path)
    data_dir = resolve_safely(paths.data_dir)
    try:
        target = resolve_safely(path)
    except LinkProblem as problem:
        raise DeletionProblem(f"{problem} Nothing was deleted.") from None
    if is_inside(target, data_dir) or is_inside(resolve_safely(path.parent), data_dir):
        raise DeletionProblem(f"{name} is part of AccessShare's own records, not a photo; "
                              "nothing was deleted.")
    if not os.path.lexists(path) or not target.exists():
        raise DeletionProblem(f"{path} is not there; give the path of one photo file to delete.")
    if target.is_dir():
        raise DeletionProblem(f"{path} is a folder; give the path of one photo file to delete.")
    if not reason or not reason.strip():
        raise DeletionProblem(f"Say why {name} is deleted: the reason is kept in the record.")
    inside_known = any(is_inside(target, root) for root in roots)
    if target.suffix.lower() not in IMAGE_EXTENSIONS or not inside_known:
        raise DeletionProblem(f"{name} is not a photo in a dataset folder AccessShare knows; "
                              "nothing was deleted.")
    return target


def _hash_or_refuse(target: Path) -> tuple[str, int]:
    """The content to delete. An empty file is refused: every empty file has its "content",
    and deleting that everywhere would remove files that are not photos at all."""
    try:
        photo_hash, size = hash_file(target)
        if size == 0:
            raise DeletionProblem(f"{target.name} is empty (0 bytes), so it holds no photo to "
                                  "delete; nothing was deleted.")
        return photo_hash, size
    except NotRegularFile as problem:
        raise DeletionProblem(f"{problem} Nothing was deleted.") from None
    except OSError as problem:
        reason = problem.strerror or str(problem)
        raise DeletionProblem(f"{target.name} cannot be read ({reason}), so it was not "
                              "deleted.") from None


class _Work:
    """Steps 3 to 9 for one content hash; every step can be repeated."""

    def __init__(self, store: RecordStore, paths: AppPaths, photo_hash: str, size: int | None,
                 roots: list[Path], step: Step):
        self.store, self.paths, self.photo_hash, self.size = store, paths, photo_hash, size
        self.roots, self.step = roots, step
        self.content_files = self.exported = self.descriptions = self.named = 0
        self.inodes: dict[tuple[int, int], list[int]] = {}  # (dev, ino) -> [names, names removed]
        self.done_already = False
        self.unreachable: list[Path] = []  # exported copies in a folder that is not there now

    def remove_everything(self, extra: list[Path], first: Path | None) -> None:
        self._remove_content(first, extra)
        self.step("photo files")
        self.exported = self._remove_exported_copies()
        self.step("exported copies")
        self.named = _remove_named_by_hash(self.paths, self.photo_hash)
        self.step("named by hash")
        self.descriptions = _forget_in_database(self.store, self.photo_hash)
        self.step("database")
        _forget_in_scan_index(self.paths, self.photo_hash)
        ExportRegister(self.paths).forget(self.photo_hash)
        self.step("indexes")

    def finish(self, actor: str, reason: str | None, own_text: list[str],
               report: DeletionReport) -> DeletionReport:
        if not self.done_already:
            self.store.append_deletion(
                photo_hash=self.photo_hash, status="done", actor=actor, reason=reason,
                detail={"files_removed": self.content_files + self.named,
                        "exported_copies_removed": self.exported,
                        "descriptions_removed": self.descriptions})
            self.step("done")
        folders = [self.paths.data_dir, *self.roots, *ExportRegister(self.paths).folders()]
        report.remaining = [f"{copy} could not be reached (its folder is missing: perhaps on "
                            "a drive that is not connected)" for copy in self.unreachable]
        report.remaining += find_remains(self.store, self.photo_hash, self.size, own_text,
                                         folders, self._names_elsewhere())
        self.store.append_deletion(photo_hash=self.photo_hash, status="verified", actor=actor,
                                   reason=reason, detail={"ok": report.ok,
                                                          "copies_found": len(report.remaining)})
        self.step("verified")
        _journal_remove(self.paths, self.photo_hash)
        return report

    def _remove_content(self, first: Path | None, links: list[Path]) -> None:
        """Every file with the content in the known datasets, and the links leading to them."""
        found = [first] if first is not None else []
        leading: list[Path] = list(links)
        data_dir = resolve_safely(self.paths.data_dir)
        for root in self.roots:
            for file in _walk(root, skip=data_dir):
                if file.is_symlink():
                    leading.append(file)
                elif file != first and self._same_content(file):
                    found.append(file)
        removed = set()
        for file in found:
            if self._unlink_content(file):
                removed.add(file)
        for link in leading:
            try:
                if resolve_safely(link) in removed or link in links:
                    link.unlink()
            except OSError:
                continue

    def _same_content(self, file: Path) -> bool:
        try:
            info = os.lstat(file)
            if not stat.S_ISREG(info.st_mode) or (self.size is not None
                                                  and info.st_size != self.size):
                return False
            return hash_file(file, follow_links=False)[0] == self.photo_hash
        except OSError:
            return False

    def _unlink_content(self, file: Path) -> bool:
        try:
            info = os.lstat(file)
            if not stat.S_ISREG(info.st_mode) \
                    or hash_file(file, follow_links=False)[0] != self.photo_hash:
                return False
            file.unlink()
        except OSError:
            return False
        counts = self.inodes.setdefault((info.st_dev, info.st_ino), [info.st_nlink, 0])
        counts[1] += 1
        self.content_files += 1
        return True

    def _names_elsewhere(self) -> int:
        """Names of the deleted files that were outside every folder searched (hard links)."""
        return sum(max(0, names - removed) for names, removed in self.inodes.values())

    def _remove_exported_copies(self) -> int:
        register = ExportRegister(self.paths)
        removed = 0
        for copy, written_hash in register.copy_hashes_of(self.photo_hash).items():
            if not copy.parent.is_dir():
                self.unreachable.append(copy)
            elif _unlink_if_holds(copy, written_hash):  # a redacted copy has its own bytes
                removed += 1
            for half_written in left_half_written(copy.parent, copy.name):  # export killed
                half_written.unlink(missing_ok=True)
        for folder in register.folders():
            for file in _walk(folder):
                if not file.is_symlink() and self._same_content(file) \
                        and _unlink_if_holds(file, self.photo_hash):
                    removed += 1
            _drop_manifest_rows(folder / MANIFEST, self.photo_hash)
            for half_written in left_half_written(folder, MANIFEST):  # may name the photo
                half_written.unlink(missing_ok=True)
        return removed


def _unlink_if_holds(path: Path, photo_hash: str) -> bool:
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode) \
                or hash_file(path, follow_links=False)[0] != photo_hash:
            return False
        path.unlink()
        return True
    except OSError:
        return False


# --- the check ----------------------------------------------------------------------------

def find_remains(store: RecordStore, photo_hash: str, size: int | None, own_text: list[str],
                 folders: list[Path], names_elsewhere: int = 0) -> list[str]:
    """Every place a copy of the photo, a file named by its hash, or its own recognised text
    was found, in words."""
    remaining = []
    needles = _needles(own_text)
    for file in _files_under(folders):
        if photo_hash in file.name:
            remaining.append(f"{file} is named by the photo's hash")
        elif _same_bytes(file, photo_hash, size):
            remaining.append(f"{file} holds the same photo")
        elif needles and _holds_text(file, needles):
            remaining.append(f"{file} holds text recognised in the photo")
    if names_elsewhere:
        remaining.append(f"{names_elsewhere} more {'name' if names_elsewhere == 1 else 'names'} "
                         "(a hard link) of the same file "
                         f"{'is' if names_elsewhere == 1 else 'are'} outside the folders "
                         "AccessShare knows")
    with store.session() as session:
        if session.scalars(select(Description.id).where(
                Description.content_hash == photo_hash)).first() is not None:
            remaining.append("the records database still holds its description")
        if session.get(Photo, photo_hash) is not None:
            remaining.append("the records database still holds its name and label")
    return remaining


def _own_text(store: RecordStore, photo_hash: str) -> list[str]:
    """The photo's recognised text that no other photo's description holds: finding it later
    means a copy of this photo's words, never a common word of another photo."""
    with store.session() as session:
        payloads = list(session.scalars(select(Description.payload).where(
            Description.content_hash == photo_hash)))
        lines: set[str] = set()
        for payload in payloads:
            lines.update(line for line in _recognised(payload) if len(line) >= MIN_TEXT)
        own = []
        for line in sorted(lines):
            pattern = "%" + _like_escape(json.dumps(line)[1:-1]) + "%"
            shared = session.scalars(select(Description.id).where(
                Description.content_hash != photo_hash,
                cast(Description.payload, Text).like(pattern, escape="\\")).limit(1)).first()
            if shared is None:
                own.append(line)
    return own


def _recognised(payload) -> Iterator[str]:
    if not isinstance(payload, dict):
        return
    for entry in payload.get("text") or []:
        text = entry.get("text") if isinstance(entry, dict) else entry
        if isinstance(text, str) and text.strip():
            yield text.strip()


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _needles(lines: list[str]) -> list[bytes]:
    """The text as it is written in a file, and as JSON escapes it in the database."""
    found = set()
    for line in lines:
        found.add(line.encode("utf-8"))
        found.add(json.dumps(line)[1:-1].encode("utf-8"))
    return sorted(found)


def _holds_text(file: Path, needles: list[bytes]) -> bool:
    if file.suffix.lower() not in TEXT_SUFFIXES and not file.name.startswith("records."):
        return False
    overlap = max(len(n) for n in needles)
    try:
        with open_regular(file, follow_links=False) as handle:
            carried = b""
            for block in iter_blocks(handle):
                window = carried + block
                if any(needle in window for needle in needles):
                    return True
                carried = window[-overlap:]
    except OSError:
        return False
    return False


def _same_bytes(file: Path, photo_hash: str, size: int | None) -> bool:
    try:
        if size is not None and file.lstat().st_size != size:
            return False
        return hash_file(file, follow_links=False)[0] == photo_hash
    except OSError:
        return False


def _files_under(folders: list[Path]) -> Iterator[Path]:
    seen: set[Path] = set()
    for folder in folders:
        for file in _walk(folder):
            if file not in seen and not file.is_symlink():
                seen.add(file)
                yield file


def _walk(folder: Path, skip: Path | None = None) -> Iterator[Path]:
    """Files and links under ``folder``, without following links to folders (and never
    inside ``skip``, AccessShare's own data folder)."""
    if not folder.is_dir():
        return
    for directory, subdirs, names in os.walk(folder):
        if skip is not None:
            subdirs[:] = [d for d in subdirs if Path(directory) / d != skip]
        for name in names:
            yield Path(directory) / name


# --- the records and indexes ----------------------------------------------------------------

def _remove_named_by_hash(paths: AppPaths, photo_hash: str) -> int:
    removed = int(ThumbnailCache(paths.thumbnails_dir).remove(photo_hash))
    for file in _walk(paths.data_dir):
        if photo_hash in file.name:
            file.unlink(missing_ok=True)
            removed += 1
    return removed


def _drop_manifest_rows(manifest: Path, photo_hash: str) -> None:
    """The export manifest names the photo and its label: drop its row."""
    try:
        with open_regular(manifest, follow_links=False) as handle:
            text = handle.read().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return
    rows = list(csv.reader(io.StringIO(text)))
    kept = [row for row in rows if photo_hash not in row]
    if len(kept) != len(rows):
        out = io.StringIO()
        csv.writer(out).writerows(kept)
        write_atomically(manifest, "\ufeff" + out.getvalue())


def _forget_in_database(store: RecordStore, photo_hash: str) -> int:
    """Delete cached descriptions and the photo row; on SQLite, overwrite the freed pages
    and empty the WAL so the words do not linger in the file."""
    sqlite = store.dialect == "sqlite"
    with store.writing(), store.engine.begin() as connection:
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
    another open reader can keep old frames, and the check below then reports the words."""
    connection = store.engine.raw_connection()
    try:
        connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except Exception:  # noqa: BLE001 - the check says what remains
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
            write_atomically(index, json.dumps(raw))


def _detail(event) -> dict:
    try:
        detail = json.loads(event.detail) if event.detail else {}
    except ValueError:
        return {}
    return detail if isinstance(detail, dict) else {}


# --- the in-progress note -------------------------------------------------------------------

def _journal_file(paths: AppPaths) -> Path:
    return paths.data_dir / JOURNAL


def _journal_entries(paths: AppPaths) -> dict[str, int]:
    """hash -> the chain's length when the deletion began."""
    try:
        raw = json.loads(_journal_file(paths).read_text(encoding="utf-8"))
        return {h: int(seq) for h, seq in raw["deletions"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _journal_add(paths: AppPaths, photo_hash: str, store: RecordStore) -> None:
    entries = _journal_entries(paths)
    entries[photo_hash] = store.kept_head().seq
    write_atomically(_journal_file(paths), json.dumps({"deletions": entries}))


def _journal_remove(paths: AppPaths, photo_hash: str) -> None:
    entries = _journal_entries(paths)
    if entries.pop(photo_hash, None) is not None:
        write_atomically(_journal_file(paths), json.dumps({"deletions": entries}))
