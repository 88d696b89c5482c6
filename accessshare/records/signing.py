"""The device key, signed documents and the kept chain head: what lets a consent log be
trusted away from the database that holds it. Qt-free and apart from the rest of the app (it
needs only ``cryptography`` and ``library.files``), so a steward's store can pin a contributor's key and refuse an
older log (rollback) or one that departs from the history it holds (a fork) with it.

Device key
    One Ed25519 key per data folder, ``<data dir>/device-key.pem`` (PKCS#8 PEM, unencrypted),
    made on first use with owner-only permissions (0600); a key file that other users can
    read is refused. Its public half travels as base64 of the 32 raw bytes. Its fingerprint
    is the SHA-256 of those 32 bytes in hex; people are shown its first 16 hex digits in
    groups of four (``short_fingerprint``).

Signed documents, format ``accessshare-signature/1``
    A JSON object is signed by adding one top-level member::

        "signature": {"format": "accessshare-signature/1", "algorithm": "Ed25519",
                      "public_key": "<base64, 32 bytes>", "key_fingerprint": "<hex>",
                      "value": "<base64, 64 bytes>"}

    The signed message is ``b"accessshare-signature/1\\n"`` followed by the canonical JSON of
    the object without its "signature" member: keys sorted at every level, no whitespace
    (separators "," and ":"), non-ASCII characters as themselves, encoded as UTF-8. So any
    change to any value, key or list order changes the message; re-indenting does not.

Chain head, format ``accessshare-head/1``
    The head of the event chain is ``(seq, hash)``: the number of the last event and its hash
    (``0`` and 64 zeros for an empty chain). The store keeps it in three places:

    - the database's ``chain_head`` row, changed in the same transaction as each append, and
      only when the chain still ends at the head it holds;
    - a head file, ``<data dir>/chain-heads/<store id>.json``, written after each commit
      through a temporary file and a rename, and signed like a document::

          {"format": "accessshare-head/1", "store_id": "...", "database": "<address, no
           password>", "seq": 12, "hash": "...", "time": "2026-...Z", "signature": {...}}

      It moves forward only when the chain still holds the head it names (the new head
      extends the old), so the evidence of a cut or a rewrite is never overwritten;
    - every signed export, as ``"chain": {"head_seq": 12, "head": "...", "store_id": ...}``.

    A chain *extends* a head when its event number ``seq`` has that ``hash``. A chain with
    fewer events had events cut off its end; a different hash at that place means the log was
    rewritten up to there (every later hash recomputed) or forked. A steward holding an
    earlier head of a contributor applies the same rule to a newer export.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import secrets
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (Ed25519PrivateKey,
                                                               Ed25519PublicKey)

from accessshare.library.files import file_lock, write_atomically

KEY_FILE = "device-key.pem"
HEADS_FOLDER = "chain-heads"
KEY_HISTORY_FOLDER = "key-history"  # what an earlier device key signed (``records.key_history``)
SIGNATURE_FORMAT = "accessshare-signature/1"
HEAD_FORMAT = "accessshare-head/1"
GENESIS = "0" * 64


class KeyProblem(RuntimeError):
    """The device key cannot be used; ``str()`` is one plain sentence."""


# --- the device key -----------------------------------------------------------------------

@dataclass(frozen=True)
class DeviceKey:
    private: Ed25519PrivateKey

    @classmethod
    def load_or_create(cls, data_dir: str | os.PathLike) -> "DeviceKey":
        """This data folder's key, made (owner-only) on first use."""
        path = Path(data_dir) / KEY_FILE
        if not path.exists():
            _create_key_file(path)
        return cls(_load_key_file(path))

    @property
    def public_raw(self) -> bytes:
        return self.private.public_key().public_bytes(serialization.Encoding.Raw,
                                                      serialization.PublicFormat.Raw)

    @property
    def public_key(self) -> str:
        return base64.b64encode(self.public_raw).decode("ascii")

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_raw)

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self.private.sign(message)).decode("ascii")


