"""Defensive file handling, used by every layer that reads photos or writes files.

- Only regular files are read: a device (``/dev/zero``), a pipe or a socket named like a
  photo is refused before a byte is read, and opening never waits (``O_NONBLOCK``), so a pipe
  with no writer cannot hang the app.
- Files are read in blocks, so hashing a multi-gigabyte file costs one block of memory.
- Every write goes to a new temporary file in the target's own folder, created with
  ``O_CREAT | O_EXCL | O_NOFOLLOW`` (so a planted link or file with that name is never opened),
  flushed to disk, then renamed over the target. A rename replaces a link at the target's
  name; it never writes into the file the link points to.
- ``resolve_safely`` turns a link loop (``RuntimeError`` from ``Path.resolve`` on Python 3.11,
  ``OSError`` on newer ones) into ``LinkProblem`` with a sentence.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO

READ_BLOCK = 1 << 20  # 1 MiB
O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
O_BINARY = getattr(os, "O_BINARY", 0)
_TEMPORARY = re.compile(r"\.(.+)\.[0-9a-f]{12}\.partial", re.DOTALL)


class NotRegularFile(OSError):
    """A path that names a device, pipe, socket or folder rather than a file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        super().__init__(f"{self.path.name or self.path} is not a regular file (it is a device, "
                         "pipe or socket), so it was not read.")

    def __str__(self) -> str:
        return self.args[0]


class LinkProblem(OSError):
    """A link that loops back on itself or cannot be followed; ``str()`` is one sentence."""

    def __str__(self) -> str:
        return self.args[0]


def resolve_safely(path: str | os.PathLike) -> Path:
    """``Path.resolve()``, with a loop reported as ``LinkProblem`` in words."""
    path = Path(path)
    try:
        return path.resolve()
    except (RuntimeError, OSError) as problem:
        if isinstance(problem, RuntimeError) or getattr(problem, "errno", None) == 40:
            raise LinkProblem(f"{path.name} is a link that leads back to itself (a loop); "
                              "it was skipped.") from None
        raise


def open_regular(path: str | os.PathLike, *, follow_links: bool = True) -> IO[bytes]:
    """Open a regular file for reading, refusing devices, pipes and sockets without waiting."""
    path = Path(path)
    info = os.stat(path) if follow_links else os.lstat(path)
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFile(path)
    flags = os.O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_BINARY | (0 if follow_links else O_NOFOLLOW)
    descriptor = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):  # swapped since the stat above
            raise NotRegularFile(path)
        return os.fdopen(descriptor, "rb", buffering=0)
    except BaseException:
        os.close(descriptor)
        raise


def iter_blocks(handle: IO[bytes], block: int = READ_BLOCK) -> Iterator[bytes]:
    while chunk := handle.read(block):
        yield chunk


