"""Scanning a dataset folder: content hashes, upright sizes, EXIF facts and labels.

Identity is the SHA-256 of the file's bytes, so a renamed or moved photo keeps its records.
A rescan re-hashes only files whose size or modification time changed; the rest come from a
small JSON index in the data directory. Bad files become ``Problem`` sentences naming the file,
and the rest of the folder still loads.
"""

from __future__ import annotations

import collections
import hashlib
import json
import os
import stat as stat_module
import threading
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from accessshare.library.decode import (DEFAULT_MAX_PIXELS, IMAGE_EXTENSIONS, looks_truncated,
                                        open_header)
from accessshare.library.errors import ImageProblem, describe_os_error
from accessshare.library.exif import NO_FACTS, ExifFacts, facts_from_exif, read_facts
from accessshare.library.files import (LinkProblem, NotRegularFile, iter_blocks, open_regular,
                                       resolve_safely, write_atomically)
from accessshare.library.jpeg_header import read_jpeg_header
from accessshare.library.manifest import find_manifest, read_manifest

INDEX_VERSION = 1
HEADER_BYTES = 1 << 20  # read before hashing: a file that is not a photo is never hashed
TAIL_BYTES = 4096  # kept while hashing, for the cut-short check
ROTATED_ORIENTATIONS = {5, 6, 7, 8}  # EXIF orientations that swap width and height


@dataclass
class PhotoInfo:
    id: str
    path: Path
    relpath: str
    size: int
    mtime: float
    width: int
    height: int
    format: str | None
    exif: ExifFacts = field(default_factory=ExifFacts)
    label: str | None = None
    problems: list[str] = field(default_factory=list)
    mtime_ns: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "path": str(self.path), "relpath": self.relpath, "bytes": self.size,
            "width": self.width, "height": self.height, "format": self.format,
            "label": self.label, "exif": self.exif.to_json(), "problems": list(self.problems),
        }


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "error": self.message}


@dataclass
class ScanResult:
    root: Path
    photos: list[PhotoInfo] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    hashed: int = 0  # files read and hashed in this scan (the rest came from the index)


@dataclass
class _Candidate:
    path: Path
    relpath: str
    size: int
    mtime_ns: int


def scan(root: str | Path, *, index_dir: str | Path | None = None,
         manifest: str | Path | None = None, max_pixels: int = DEFAULT_MAX_PIXELS,
         workers: int | None = None) -> ScanResult:
    """Scan ``root`` recursively and return every photo and every problem."""
    result = ScanResult(Path(root).resolve())
    for item in iter_scan(root, index_dir=index_dir, manifest=manifest, max_pixels=max_pixels,
                          workers=workers, stats=result):
        (result.photos if isinstance(item, PhotoInfo) else result.problems).append(item)
    result.photos.sort(key=lambda photo: photo.relpath)
    return result


def iter_scan(root: str | Path, *, index_dir: str | Path | None = None,
              manifest: str | Path | None = None, max_pixels: int = DEFAULT_MAX_PIXELS,
              workers: int | None = None, stats: ScanResult | None = None
              ) -> Iterator[PhotoInfo | Problem]:
    """Yield photos and problems as the walk reaches them, in the final order (by relative
    path, as ``scan`` sorts them), so the first photos of a large folder come at once.

    Nothing waits for the whole folder: each folder is listed when the walk reaches it, and a
    photo is yielded once it and everything before it is known (from the rescan index, or
    read and hashed by a few threads working a little ahead of the walk)."""
    root = Path(root)
    if not root.is_dir():
        raise NotADirectoryError(f"The dataset folder {root} does not exist or is not a folder.")
    root = root.resolve()
    labels_file = Path(manifest) if manifest else find_manifest(root)
    labels = read_manifest(root, labels_file)
    for path, message in labels.problems:
        yield Problem(path, message)
    index = _Index.load(index_dir, root)
    seen: set[str] = set()
    pipeline = _InOrder(max_pixels, workers)
    walked = False
    try:
        for found in pipeline.run(_walk(root), index, seen):
            if isinstance(found, _Fresh):
                if stats is not None:
                    stats.hashed += 1
                index.remember(found.item)
                found = found.item
            yield _with_label(found, labels.labels)
        walked = True
    finally:
        pipeline.close()
        if walked:  # a scan stopped early has not seen the rest, which may still be there
            index.keep_only(seen)
        index.save()


def _with_label(photo: PhotoInfo | Problem, labels: dict[str, str]) -> PhotoInfo | Problem:
    if isinstance(photo, PhotoInfo):
        photo.label = labels.get(photo.relpath)
    return photo


