"""Steward exports: the consent log as JSON and CSV, the consented photos, and verification.

JSON mapping. The file follows ISO/IEC TS 27560 (consent record information structure) as
mapped by the W3C DPV guide "dpv-27560" (https://w3id.org/dpv/guides/consent-27560), written
in snake_case JSON rather than JSON-LD:

- one consent record per data subject (27560 "PII principal", ``dpv:hasDataSubject``): the
  contributor's pseudonym, never a name: ``record_id``, ``schema_version``,
  ``data_subject``, ``purposes`` (``dpv:hasPurpose``: id, name, description from the form),
  ``notice`` (27560 "notice": the consent form's version and SHA-256),
  ``current_state`` (latest effective state of every photo and purpose) and ``events``
  (the full history);
- each event keeps every hashed field of the records chain (``seq``, ``time``, ``scope``,
  ``photo_hash``, ``dataset``, ``purpose``, ``state``, ``form_version``, ``form_hash``,
  ``reason``, ``detail``, ``prev_hash``, ``hash``...) plus ``consent_status`` in DPV terms
  (given -> ``dpv:ConsentGiven``, refused -> ``dpv:ConsentRefused``, withdrawn ->
  ``dpv:ConsentWithdrawn``, pending -> ``dpv:ConsentRequested``) and ``notice``;
  deletion tombstones appear in the same history with ``status`` requested, done, verified.

The file also carries the chain's head (``chain.head_seq``, ``chain.head``, ``chain.store_id``),
the consent form itself (``form.text``, whose SHA-256 is ``form.sha256``), and a signature by
the contributor's device key over everything else (``records.signing``).

``verify_export_file`` recomputes the chain with the records layer's canonical hashing and
names the first altered, removed or moved event in the file; then checks the signature; then
that the summary follows from the events and the form: ``current_state`` is exactly what the
events give for every photo they name, the notice and the purposes are those of the form.

Only a log that verifies is exported: a store whose chain is broken, cut or rewritten exports
neither its log nor any photo, and says why.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import select

from accessshare.config import AppPaths
from accessshare.consent.decisions import Decisions
from accessshare.consent.form import ConsentForm, FormError, form_from_bytes, load_form
from accessshare.consent.register import COPIES_LOCK, ExportRegister, copy_hash
from accessshare.consent.state import DELETED, ConsentState
from accessshare.library.files import (FileTooLarge, NotRegularFile, atomic_writer,
                                       copy_atomically, file_lock, hash_file, is_inside,
                                       left_half_written, overwrite_refusal, read_regular,
                                       resolve_safely)
from accessshare.records import RecordStore, VerifyReport
from accessshare.consent.export_text import EventTexts, signed_text
from accessshare.records.chain import CHAINED_FIELDS, GENESIS_HASH, ChainCheck, utc_timestamp
from accessshare.records.models import Dataset, Photo
from accessshare.records.store import sqlite_file
from accessshare.records.signing import (DeviceKey, KeyProblem, canonical_bytes,
                                         check_signature, sign_document, signed_message)
from accessshare.sentences import en
from accessshare.vocabulary import ConsentStatus

SCHEMA_VERSION = "accessshare-consent-27560/1"
MAX_LOG_BYTES = 1 << 30  # a log of a million events is about 600 MB
MAPPING = "ISO/IEC TS 27560 as mapped by W3C DPV dpv-27560 (https://w3id.org/dpv/guides/consent-27560)"
DPV_STATUS = {ConsentStatus.GIVEN: "dpv:ConsentGiven", ConsentStatus.REFUSED: "dpv:ConsentRefused",
              ConsentStatus.WITHDRAWN: "dpv:ConsentWithdrawn",
              ConsentStatus.PENDING: "dpv:ConsentRequested",
              DELETED: "dpv:ConsentWithdrawn"}  # deleting the photo ends consent for it
EVENT_FIELDS = (*CHAINED_FIELDS, "hash")
CONSENT_EXTRA = {"consent_status", "notice"}  # derived, and checked against the hashed fields
# The fields an exported event has, by kind (made once: a steward verifies millions of events)
_EXPORTED_FIELDS = {False: frozenset(EVENT_FIELDS), True: frozenset(EVENT_FIELDS) | CONSENT_EXTRA}
CSV_COLUMNS = ("seq", "time", "data_subject", "kind", "scope", "photo_hash", "dataset",
               "purpose", "state", "consent_status", "status", "reason", "form_version",
               "form_hash", "detail", "prev_hash", "hash")
# "redact": what was removed from that copy ("faces,text,location"), empty for an exact copy.
MANIFEST_COLUMNS = ("file", "content_hash", "label", "purpose", "consent_event_hash", "redact")
SPREADSHEET_FORMULA_START = ("=", "+", "-", "@")
SPREADSHEET_RISKY_FIRST = ("\t", "\r", "\n")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class ExportProblem(ValueError):
    """An export cannot be made; ``str()`` is one plain sentence naming the file or folder."""


# --- the consent log ------------------------------------------------------------------------

def consent_log(store: RecordStore, form: ConsentForm | None = None) -> dict[str, Any]:
    """The whole log as one signed, JSON-ready dict (see the module docstring for the mapping).

    Raises ``ExportProblem`` when the chain does not verify: a broken log is never signed."""
    form = form or load_form()
    events, state = _verified_events(store, "The consent log was not exported")
    photos = _known_photos(store, state)
    owner = store.contributor()  # this data folder's contributor also holds undecided photos
    try:
        key = store.device_key()
    except KeyProblem as problem:
        raise ExportProblem(f"The consent log was not exported: {problem}") from None
    return signed_log(owner, events, photos, form, store.store_id, key)


def signed_log(owner: str, events: list[dict[str, Any]], photos: dict[str, str | None],
               form: ConsentForm, store_id: str, key: DeviceKey) -> dict[str, Any]:
    """The signed document of a verified chain: ``events`` in chain order as ``exported_event``
    gives them, ``photos`` every photo the store knows with the folder whose default it
    follows. What ``consent_log`` writes, and what a benchmark or a test may build directly."""
    subjects = list(dict.fromkeys([owner, *(e["actor"] for e in events)]))
    purposes = list(form.purpose_ids) + sorted(
        {e["purpose"] for e in events if e["purpose"]} - set(form.purpose_ids))
    claimed: set[str] = set()
    records = []
    for subject in reversed(subjects):  # the owner last: it takes the photos nobody decided
        own_events = [e for e in events if e["actor"] == subject]
        own_photos = _photos_of(own_events, photos) if subject != owner else {
            h: root for h, root in photos.items() if h not in claimed}
        if subject == owner:
            own_photos.update(_photos_of(own_events, photos))
        claimed.update(own_photos)
        records.append(_subject_record(subject, own_events, own_photos, form, purposes))
    document = {
        "schema_version": SCHEMA_VERSION,
        "mapping": MAPPING,
        "generated_at": utc_timestamp(),
        "contributor": owner,  # whose device key signs this file
        "chain": {"algorithm": "SHA-256 of canonical JSON (sorted keys, no spaces, UTF-8)",
                  "hashed_fields": list(CHAINED_FIELDS), "genesis": GENESIS_HASH,
                  "events": len(events), "head_seq": events[-1]["seq"] if events else 0,
                  "head": events[-1]["hash"] if events else GENESIS_HASH, "store_id": store_id},
        "form": {"sha256": form.sha256, "text": _form_text(form)},
        "records": records[::-1],
    }
    document.update(sign_document(document, key))
    return document


def check_log_target(store: RecordStore, paths: AppPaths, given: Path) -> None:
    """Refuse, with ExportProblem, a log written over something it must never replace: a
    device, pipe or folder, a file of a dataset folder (a photo), or AccessShare's own records
    (its data folder, but for ``exports/``, and the records database wherever it is)."""
    try:
        target = resolve_safely(given.expanduser().parent) / given.name
        refusal = overwrite_refusal(given, paths.data_dir, allowed=paths.exports_dir,
                                    databases=(sqlite_file(store.engine.url),))
    except OSError as problem:
        raise ExportProblem(str(problem)) from None
    if refusal:
        raise ExportProblem(refusal)
    with store.session() as session:  # the scanned folders (no second verification)
        roots = [Path(root) for root in session.scalars(select(Dataset.root))]
    for root in roots:
        if is_inside(target, root):
            raise ExportProblem(f"{given.name} is inside the dataset folder {root.name}; "
                                "choose a file outside your photos.")


def export_consent_json(store: RecordStore, path: str | Path,
                        form: ConsentForm | None = None) -> int:
    """Write the log as signed JSON; returns the number of events."""
    log = consent_log(store, form)
    with atomic_writer(Path(path), "w", encoding="utf-8") as out:
        out.write(json.dumps(log, ensure_ascii=False, indent=1) + "\n")
    try:
        store.note_signed_export()
    except (OSError, KeyProblem):
        pass  # the export is written; the key change is then said again next time
    return log["chain"]["events"]


def export_consent_csv(store: RecordStore, path: str | Path) -> int:
    """One row per event, UTF-8 with BOM so spreadsheets read accents; returns the row count."""
    events, _state = _verified_events(store, "The consent log was not exported")
    with atomic_writer(Path(path), "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(CSV_COLUMNS)
        for event in events:
            event = dict(event, data_subject=event["actor"])
            writer.writerow([spreadsheet_cell(event.get(column)) for column in CSV_COLUMNS])
    return len(events)


def _verified_events(store: RecordStore, refusal: str
                     ) -> tuple[list[dict[str, Any]], ConsentState]:
    """Every event as exported, and the state they give, read in one verified pass."""
    events: list[dict[str, Any]] = []
    state = ConsentState(VerifyReport(True, 0, None, ""))

    def fold(raw: dict[str, Any]) -> None:
        events.append(exported_event(raw))
        state.fold(raw)

    state.verified = store.verify(fold)
    if not state.ok:
        raise ExportProblem(f"{refusal}: it failed verification "
                            f"({state.verified.message.rstrip('.')}). A log is signed and "
                            "exported only when it verifies.")
    return events, state


def _form_text(form: ConsentForm) -> str:
    data = Path(form.path).read_bytes()
    if hashlib.sha256(data).hexdigest() != form.sha256:
        raise ExportProblem(f"The consent form {Path(form.path).name} changed since it was "
                            "read; export again.")
    return data.decode("utf-8")


def exported_event(raw: dict[str, Any]) -> dict[str, Any]:
    """An event of the chain as an export lists it: its chained fields and hash, and for a
    consent event its DPV status and notice."""
    event = {name: raw.get(name) for name in EVENT_FIELDS}
    if event["kind"] == "consent":
        event["consent_status"] = DPV_STATUS.get(event["state"])
        event["notice"] = {"version": event["form_version"], "sha256": event["form_hash"]}
    return event


def _subject_record(subject: str, events: list[dict[str, Any]], photos: dict[str, str | None],
                    form: ConsentForm, purposes: list[str]) -> dict[str, Any]:
    """One 27560 consent record: a data subject, the notice, current state and history."""
    return {
        "schema_version": SCHEMA_VERSION,
        "record_id": f"urn:accessshare:consent-record:{subject}",
        "data_subject": subject,
        "notice": _notice(form),
        "purposes": _purposes(form),
        "current_state": current_states(events, photos, purposes),
        "events": events,
    }


def _notice(form: ConsentForm) -> dict[str, Any]:
    return {"title": form.title, "version": form.version, "sha256": form.sha256}


def _purposes(form: ConsentForm) -> list[dict[str, Any]]:
    return [{"id": p.id, "name": p.name, "description": p.explanation} for p in form.purposes]


def _photos_of(events: list[dict[str, Any]], photos: dict[str, str | None]) -> dict[str, str | None]:
    """The subject's photos: those it decided or deleted, and those in folders it decided for."""
    folders = {e["dataset"] for e in events if e.get("scope") == "dataset"}
    own = {h: root for h, root in photos.items() if root in folders}
    for event in events:
        if event.get("photo_hash") and event["photo_hash"] not in own:
            own[event["photo_hash"]] = photos.get(event["photo_hash"])
    return own