def hash_file(path: str | os.PathLike, *, follow_links: bool = True) -> tuple[str, int]:
    """(SHA-256 hex, size) of a regular file, read in blocks."""
    digest, size = hashlib.sha256(), 0
    with open_regular(path, follow_links=follow_links) as handle:
        for chunk in iter_blocks(handle):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def read_regular(path: str | os.PathLike, limit: int) -> bytes:
    """The whole of a regular file no larger than ``limit`` bytes; ``FileTooLarge`` otherwise."""
    with open_regular(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise FileTooLarge(Path(path), size, limit)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(Path(path), len(data), limit)
    return data


class FileTooLarge(OSError):
    def __init__(self, path: Path, size: int, limit: int):
        self.path = path
        super().__init__(f"{path.name} is {size / 1e9:.1f} GB, larger than any photo AccessShare "
                         f"opens (the limit is {limit / 1e6:.0f} MB); it was not read.")

    def __str__(self) -> str:
        return self.args[0]


def is_utf8(text: str) -> bool:
    """Whether ``text`` can be kept as UTF-8: not when it holds bytes of another encoding
    (from a file name or a terminal argument; Python holds them as lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def temporary_name(target: Path) -> str:
    return f".{target.name}.{secrets.token_hex(6)}.partial"


def left_half_written(folder: Path, name: str | None = None) -> list[Path]:
    """The temporary files a killed writer left in ``folder`` (of the target ``name`` only,
    if given): regular files named as ``atomic_writer`` names them."""
    found = []
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            match = _TEMPORARY.fullmatch(entry.name)
            if match and (name is None or match[1] == name) \
                    and entry.is_file(follow_symlinks=False):
                found.append(Path(entry.path))
    return found


@contextlib.contextmanager
def atomic_writer(target: str | os.PathLike, mode: str = "wb", *, encoding: str | None = None,
                  newline: str | None = None, permissions: int = 0o644) -> Iterator[IO]:
    """Write ``target`` through a fresh temporary file in its folder, renamed over it at the
    end; on an error the temporary file is removed and the target is left as it was."""
    target = Path(target)
    temporary = target.with_name(temporary_name(target))
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_BINARY
    descriptor = os.open(temporary, flags, permissions)
    try:
        with os.fdopen(descriptor, mode, encoding=encoding, newline=newline) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    sync_folder(target.parent)


def write_atomically(target: str | os.PathLike, data: bytes | str, *,
                     encoding: str = "utf-8", permissions: int = 0o644) -> None:
    if isinstance(data, str):
        with atomic_writer(target, "w", encoding=encoding, newline="",
                           permissions=permissions) as out:
            out.write(data)
    else:
        with atomic_writer(target, "wb", permissions=permissions) as out:
            out.write(data)


def copy_atomically(source: str | os.PathLike, target: str | os.PathLike,
                    expected_hash: str | None = None) -> bool:
    """Copy a regular file to ``target`` (never through a link at ``target``). With
    ``expected_hash``, the copy is kept only if the bytes copied have that SHA-256."""
    digest = hashlib.sha256()
    try:
        with open_regular(source) as handle, atomic_writer(target) as out:
            for chunk in iter_blocks(handle):
                digest.update(chunk)
                out.write(chunk)
            if expected_hash is not None and digest.hexdigest() != expected_hash:
                raise _Mismatch
    except _Mismatch:
        return False
    return True


class _Mismatch(Exception):
    pass


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def file_lock(lock_file: Path, *, wait: bool = True) -> Iterator[bool]:
    """Hold an exclusive lock on ``lock_file`` (the kernel drops it if the process dies);
    yields whether it is held: with ``wait=False``, False while another process holds it.
    Where ``fcntl`` is missing (Windows) nothing is locked and True is yielded."""
    try:
        import fcntl
    except ImportError:
        yield True
        return
    descriptor = os.open(lock_file, os.O_RDWR | os.O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)


def overwrite_refusal(given: Path, own_folder: Path, *, allowed: Path | None = None,
                      databases: tuple[str | None, ...] = ()) -> str | None:
    """Why an output file must not be written at ``given``, in one sentence, or None: the
    name is empty or names a device, pipe or folder, or one of AccessShare's own files (in
    its data folder ``own_folder`` but under ``allowed``, or a SQLite database in
    ``databases`` with its journal files)."""
    target = resolve_safely(Path(given).expanduser().parent) / Path(given).name
    if not Path(given).name or (os.path.lexists(target) and not (
            target.is_symlink() or stat.S_ISREG(os.lstat(target).st_mode))):
        return (f"{Path(given).name or given} is not a regular file (a device, pipe or "
                "folder); choose a file name to write to.")
    own = is_inside(target, resolve_safely(own_folder)) and not (
        allowed is not None and is_inside(target, resolve_safely(allowed)))
    for database in filter(None, databases):
        database_path = resolve_safely(Path(database).expanduser())
        own |= (target.parent == database_path.parent
                and target.name.startswith(database_path.name))
    if own:
        return (f"{Path(given).name} is one of AccessShare's own files; choose a file outside "
                "its data folder.")
    return None


def is_inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies under it (both already resolved)."""
    return path == folder or folder in path.parents