def _walk(root: Path) -> Iterator[_Candidate | Problem]:
    """Depth first, each folder listed only when reached and its entries sorted so that the
    files come out in the order of their relative paths (a folder sorts as its name plus "/")."""
    listings = [_listing(root, root)]
    while listings:
        item = next(listings[-1], _LISTED)
        if item is _LISTED:
            listings.pop()
        elif isinstance(item, Path):
            listings.append(_listing(root, item))
        elif item is not None:
            yield item


_LISTED = object()  # a folder's listing has no more entries


def _listing(root: Path, folder: Path) -> Iterator[_Candidate | Problem | Path | None]:
    """The folder's entries, classified one at a time as the walk asks (each costs a stat)."""
    try:
        with os.scandir(folder) as entries:
            ordered = sorted((entry for entry in entries if not entry.name.startswith(".")),
                             key=_walk_key)
    except OSError as error:
        yield Problem(folder, describe_os_error(folder, error, "folder")
                      + " Photos inside it were skipped.")
        return
    for entry in ordered:
        yield _classify(root, folder, entry)


def _walk_key(entry: os.DirEntry) -> str:
    try:
        is_folder = entry.is_dir(follow_symlinks=False)
    except OSError:
        is_folder = False
    return entry.name + "/" if is_folder else entry.name


def _classify(root: Path, folder: Path, entry: os.DirEntry
              ) -> _Candidate | Problem | Path | None:
    if not entry.is_symlink() and not entry.is_dir() \
            and os.path.splitext(entry.name)[1].lower() not in IMAGE_EXTENSIONS:
        return None  # most files that are not photos, without building a Path
    path = folder / entry.name  # parses the name only, not the whole path again
    try:
        if entry.is_symlink():
            target = resolve_safely(path)
            if not target.is_relative_to(root):
                return Problem(path, f"{path.name} is a link to a place outside the dataset folder "
                                     f"({target}); it was not followed.")
            if target.is_dir():
                return None  # the target is inside the dataset and is scanned there
        if entry.is_dir():
            return path
        if path.suffix.lower() not in IMAGE_EXTENSIONS:
            return None
        info = entry.stat()
        if not stat_module.S_ISREG(info.st_mode):
            return Problem(path, f"{path.name} is not a regular file, so it was skipped.")
    except LinkProblem as problem:
        return Problem(path, str(problem))
    except OSError as error:
        return Problem(path, describe_os_error(path, error))
    relpath = entry.path[len(str(root)) + 1:]
    if os.sep != "/":
        relpath = relpath.replace(os.sep, "/")
    return _Candidate(path, relpath, info.st_size, info.st_mtime_ns)


@dataclass
class _Fresh:
    """A photo (or problem) read in this scan, to be remembered in the index."""

    item: PhotoInfo | Problem


class _Group:
    """Files read and hashed together on one thread (one task per file costs more than
    hashing a small photo)."""

    def __init__(self):
        self.candidates: list[_Candidate] = []
        self.future: Future | None = None  # once handed to the threads