def current_states(events: list[dict[str, Any]], photos: dict[str, str | None],
                   purposes: list[str]) -> list[dict[str, Any]]:
    """The latest effective state of every photo and purpose, worked out from the events by
    the same rules as the app (``consent.state``), deletions included."""
    state = ConsentState(VerifyReport(True, 0, None, ""))
    for event in events:
        state.fold(_with_int_seq(event))
    rows = []
    for photo_hash in sorted(photos, key=str):
        root = photos[photo_hash]
        for purpose in purposes:
            effective = state.effective(photo_hash, purpose, root)
            row = {"photo_hash": photo_hash, "dataset": root, "purpose": purpose,
                   "state": effective.state, "consent_status": DPV_STATUS[effective.state],
                   "decided_by": effective.source, "event_hash": effective.event_hash,
                   "deleted": photo_hash in state.deleted_at}
            if effective.redact:  # only then: exports made before conditions still verify
                row["redact"] = list(effective.redact)
            rows.append(row)
    return rows


def _with_int_seq(event: dict[str, Any]) -> dict[str, Any]:
    """Events read back from a CSV carry their numbers as text."""
    seq = event.get("seq")
    if isinstance(seq, str) and seq.isdigit():
        return dict(event, seq=int(seq))
    return event


def _known_photos(store: RecordStore, state: ConsentState) -> dict[str, str | None]:
    """Every photo the store knows, with the folder whose default it follows (found from
    where it was last seen)."""
    with store.session() as session:
        return {content_hash: state.root_for(path) for content_hash, path in
                session.execute(select(Photo.content_hash, Photo.path))}


