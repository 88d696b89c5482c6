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

A pinned key is replaced only by ``repin`` (``accessshare steward repin``), when the contributor
confirms, by a channel the steward trusts, that their device key was made anew (lost, a data
folder restored without it): with a reason, recorded in the steward's log and in
``steward_key_replacements``, and keeping the history held, which the new key's logs must
still extend.
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
MAX_REASON = 500  # characters of a key replacement's reason
REPLACED = "key replaced"  # steward_contributors.pinned_by after a replacement
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
                    f": the key {short_fingerprint(held)} is already pinned for them, and a pin "
                    "file never replaces a key ('accessshare steward repin' does, on the "
                    "record).")
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
    if not PSEUDONYM.fullmatch(pseudonym):
        return "it does not start with a contributor's pseudonym"
    key = _key(rest)
    if key is None:
        return ("after the pseudonym it needs the key's full fingerprint (64 hex digits) or "
                "the key (base64)")
    return (pseudonym, *key)


def _key(given: str) -> tuple[str, str | None] | None:
    """(fingerprint, public key or None) of a full fingerprint (spaces inside ignored) or a
    key (base64 of its 32 bytes); None for anything else."""
    given = "".join(given.split())
    if HEX_FINGERPRINT.fullmatch(given.lower()):
        return given.lower(), None
    try:
        raw = base64.b64decode(given, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        return None
    return fingerprint(raw), base64.b64encode(raw).decode("ascii")


# --- replacing a pinned key ------------------------------------------------------------------

@dataclass(frozen=True)
class RepinResult:
    ok: bool
    sentence: str
    log_seq: int | None = None  # the steward's log entry that records it (or its refusal)


def repin(store: StewardStore, pseudonym: str, new_key: str, reason: str | None) -> RepinResult:
    """Replace the key pinned for ``pseudonym`` by ``new_key`` (a full fingerprint or the
    key), deliberately: only when asked, with a reason, recorded in the steward's log and in
    ``steward_key_replacements``. The history held stays: a log signed by the new key must
    still extend the head held, or it is refused as a fork or an older log. A refusal is one
    sentence, and is recorded too."""
    problem, key = _repin_input(pseudonym, new_key, reason)
    if problem is None and key is not None:
        replaced = _replace_key(store, pseudonym, key, (reason or "").strip())
        if isinstance(replaced, RepinResult):
            return replaced
        problem = replaced
    sentence = f"No key was replaced: {problem}."
    entry = store.record("repin", {"contributor": pseudonym[:64], "outcome": "not replaced",
                                   "sentence": sentence})
    return RepinResult(False, sentence, entry.seq)


def _repin_input(pseudonym: str, new_key: str, reason: str | None
                 ) -> tuple[str | None, tuple[str, str | None] | None]:
    if not PSEUDONYM.fullmatch(pseudonym):
        return f"{pseudonym[:64]!r} is not a contributor's pseudonym", None
    key = _key(new_key)
    if key is None:
        return ("the new key must be given by its full fingerprint (64 hex digits, as "
                "'accessshare log verify FILE' reads it out from the contributor's new log) "
                "or by the key itself (base64)"), None
    if not (reason or "").strip():
        return ("say why with --reason, for example --reason \"device key lost; new "
                "fingerprint confirmed by phone\""), None
    if len(reason or "") > MAX_REASON:
        return f"the reason is longer than {MAX_REASON} characters", None
    return None, key


def _replace_key(store: StewardStore, pseudonym: str, key: tuple[str, str | None],
                 reason: str) -> RepinResult | str:
    """The replacement done, or why not (a clause)."""
    new_fingerprint, public_key = key
    with store.transaction() as connection:
        store.lock_contributor(connection, pseudonym)
        held = connection.execute(text(
            "SELECT fingerprint, head_seq FROM steward_contributors WHERE pseudonym = :p"),
            {"p": pseudonym}).first()
        if held is None:
            return (f"no key is pinned for {pseudonym}, so there is none to replace; their "
                    "first log pins its key, or pin one in advance with 'accessshare steward "
                    "pin'")
        if held.fingerprint == new_fingerprint:
            return (f"the key {short_fingerprint(new_fingerprint)} is already the one pinned "
                    f"for {pseudonym}")
        now = utc_timestamp()
        entry = store.append_log(connection, "repin", {
            "contributor": pseudonym, "outcome": "replaced", "old_fingerprint": held.fingerprint,
            "new_fingerprint": new_fingerprint, "reason": reason})
        connection.execute(text(
            "INSERT INTO steward_key_replacements (pseudonym, old_fingerprint, new_fingerprint, "
            "reason, time, actor, log_seq) VALUES (:p, :old, :new, :reason, :now, :actor, :seq)"),
            {"p": pseudonym, "old": held.fingerprint, "new": new_fingerprint, "reason": reason,
             "now": now, "actor": store.actor, "seq": entry.seq})
        connection.execute(text(
            "UPDATE steward_contributors SET fingerprint = :new, public_key = :key, "
            f"pinned_by = '{REPLACED}', pinned_at = :now WHERE pseudonym = :p"),
            {"new": new_fingerprint, "key": public_key, "now": now, "p": pseudonym})
    held_events = (f"the {held.head_seq} event held stays" if held.head_seq == 1
                   else f"the {held.head_seq} events held stay")
    return RepinResult(True, (
        f"Replaced the key pinned for {pseudonym}: {short_fingerprint(held.fingerprint)} is no "
        f"longer taken, {short_fingerprint(new_fingerprint)} is; {held_events}, "
        "and a log signed by the new key must still extend them. Recorded in the steward's "
        f"log (entry {entry.seq})."), entry.seq)
