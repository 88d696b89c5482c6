"""Pinning contributors' keys in advance, from a pin file, so that even a contributor's first
log must be signed by the key the steward was given through a channel they trust.

A pin file is UTF-8 text, one contributor per line: the pseudonym, then the key's full
fingerprint (64 hex digits, as ``accessshare log verify`` prints it; spaces inside are
ignored) or the key itself (base64 of its 32 bytes). Blank lines and lines starting with "#"
are skipped::

    # contributors enrolled at the March session
    contributor-3f9a2c41d07e  9f53f7d0681a63c7 0c1d...  (64 hex digits in all)

A pseudonym already pinned to the same key is left as it is; one pinned to another key is
not changed (the line is named with the reason), and the other lines are still pinned.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from accessshare.records.chain import GENESIS_HASH, utc_timestamp
from accessshare.records.signing import fingerprint, short_fingerprint
from accessshare.records.store import PSEUDONYM
from accessshare.steward.store import StewardProblem, StewardStore

MAX_PIN_FILE_BYTES = 10 << 20
HEX_FINGERPRINT = re.compile(r"[0-9a-f]{64}")


@dataclass
class PinResult:
    file: str
    pinned: list[str] = field(default_factory=list)  # pseudonyms pinned now
    already: list[str] = field(default_factory=list)  # already pinned to the same key
    problems: list[str] = field(default_factory=list)  # one sentence per line not pinned

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def sentence(self) -> str:
        parts = [f"Pinned {len(self.pinned)} {_keys(len(self.pinned))} from {self.file}."]
        if self.already:
            parts.append(f"{len(self.already)} {'was' if len(self.already) == 1 else 'were'} "
                         "already pinned to the same key.")
        return " ".join([*parts, *self.problems])


def _keys(count: int) -> str:
    return "key" if count == 1 else "keys"


def pin_file(store: StewardStore, path: str | os.PathLike) -> PinResult:
    """Pin every key the file names (one transaction), and record it in the steward's log."""
    name = Path(path).name
    lines = _read_lines(Path(path))
    result = PinResult(name)
    wanted: list[tuple[str, str, str | None]] = []
    for number, line in lines:
        parsed = _parse(line)
        if isinstance(parsed, str):
            result.problems.append(f"Line {number} of {name} was not pinned: {parsed}.")
        else:
            wanted.append(parsed)
    now = utc_timestamp()
    with store.transaction() as connection:
        # In one order, so that two pin files at once cannot wait on each other's locks.
        for pseudonym, key_fingerprint, public_key in sorted(wanted):
            store.lock_contributor(connection, pseudonym)
            held = connection.execute(text(
                "SELECT fingerprint FROM steward_contributors WHERE pseudonym = :p"),
                {"p": pseudonym}).scalar()
            if held == key_fingerprint:
                result.already.append(pseudonym)
            elif held is not None:
                result.problems.append(
                    f"{pseudonym} was not pinned to the key {short_fingerprint(key_fingerprint)}"
                    f": the key {short_fingerprint(held)} is already pinned for them, and a "
                    "pinned key is never replaced.")
            else:
                connection.execute(text(
                    "INSERT INTO steward_contributors (pseudonym, fingerprint, public_key, "
                    "pinned_by, pinned_at, head_seq, head_hash) VALUES (:p, :f, :k, 'pin file', "
                    ":now, 0, :genesis)"),
                    {"p": pseudonym, "f": key_fingerprint, "k": public_key, "now": now,
                     "genesis": GENESIS_HASH})
                result.pinned.append(pseudonym)
        store.append_log(connection, "pin", {"file": name, "pinned": result.pinned,
                                             "already": result.already,
                                             "not_pinned": len(result.problems)})
    return result


def _read_lines(path: Path) -> list[tuple[int, str]]:
    try:
        if not path.is_file():
            raise StewardProblem(f"{path.name} is not a file; give a pin file (one "
                                 "'pseudonym fingerprint' per line).")
        if path.stat().st_size > MAX_PIN_FILE_BYTES:
            raise StewardProblem(f"{path.name} is too large to be a pin file.")
        content = path.read_text(encoding="utf-8-sig")
    except OSError as problem:
        raise StewardProblem(f"{path.name} cannot be read ({problem.strerror}).") from None
    except UnicodeDecodeError:
        raise StewardProblem(f"{path.name} is not a pin file: it is not UTF-8 text.") from None
    return [(number, line.strip()) for number, line in enumerate(content.splitlines(), 1)
            if line.strip() and not line.strip().startswith("#")]


def _parse(line: str) -> tuple[str, str, str | None] | str:
    """(pseudonym, fingerprint, public key or None), or why the line cannot be used."""
    pseudonym, _, rest = line.partition(" ")
    rest = "".join(rest.split())
    if not PSEUDONYM.fullmatch(pseudonym):
        return "it does not start with a contributor's pseudonym"
    if HEX_FINGERPRINT.fullmatch(rest.lower()):
        return pseudonym, rest.lower(), None
    try:
        raw = base64.b64decode(rest, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        return ("after the pseudonym it needs the key's full fingerprint (64 hex digits) or "
                "the key (base64)")
    return pseudonym, fingerprint(raw), base64.b64encode(raw).decode("ascii")