def spreadsheet_cell(value: Any) -> str:
    """A spreadsheet must not run a cell such as "=HYPERLINK(...)", also when it starts with a
    space, tab or line break before the formula: such cells get a leading apostrophe."""
    text = "" if value is None else str(value)
    risky = (text.startswith(SPREADSHEET_RISKY_FIRST)
             or text.lstrip(" \t\r\n").startswith(SPREADSHEET_FORMULA_START))
    if risky and not text.lstrip("+-").isdigit():
        return "'" + text
    return text


# --- verification of an exported JSON -------------------------------------------------------

@dataclass(frozen=True)
class ExportVerifyReport:
    ok: bool
    message: str
    checked: int = 0
    position: int | None = None  # 1-based position of the first altered event in the file
    first_altered: dict[str, Any] | None = None
    signed_by: str | None = None  # the data subjects' pseudonyms, when it verified
    fingerprint: str | None = None  # of the key that signed it, when it verified
    failed: str | None = None  # what did not agree: "file", "chain", "summary" or "signature"


def verify_export_file(path: str | Path) -> ExportVerifyReport:
    """Check an exported consent log file (see ``verify_export_document``)."""
    path = Path(path)
    try:
        log = json.loads(read_regular(path, MAX_LOG_BYTES).decode("utf-8-sig"))
    except (NotRegularFile, FileTooLarge):
        return ExportVerifyReport(False, f"{path.name} is not a consent log: it is not a "
                                  "regular file, or it is larger than any export.",
                                  failed="file")
    except OSError as problem:
        return ExportVerifyReport(False, f"{path.name} cannot be read ({problem.strerror}).",
                                  failed="file")
    except (ValueError, RecursionError):
        log = None
    return verify_export_document(log, path.name)