class _InOrder:
    """The walk runs on a thread of its own, a little ahead; new files are read on a few more;
    everything comes back in the walk's order, a photo as soon as it and all before it are
    known. So neither a slow folder listing nor a slow file late in the order holds back the
    photos before it."""

    FIRST_GROUP = 4  # files in the first group read: the first photo is not held for 32
    GROUP = 32
    AHEAD = 1024  # entries (photos, problems, groups) walked past the oldest not yet known
    GROUPS_PER_WORKER = 4  # groups handed to the threads and not yet taken back, per thread

    def __init__(self, max_pixels: int, workers: int | None):
        self.max_pixels = max_pixels
        self.workers = workers or min(8, (os.cpu_count() or 2) * 2)
        self.pool: ThreadPoolExecutor | None = None
        self.changed = threading.Condition()  # guards everything below
        self.waiting: collections.deque[PhotoInfo | Problem | _Group] = collections.deque()
        self.open_group: _Group | None = None  # the newest group, still being filled
        self.groups = 0  # handed to the threads so far
        self.in_flight = 0  # handed to the threads and not yet taken back
        self.walk_ended = False
        self.walk_failed: BaseException | None = None
        self.stopped = False

    def run(self, walk: Iterator[_Candidate | Problem], index: _Index, seen: set[str]
            ) -> Iterator[PhotoInfo | Problem | _Fresh]:
        """Yields photos and problems (``_Fresh`` when read in this scan); ``seen`` has every
        file walked once the walk has ended."""
        threading.Thread(target=self._walk, args=(walk, index, seen), name="scan-walk",
                         daemon=True).start()
        while True:
            with self.changed:
                front = self._front()
                while front is None and not (self.walk_ended and not self.waiting):
                    self.changed.wait()
                    front = self._front()
                if front is None:
                    if self.walk_failed is not None:
                        raise self.walk_failed
                    return
                self.waiting.popleft()
                self.changed.notify_all()  # the walk may go further ahead now
            if isinstance(front, _Group):
                assert front.future is not None
                for result in front.future.result():
                    yield _Fresh(result)
            else:
                yield front

    def close(self) -> None:
        with self.changed:
            self.stopped = True
            self.changed.notify_all()
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)

    # ---- the walk's thread --------------------------------------------------------------

    def _walk(self, walk: Iterator[_Candidate | Problem], index: _Index, seen: set[str]) -> None:
        try:
            for item in walk:
                known = None
                if isinstance(item, _Candidate):
                    seen.add(item.relpath)
                    known = index.lookup(item)
                with self.changed:
                    while self._too_far_ahead() and not self.stopped:
                        self.changed.wait()
                    if self.stopped:
                        return
                    if isinstance(item, _Candidate) and known is None:
                        self._read_later(item)
                    else:
                        self.waiting.append(known or item)
                    self.changed.notify_all()
            with self.changed:
                self._submit_open_group()
        except BaseException as error:  # noqa: BLE001 - raised again on the scan's thread
            self.walk_failed = error
        finally:
            with self.changed:
                self.walk_ended = True
                self.changed.notify_all()

    def _too_far_ahead(self) -> bool:
        return (len(self.waiting) > self.AHEAD
                or self.in_flight >= self.workers * self.GROUPS_PER_WORKER)

    def _read_later(self, candidate: _Candidate) -> None:
        if self.open_group is None:
            self.open_group = _Group()
            self.waiting.append(self.open_group)
        self.open_group.candidates.append(candidate)
        if len(self.open_group.candidates) >= (self.FIRST_GROUP if self.groups == 0 else self.GROUP):
            self._submit_open_group()

    # ---- either thread, holding ``changed`` -------------------------------------------

    def _front(self) -> PhotoInfo | Problem | _Group | None:
        """The oldest entry if it is known (a group is sent to be read if it was waiting
        for more files: the walk is slow, and nothing after it can come first)."""
        if not self.waiting:
            return None
        front = self.waiting[0]
        if not isinstance(front, _Group):
            return front
        if front.future is None:
            self._submit_open_group()
        assert front.future is not None
        if not front.future.done():
            return None
        self.in_flight -= 1
        return front

    def _submit_open_group(self) -> None:
        group, self.open_group = self.open_group, None
        if group is None or self.stopped:
            return
        if self.pool is None:
            self.pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="scan")
        group.future = self.pool.submit(self._read_group, group.candidates)
        group.future.add_done_callback(self._group_done)
        self.groups += 1
        self.in_flight += 1

    def _read_group(self, candidates: list[_Candidate]) -> list[PhotoInfo | Problem]:
        return [analyse(c.path, c.relpath, self.max_pixels, c) for c in candidates]

    def _group_done(self, _future: Future) -> None:
        with self.changed:
            self.changed.notify_all()


def analyse(path: Path, relpath: str, max_pixels: int = DEFAULT_MAX_PIXELS,
            candidate: _Candidate | None = None) -> PhotoInfo | Problem:
    """Read one file's header and EXIF without decoding its pixels, then hash it in blocks.

    Memory stays at about one block whatever the file's size, and a file that is not a photo
    is refused from its header before the rest of it is read."""
    try:
        handle = open_regular(path)
    except NotRegularFile as problem:
        return Problem(path, str(problem))
    except OSError as error:
        return Problem(path, describe_os_error(path, error))
    with handle:
        try:
            # The walk's size, when there was one (a file changed since is still read to its
            # end): a photo smaller than the header is read whole in one read of its own size,
            # not into a 1 MiB buffer (20,000 small photos, 20,000 large allocations).
            info = None if candidate else os.fstat(handle.fileno())
            size = candidate.size if candidate else info.st_size
            head, whole = _read_up_to(handle, min(HEADER_BYTES, size + 1))
            width, height, image_format, facts = _header_facts(head, handle, path, max_pixels)
            digest, size, tail = _hash_rest(handle, head, whole)
        except ImageProblem as problem:
            return Problem(path, problem.message)
        except OSError as error:
            return Problem(path, describe_os_error(path, error))
    if looks_truncated(tail, image_format):
        return Problem(path, f"The photo {path.name} is cut short (the file is truncated); "
                             "it cannot be shown.")
    if facts.orientation in ROTATED_ORIENTATIONS:
        width, height = height, width
    mtime_ns = candidate.mtime_ns if candidate else info.st_mtime_ns
    return PhotoInfo(id=digest, path=path, relpath=relpath, size=size, mtime=mtime_ns / 1e9,
                     mtime_ns=mtime_ns, width=width, height=height, format=image_format,
                     exif=facts)


