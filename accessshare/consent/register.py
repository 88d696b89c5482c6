"""The export register: every photo copy the app exported, so deletion can find it again.

A JSON-lines file in the data directory, one line per exported folder and per copy::

    {"kind": "folder", "path": "/exports/research"}
    {"kind": "copy", "photo_hash": "...", "path": "/exports/research/coffee.jpg"}

Folders stay listed after their copies are deleted, so verification keeps searching them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from accessshare.config import AppPaths
from accessshare.library.files import write_atomically

REGISTER_FILE = "export-register.jsonl"
# Held while photos are exported or a deletion runs (``library.files.file_lock``), so that a
# deletion never runs between an export's reading of the consent state and its copies.
COPIES_LOCK = ".copies.lock"


class ExportRegister:
    def __init__(self, paths: AppPaths):
        self.file = paths.data_dir / REGISTER_FILE

    def entries(self) -> list[dict]:
        try:
            lines = self.file.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        entries = []
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a line cut short by a crash while appending: the copy was not made
            if isinstance(entry, dict):
                entries.append(entry)
        return entries

    def add(self, folder: Path, copies: Iterable[tuple[str, Path]],
            copy_hashes: dict[Path, str] | None = None) -> None:
        """Register a folder and its copies (photo hash, path), durably, before copying. A copy
        whose bytes differ from the photo's (a redacted copy) has its own hash in
        ``copy_hashes``, so that deletion knows the file for a copy of that photo."""
        lines = [{"kind": "folder", "path": str(Path(folder).resolve())}]
        for h, p in copies:
            line = {"kind": "copy", "photo_hash": h, "path": str(Path(p).resolve())}
            if copy_hashes and p in copy_hashes:
                line["copy_hash"] = copy_hashes[p]
            lines.append(line)
        self.file.parent.mkdir(parents=True, exist_ok=True)
        with self.file.open("a", encoding="utf-8") as out:
            out.write("".join(json.dumps(line) + "\n" for line in lines))
            out.flush()
            os.fsync(out.fileno())

    def copies_of(self, photo_hash: str) -> list[Path]:
        return list(self.copy_hashes_of(photo_hash))

    def copy_hashes_of(self, photo_hash: str) -> dict[Path, str]:
        """Each registered copy of a photo, with the hash its bytes had when written (the
        photo's own, or a redacted copy's)."""
        return {Path(e["path"]): copy_hash(e) or photo_hash for e in self.entries()
                if e.get("kind") == "copy" and e.get("photo_hash") == photo_hash}

    def folders(self) -> list[Path]:
        return list(dict.fromkeys(Path(e["path"]) for e in self.entries()
                                  if e.get("kind") == "folder"))

    def forget(self, photo_hash: str) -> None:
        """Drop the lines naming a deleted photo (their paths hold the contributor's words)."""
        entries = self.entries()
        kept = [e for e in entries if e.get("photo_hash") != photo_hash]
        if len(kept) != len(entries):
            write_atomically(self.file, "".join(json.dumps(e) + "\n" for e in kept))


def copy_hash(entry: dict) -> str | None:
    """The hash a registered copy's bytes had when it was written."""
    return entry.get("copy_hash") or entry.get("photo_hash")