def verify_export_document(log: Any, name: str) -> ExportVerifyReport:
    """Check an exported consent log already read from the file ``name``: the chain (naming
    the first altered event), that the summary follows from the events and the form, then the
    signature (which alone finds a log rewritten with every hash recomputed and its summary
    made to match). A steward verifies the very document it then imports."""
    try:
        records = log["records"]
        listed = [(r, e) for r in records for e in r["events"]]
    except (KeyError, TypeError, RecursionError):
        return ExportVerifyReport(False, f"{name} is not an AccessShare consent log export "
                                         "(JSON with records and their events).", failed="file")
    failed = "chain"
    texts = EventTexts()  # each event's canonical text, made once for the chain and signature
    try:
        problem = _first_problem(listed, log, texts)
        if problem is None:
            failed = "summary"
            problem = _summary_problem(listed, log)
        signature = check_signature(log, lambda document: _signed_bytes(document, texts))
        if problem is None and not signature.ok:
            verb = "cannot be trusted" if signature.fingerprint is None else "was altered"
            return ExportVerifyReport(False, f"{name} {verb}: {signature.sentence}.",
                                      len(listed), failed="signature")
    except RecursionError:
        problem = None, "it is nested too deeply to be an export"
    except (KeyError, TypeError, AttributeError, ValueError):
        problem = None, "the current state listed in it is not in the expected shape"
    if problem is not None:
        position, reason = problem
        event = listed[position][1] if position is not None else None
        where = f"event {position + 1} of {len(listed)}" if position is not None else "its summary"
        return ExportVerifyReport(False, f"{name} was altered at {where}: {reason}.",
                                  len(listed), None if position is None else position + 1,
                                  event if isinstance(event, dict) else None, failed=failed)
    noun = "event" if len(listed) == 1 else "events"
    return ExportVerifyReport(True, f"{name} is intact: {len(listed)} {noun} verified.",
                              len(listed), signed_by=str(log.get("contributor")),
                              fingerprint=signature.fingerprint)