def fingerprint(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()


def short_fingerprint(full: str) -> str:
    """"3f2a 9c01 77de 0b41": what a person compares by ear or by eye."""
    return " ".join(full[i:i + 4] for i in range(0, 16, 4))


def _create_key_file(path: Path) -> None:
    """Write a new key beside ``path`` and link it into place: two first runs at once end up
    with one key, and a half-written key is never seen."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.partial")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                         | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(pem)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _load_key_file(path: Path) -> Ed25519PrivateKey:
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode):
            raise KeyProblem(f"The device key {path} is not a regular file, so nothing can be "
                             "signed with it.")
        if os.name == "posix" and info.st_mode & 0o077:
            raise KeyProblem(f"The device key {path} can be read by other users, so what it "
                             f"signs cannot be trusted; make it private with: chmod 600 '{path}'.")
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as problem:
        raise KeyProblem(f"The device key {path} cannot be read ({problem.strerror}).") from None
    except ValueError:
        raise KeyProblem(f"The device key {path} is damaged, so nothing can be signed with it."
                         ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyProblem(f"The device key {path} is not an Ed25519 key.")
    return key


# --- signed documents -----------------------------------------------------------------------

def canonical_bytes(document: dict[str, Any]) -> bytes:
    """The exact bytes a signature covers (see the module docstring)."""
    body = {k: v for k, v in document.items() if k != "signature"}
    return signed_message(json.dumps(body, sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=False))


def signed_message(canonical_text: str) -> bytes:
    """The bytes signed for a document whose canonical JSON (without "signature") is given."""
    return SIGNATURE_FORMAT.encode("ascii") + b"\n" + canonical_text.encode("utf-8")


def sign_document(document: dict[str, Any], key: DeviceKey) -> dict[str, Any]:
    """The ``{"signature": {...}}`` member to add to ``document``."""
    return {"signature": {"format": SIGNATURE_FORMAT, "algorithm": "Ed25519",
                          "public_key": key.public_key, "key_fingerprint": key.fingerprint,
                          "value": key.sign(canonical_bytes(document))}}


@dataclass(frozen=True)
class SignatureCheck:
    ok: bool
    sentence: str  # "signed by the key 3f2a 9c01 77de 0b41" or what is wrong
    fingerprint: str | None = None


def check_signature(document: Any, message: Callable[[dict[str, Any]], bytes] = canonical_bytes
                    ) -> SignatureCheck:
    """Whether ``document`` carries a valid signature; never raises. ``message``: a quicker
    way to its ``canonical_bytes``, giving the same bytes (the verifier of exports has most of
    the text already)."""
    block = document.get("signature") if isinstance(document, dict) else None
    if not isinstance(block, dict):
        return SignatureCheck(False, "it carries no signature, so a log rewritten with every "
                                     "hash recomputed could not be told apart")
    if block.get("format") != SIGNATURE_FORMAT or block.get("algorithm") != "Ed25519":
        return SignatureCheck(False, "its signature is of an unknown kind")
    try:
        public_raw = base64.b64decode(block["public_key"], validate=True)
        value = base64.b64decode(block["value"], validate=True)
        public = Ed25519PublicKey.from_public_bytes(public_raw)
    except (KeyError, TypeError, ValueError):
        return SignatureCheck(False, "its signature is damaged")
    found = fingerprint(public_raw)
    if block.get("key_fingerprint") != found:
        return SignatureCheck(False, "its signature names another key than the one it carries")
    try:
        public.verify(value, message(document))
    except (InvalidSignature, TypeError, ValueError, RecursionError):
        return SignatureCheck(False, "its signature does not match its content (it was changed "
                                     "after it was signed)", found)
    return SignatureCheck(True, f"signed by the key {short_fingerprint(found)}", found)


# --- the kept head --------------------------------------------------------------------------

@dataclass(frozen=True)
class Head:
    seq: int
    hash: str


@dataclass(frozen=True)
class KeptHead:
    file: Path
    store_id: str | None
    database: str | None
    seq: int
    hash: str
    signed: bool  # its signature verified
    problem: str | None = None  # why the file cannot be used, in words
    fingerprint: str | None = None  # of the key that signed it, when it verified


class HeadKeeper:
    """The head files of one data folder: one per store it wrote to."""

    def __init__(self, data_dir: str | os.PathLike):
        self.data_dir = Path(data_dir)
        self.folder = self.data_dir / HEADS_FOLDER

    def file_for(self, store_id: str) -> Path:
        return self.folder / f"{store_id}.json"

    def read(self, store_id: str) -> KeptHead | None:
        return self._read(self.file_for(store_id))

    def for_database(self, database: str) -> list[KeptHead]:
        """Heads kept for this database address, whatever store they name."""
        if not self.folder.is_dir():
            return []
        found = [self._read(file) for file in sorted(self.folder.glob("*.json"))]
        return [head for head in found if head is not None and head.database == database]

    def _read(self, file: Path) -> KeptHead | None:
        try:
            raw = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, RecursionError):
            return KeptHead(file, None, None, 0, GENESIS, False,
                            f"the kept head {file} cannot be read")
        if not isinstance(raw, dict) or raw.get("format") != HEAD_FORMAT \
                or not isinstance(raw.get("seq"), int) or not isinstance(raw.get("hash"), str):
            return KeptHead(file, None, None, 0, GENESIS, False,
                            f"the kept head {file} is not a head file")
        signature = check_signature(raw)
        return KeptHead(file, raw.get("store_id"), raw.get("database"), raw["seq"], raw["hash"],
                        signature.ok, None if signature.ok else
                        f"the kept head {file} was altered (its signature does not match)",
                        signature.fingerprint if signature.ok else None)

    def advance(self, store_id: str, database: str, head: Head, time: str,
                hash_at: Callable[[int], str | None], key: DeviceKey) -> bool:
        """Keep ``head`` if the chain (``hash_at``) still holds the head kept so far.

        Returns whether the file was written. Holds a lock file, so two processes appending to
        one store cannot move the head back."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with file_lock(self.folder / ".lock"):
            kept = self.read(store_id)
            if kept is not None:
                if kept.problem or kept.seq >= head.seq:
                    return False
                if kept.seq and hash_at(kept.seq) != kept.hash:
                    return False  # the chain no longer holds it: keep the evidence
                if kept.fingerprint != key.fingerprint:  # signed by a key since lost
                    keep_earlier_key_head(self.data_dir, kept)
            document = {"format": HEAD_FORMAT, "store_id": store_id, "database": database,
                        "seq": head.seq, "hash": head.hash, "time": time}
            document.update(sign_document(document, key))
            write_atomically(self.file_for(store_id), json.dumps(document, indent=1) + "\n")
            return True


def keep_earlier_key_head(data_dir: Path, kept: KeptHead) -> None:
    """Copy a head signed by another key than this folder's into ``key-history/`` before it
    is signed again by the new key: the evidence of the earlier key is never overwritten."""
    folder = data_dir / KEY_HISTORY_FOLDER
    copy = folder / f"head-{kept.file.stem}-{(kept.fingerprint or 'unknown')[:16]}.json"
    if copy.exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(copy, kept.file.read_text(encoding="utf-8"))


def compare(kept: Head, chain_length: int, hash_at: Callable[[int], str | None]
            ) -> str | None:
    """How a chain of ``chain_length`` events departs from a kept head: None if it extends it,
    "cut" if events were cut off its end, "rewritten" if a different event sits there."""
    if kept.seq > chain_length:
        return "cut"
    if kept.seq and hash_at(kept.seq) != kept.hash:
        return "rewritten"
    return None