def _read_up_to(handle, count: int) -> tuple[bytes, bool]:
    """Up to ``count`` bytes, and whether the end of the file was reached before them."""
    parts, remaining = [], count
    while remaining > 0:
        chunk = handle.read(remaining)
        if not chunk:
            return b"".join(parts), True
        parts.append(chunk)
        remaining -= len(chunk)
    return b"".join(parts), False


def _hash_rest(handle, head: bytes, whole: bool = False) -> tuple[str, int, bytes]:
    """SHA-256 of the whole file (``head`` is its start, or all of it when ``whole``), its
    size and its last bytes."""
    digest, size, tail = hashlib.sha256(head), len(head), head[-TAIL_BYTES:]
    if whole:
        return digest.hexdigest(), size, tail
    handle.seek(len(head))
    for chunk in iter_blocks(handle):
        digest.update(chunk)
        size += len(chunk)
        tail = (tail + chunk[-TAIL_BYTES:])[-TAIL_BYTES:]
    return digest.hexdigest(), size, tail


def _header_facts(head: bytes, handle, path: Path, max_pixels: int
                  ) -> tuple[int, int, str | None, ExifFacts]:
    """Stored size, format and EXIF facts, read from the header only (never the pixels)."""
    jpeg = read_jpeg_header(head) if head.startswith(b"\xff\xd8") else None
    if jpeg is None or jpeg.width * jpeg.height > max_pixels:
        handle.seek(0)
        with warnings.catch_warnings():  # a damaged EXIF block is not worth a line on stderr
            warnings.simplefilter("ignore")
            image = open_header(handle if head else b"", path, max_pixels=max_pixels)
            return image.size[0], image.size[1], image.format, read_facts(image)
    facts = ExifFacts()
    if jpeg.exif:
        exif = Image.Exif()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exif.load(jpeg.exif)
                facts = facts_from_exif(exif)
        except Exception:  # noqa: BLE001 - a broken EXIF block: the photo is still usable
            pass
    return jpeg.width, jpeg.height, "JPEG", facts


class _Index:
    """relpath -> (size, mtime) and what was learnt, so unchanged files are not re-read."""

    def __init__(self, file: Path | None, root: Path, entries: dict[str, dict]):
        self.file, self.root, self.entries = file, root, entries
        self.changed = False

    @classmethod
    def load(cls, index_dir: str | Path | None, root: Path) -> "_Index":
        if index_dir is None:
            return cls(None, root, {})
        key = hashlib.sha256(os.fsencode(root)).hexdigest()[:20]
        file = Path(index_dir) / f"scan-{key}.json"
        try:
            raw = json.loads(file.read_text(encoding="utf-8"))
            entries = raw["entries"] if raw.get("version") == INDEX_VERSION else {}
        except (OSError, ValueError, KeyError, TypeError):
            entries = {}
        return cls(file, root, entries)

    def lookup(self, candidate: _Candidate) -> PhotoInfo | None:
        entry = self.entries.get(candidate.relpath)
        if not entry or entry["size"] != candidate.size or entry["mtime_ns"] != candidate.mtime_ns:
            return None
        return PhotoInfo(id=entry["id"], path=candidate.path, relpath=candidate.relpath,
                         size=candidate.size, mtime=candidate.mtime_ns / 1e9,
                         mtime_ns=candidate.mtime_ns, width=entry["width"], height=entry["height"], format=entry["format"],
                         exif=ExifFacts.from_json(entry["exif"]))

    def remember(self, found: PhotoInfo | Problem) -> None:
        if not isinstance(found, PhotoInfo):
            return  # problems are re-checked every scan, so a fixed file is noticed
        self.entries[found.relpath] = {
            "size": found.size, "mtime_ns": found.mtime_ns, "id": found.id,
            "width": found.width, "height": found.height, "format": found.format,
            # {} for a photo without facts: 20,000 of those are a fifth of the file otherwise
            "exif": found.exif.to_json() if found.exif != NO_FACTS else {},
        }
        self.changed = True

    def keep_only(self, relpaths: set[str]) -> None:
        for stale in set(self.entries) - relpaths:
            del self.entries[stale]
            self.changed = True

    def save(self) -> None:
        """Best effort: the index only saves re-reading files, so a full disk or a read-only
        data folder costs time on the next scan, never the scan itself."""
        if self.file is None or not self.changed:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.file, json.dumps({"version": INDEX_VERSION,
                                                    "root": str(self.root),
                                                    "entries": self.entries}))
        except OSError:
            pass


def default_index_dir(data_dir: Path) -> Path:
    return data_dir / "index"


ScanCallback = Callable[[PhotoInfo | Problem], None]