def _signed_bytes(document: dict[str, Any], texts: EventTexts) -> bytes:
    text = signed_text(document, texts)
    return canonical_bytes(document) if text is None else signed_message(text)


def _first_problem(listed: list[tuple[dict, Any]], log: dict, texts: EventTexts
                   ) -> tuple[int | None, str] | None:
    found = [p for p in (_placement_problem(listed), _chain_problem(listed, texts))
             if p is not None]
    if found:
        return min(found, key=lambda p: p[0])
    chain = log.get("chain") if isinstance(log.get("chain"), dict) else {}
    head = listed[-1][1]["hash"] if listed else GENESIS_HASH
    head_seq = listed[-1][1]["seq"] if listed else 0
    if chain.get("events") != len(listed) or chain.get("head") != head \
            or chain.get("head_seq") != head_seq:
        return None, (f"the file says it holds {chain.get('events')} events ending at "
                      f"{chain.get('head_seq')} but holds {len(listed)}; events at the end were "
                      "removed or added")
    return None


def _placement_problem(listed: list[tuple[dict, Any]]) -> tuple[int, str] | None:
    """Each event sits in its data subject's record, in order, with its derived fields right."""
    expected: dict[int, list[int]] = {}
    seen_in_record: dict[int, int] = {}
    for position, (record, event) in enumerate(listed):
        if not isinstance(event, dict) or not isinstance(event.get("seq"), int):
            return position, "it is not a complete event (its seq number is missing)"
        key = id(record)
        if key not in expected:
            expected[key] = sorted(e["seq"] for e in record["events"]
                                   if isinstance(e, dict) and isinstance(e.get("seq"), int))
        index = seen_in_record.get(key, 0)
        seen_in_record[key] = index + 1
        if index < len(expected[key]) and event["seq"] != expected[key][index]:
            return position, (f"event seq {event['seq']} is out of order; event seq "
                              f"{expected[key][index]} should come here")
        if event.get("actor") != record.get("data_subject"):
            return position, (f"event seq {event['seq']} belongs to {event.get('actor')} but is "
                              f"listed under {record.get('data_subject')}")
        expected_keys = _EXPORTED_FIELDS[event.get("kind") == "consent"]
        if set(event) != expected_keys:
            odd = sorted(set(event) ^ expected_keys)[0]
            return position, f"event seq {event['seq']} has a field added or removed ({odd})"
        if event.get("kind") == "consent" and (
                event.get("consent_status") != _dpv_status(event.get("state"))
                or event.get("notice") != {"version": event.get("form_version"),
                                           "sha256": event.get("form_hash")}):
            return position, f"the consent status or notice of event seq {event['seq']} was changed"
    return None


def _dpv_status(state: Any) -> str | None:
    return DPV_STATUS.get(state) if isinstance(state, str) else None


def _chain_problem(listed: list[tuple[dict, Any]], texts: EventTexts
                   ) -> tuple[int, str] | None:
    in_chain_order = sorted((e for _r, e in listed
                             if isinstance(e, dict) and isinstance(e.get("seq"), int)),
                            key=lambda e: e["seq"])
    check = ChainCheck()
    for event in in_chain_order:
        reason = check.feed(event, texts.hash(event))
        if reason is not None:
            where = {id(e): position for position, (_record, e) in enumerate(listed)}
            return where[id(event)], reason
    return None


def _summary_problem(listed: list[tuple[dict, Any]], log: dict) -> tuple[None, str] | None:
    """The notice and purposes are the included form's; the current state is exactly what the
    events give for every photo listed, and lists every photo the events name."""
    included = log.get("form") if isinstance(log.get("form"), dict) else {}
    try:
        text = included["text"].encode("utf-8")
        form = form_from_bytes(text) if hashlib.sha256(text).hexdigest() == included["sha256"] \
            else None
    except (KeyError, AttributeError, TypeError, FormError):
        form = None
    if form is None:
        return None, "the consent form it names is not included with it, or was changed"
    records = [r for r in log["records"]]
    for record in records:
        subject = record.get("data_subject")
        if record.get("notice") != _notice(form):
            return None, f"the notice of {subject} is not the consent form included with it"
        if record.get("purposes") != _purposes(form):
            return None, (f"the purposes listed for {subject} are not those of the consent form "
                          "included with it")
        stated = record.get("current_state")
        events = record["events"]
        photos = {row["photo_hash"]: row["dataset"] for row in stated}
        named = {e.get("photo_hash") for e in events if e.get("photo_hash")}
        purposes = list(form.purpose_ids) + sorted(
            {e["purpose"] for e in events if e.get("purpose")} - set(form.purpose_ids))
        if not named <= set(photos) or current_states(events, photos, purposes) != stated:
            return None, (f"the current state listed for {subject} does not follow from its "
                          "events")
    return None


# --- the consented photos -------------------------------------------------------------------

class Redacting(Protocol):
    """What the export needs of ``describe.redaction.Redactor``: a checked copy of one photo."""

    def redact(self, photo: Path, kinds: frozenset[str], *,
               expected_hash: str | None = None) -> Any: ...


@dataclass
class PhotoExportReport:
    purpose: str
    folder: Path
    copied: list[str] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=dict)  # state -> count
    problems: list[str] = field(default_factory=list)
    redacted: list[str] = field(default_factory=list)  # copies with faces, text or location removed
    not_verified: list[str] = field(default_factory=list)  # names of photos left out unredacted
    to_copy: int = 0  # photos shared for the purpose, to be copied
    stopped: bool = False  # the contributor stopped it between two photos

    @property
    def message(self) -> str:
        if self.stopped:
            return en.photo_export_stopped(len(self.copied), self.to_copy, self.folder)
        sentence = en.photos_exported(len(self.copied), self.purpose, self.folder, self.left_out,
                                      redacted=len(self.redacted),
                                      not_verified=len(self.not_verified))
        return " ".join([sentence, *self.problems])


class _Progress:
    """Tells ``progress(done, total)`` after each photo, and asks ``stop()`` between photos."""

    def __init__(self, total: int, progress: Callable[[int, int], None] | None,
                 stop: Callable[[], bool] | None):
        self.total, self.done = total, 0
        self._progress, self._stop = progress, stop
        self.tell()

    def tell(self) -> None:
        if self._progress is not None:
            self._progress(self.done, self.total)

    def step(self) -> None:
        self.done += 1
        self.tell()

    def stopping(self) -> bool:
        return self._stop is not None and self._stop()


def export_photos(store: RecordStore, paths: AppPaths, purpose: str, out_dir: str | Path,
                  form: ConsentForm | None = None, redactor: Redacting | None = None, *,
                  make_redactor: Callable[[], Redacting] | None = None,
                  progress: Callable[[int, int], None] | None = None,
                  stop: Callable[[], bool] | None = None) -> PhotoExportReport:
    """Copy only the photos whose effective consent for ``purpose`` is given, with a manifest,
    and register every copy so that deleting the photo later removes it too. A deletion in
    another process waits until the export is done (and an export for the deletion).

    A photo shared on condition that faces, text or location are removed gets a redacted copy
    made and checked by ``redactor`` (a ``describe.redaction.Redactor``, handed in from above:
    consent never imports the describer; ``make_redactor`` builds one only if such a photo is
    exported), named in the manifest's ``redact`` column. Without either, such a photo is left
    out and named, never copied as it is. A photo whose copy cannot be verified is left out and named in the report.

    The state comes from a fresh, whole verification of the chain; a log that fails it exports
    nothing. Every file is written through a temporary file and a rename, never through a
    link, and never inside a dataset folder.

    ``progress(done, total)`` is told once the photos to copy are known and after each one;
    ``stop()`` is asked between photos: once it says yes, no further copy is written (a
    redacted copy being made is dropped), and the manifest names exactly the copies made."""
    with file_lock(paths.data_dir / COPIES_LOCK):
        return _export_photos(store, paths, purpose, Path(out_dir), form, redactor,
                              make_redactor, progress, stop)


def _export_photos(store: RecordStore, paths: AppPaths, purpose: str, out_dir: Path,
                   form: ConsentForm | None, redactor: Redacting | None,
                   make_redactor: Callable[[], Redacting] | None,
                   progress: Callable[[int, int], None] | None,
                   stop: Callable[[], bool] | None) -> PhotoExportReport:
    decisions = Decisions(store, form)
    if purpose not in decisions.purpose_ids:
        raise ExportProblem(f"There is no purpose {purpose!r}; choose one of "
                            f"{', '.join(decisions.purpose_ids)}.")
    state = decisions.reload()
    if not state.ok:
        raise ExportProblem("No photos were exported: the consent log failed verification "
                            f"({state.verified.message.rstrip('.')}). Photos are exported only "
                            "from a log that verifies.")
    register = ExportRegister(paths)
    folder = _prepare_folder(Path(out_dir), register, known_roots(store, state))
    rows = _photo_rows(store)
    states = decisions.effective_many([r[0] for r in rows],
                                      datasets_of={r[0]: state.root_for(r[1]) for r in rows})
    report = PhotoExportReport(decisions.purpose_words(purpose), folder)
    chosen, conditioned = [], []
    for content_hash, source, label in rows:
        effective = states[content_hash][purpose]
        if effective.state != ConsentStatus.GIVEN:
            report.left_out[effective.state] = report.left_out.get(effective.state, 0) + 1
        elif not Path(source).is_file():
            report.problems.append(f"{Path(source).name} is no longer in its folder, so it "
                                   "was not copied.")
        else:
            photo = (content_hash, Path(source), label, effective.event_hash, effective.redact)
            (conditioned if effective.redact else chosen).append(photo)
    used = {"manifest.csv"}
    names = [_unique_name(export_name(source.name), used) for _h, source, *_rest in chosen]
    register.add(folder, [(h, folder / n) for (h, *_rest), n in zip(chosen, names)])
    report.to_copy = len(chosen) + len(conditioned)
    steps = _Progress(report.to_copy, progress, stop)
    manifest = []
    for (content_hash, source, label, event_hash, _redact), name in zip(chosen, names):
        if steps.stopping():
            report.stopped = True
            break
        copied = _copy_checked(source, folder / name, content_hash)
        steps.step()
        if not copied:
            report.problems.append(f"{source.name} changed since it was decided on, so it was "
                                   "not copied.")
            continue
        report.copied.append(name)
        manifest.append([name, content_hash, label or "", purpose, event_hash or "", ""])
    if conditioned and not report.stopped:
        redactor = redactor or (make_redactor() if make_redactor is not None else None)
        manifest += _export_redacted(conditioned, folder, purpose, register, report, used,
                                     redactor, steps)
    _write_manifest(folder / "manifest.csv", sorted(manifest, key=lambda row: row[0].lower()))
    return report


def _export_redacted(photos: list[tuple], folder: Path, purpose: str, register: ExportRegister,
                     report: PhotoExportReport, used: set[str],
                     redactor: Redacting | None, steps: _Progress) -> list[list[str]]:
    """Write a verified redacted copy of each photo shared on a condition; a photo whose copy
    could not be verified (or that changed since the decision) is left out and named, never
    copied as it is. Each copy is registered, with its own hash, before it is written."""
    rows = []
    for content_hash, source, label, event_hash, redact in photos:
        if steps.stopping():
            report.stopped = True
            break
        row = _export_one_redacted(content_hash, source, label, event_hash, redact, folder,
                                   purpose, register, report, used, redactor, steps)
        if row is not None:
            rows.append(row)
        if report.stopped:
            break
        steps.step()
    return rows


def _export_one_redacted(content_hash: str, source: Path, label: str | None,
                         event_hash: str | None, redact: tuple, folder: Path, purpose: str,
                         register: ExportRegister, report: PhotoExportReport, used: set[str],
                         redactor: Redacting | None, steps: _Progress) -> list[str] | None:
    """One photo's redacted copy: its manifest row, or None if it was left out (or the
    contributor stopped the export while it was being made: it is not written)."""
    if redactor is None:
        report.not_verified.append(source.name)
        report.problems.append(en.no_describer_to_check(source.name))
        return None
    result = redactor.redact(source, frozenset(redact), expected_hash=content_hash)
    if steps.stopping():
        report.stopped = True
        return None
    if not result.verified:
        report.not_verified.append(source.name)
        report.problems.append(result.reason)
        return None
    target = folder / _unique_name(export_name(source.stem + result.suffix), used)
    register.add(folder, [(content_hash, target)],
                 {target: hashlib.sha256(result.data).hexdigest()})
    try:
        result.write(target)
    except OSError as problem:
        report.problems.append(f"The copy of {source.name} could not be written "
                               f"({problem.strerror}).")
        return None
    report.copied.append(target.name)
    report.redacted.append(target.name)
    return [target.name, content_hash, label or "", purpose, event_hash or "", ",".join(redact)]


def known_roots(store: RecordStore, state: ConsentState) -> list[Path]:
    """Every dataset folder the store knows: scanned ones and those with a default."""
    with store.session() as session:
        scanned = set(session.scalars(select(Dataset.root)))
    return [Path(root) for root in sorted(scanned | state.roots)]


def export_name(name: str) -> str:
    """A copy's name that a spreadsheet will not run and a terminal will not obey: control
    characters become "_", and a name starting like a formula gets a leading "_" (so the
    manifest can name it as it is, without an apostrophe that names no file)."""
    name = CONTROL_CHARACTERS.sub("_", name)
    if name.lstrip(" \t").startswith(SPREADSHEET_FORMULA_START) or name.startswith((" ", "'")):
        name = "_" + name
    return name


def _photo_rows(store: RecordStore) -> list[tuple[str, str, str | None]]:
    query = select(Photo.content_hash, Photo.path, Photo.label).order_by(Photo.path)
    with store.session() as session:
        return [tuple(row) for row in session.execute(query)]


def _prepare_folder(given: Path, register: ExportRegister, roots: list[Path]) -> Path:
    """A new or empty folder outside every dataset, or an earlier photo export whose copies
    are replaced (only files this app registered as copies, still holding the bytes it copied,
    are removed; nothing else is ever touched, and no link is followed)."""
    try:
        folder = resolve_safely(given.expanduser())
    except OSError as problem:
        raise ExportProblem(str(problem)) from None
    for root in roots:
        if is_inside(folder, root):
            raise ExportProblem(f"{given} is inside the dataset folder {root.name}; choose a "
                                "folder outside your photos.")
        if is_inside(root, folder):
            raise ExportProblem(f"{given} holds the dataset folder {root.name}; choose a "
                                "folder outside your photos.")
    if folder.exists() and not folder.is_dir():
        raise ExportProblem(f"{given} is a file; give a folder to copy the photos into.")
    folder.mkdir(parents=True, exist_ok=True)
    if folder not in register.folders():
        if any(folder.iterdir()):
            raise ExportProblem(f"{folder} already holds other files; choose a new or empty "
                                "folder.")
        return folder
    for entry in register.entries():
        copy = Path(entry.get("path", ""))
        if entry.get("kind") == "copy" and copy.parent == folder \
                and is_registered_copy(copy, copy_hash(entry)):
            copy.unlink()
    for half_written in left_half_written(folder):  # by an export that was killed
        half_written.unlink(missing_ok=True)
    return folder


def is_registered_copy(path: Path, photo_hash: str | None) -> bool:
    """Whether ``path`` is a regular file (not a link) that still holds ``photo_hash``."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
        return hash_file(path, follow_links=False)[0] == photo_hash
    except OSError:
        return False


def _unique_name(name: str, used: set[str]) -> str:
    """``name``, or "name-2.jpg" and so on if a copy already has it (``used`` is added to)."""
    candidate, number = name, 1
    while candidate.lower() in used:
        number += 1
        candidate = f"{Path(name).stem}-{number}{Path(name).suffix}"
    used.add(candidate.lower())
    return candidate


def _copy_checked(source: Path, target: Path, content_hash: str) -> bool:
    try:
        return copy_atomically(source, target, content_hash)
    except OSError:
        return False


def _write_manifest(path: Path, rows: list[list[str]]) -> None:
    with atomic_writer(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(MANIFEST_COLUMNS)
        writer.writerows([[spreadsheet_cell(value) for value in row] for row in rows])


__all__ = ["ExportProblem", "ExportVerifyReport", "PhotoExportReport", "consent_log",
           "current_states", "export_consent_csv", "export_consent_json", "export_name",
           "export_photos", "exported_event", "known_roots", "signed_log",
           "verify_export_document", "verify_export_file"]
