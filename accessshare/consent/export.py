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

``verify_export_file`` recomputes the chain with the records layer's canonical hashing and
names the first altered, removed or moved event in the file.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from accessshare.config import AppPaths
from accessshare.consent.decisions import Decisions, resolve
from accessshare.consent.deletion import file_hash
from accessshare.consent.form import ConsentForm, load_form
from accessshare.consent.register import ExportRegister
from accessshare.records import RecordStore
from accessshare.records.chain import CHAINED_FIELDS, GENESIS_HASH, first_break, utc_timestamp
from accessshare.records.models import Dataset, Photo

SCHEMA_VERSION = "accessshare-consent-27560/1"
MAPPING = "ISO/IEC TS 27560 as mapped by W3C DPV dpv-27560 (https://w3id.org/dpv/guides/consent-27560)"
DPV_STATUS = {"given": "dpv:ConsentGiven", "refused": "dpv:ConsentRefused",
              "withdrawn": "dpv:ConsentWithdrawn", "pending": "dpv:ConsentRequested"}
EVENT_FIELDS = (*CHAINED_FIELDS, "hash")
CONSENT_EXTRA = {"consent_status", "notice"}  # derived, and checked against the hashed fields
CSV_COLUMNS = ("seq", "time", "data_subject", "kind", "scope", "photo_hash", "dataset",
               "purpose", "state", "consent_status", "status", "reason", "form_version",
               "form_hash", "detail", "prev_hash", "hash")
MANIFEST_COLUMNS = ("file", "content_hash", "label", "purpose", "consent_event_hash")
SPREADSHEET_FORMULA_START = ("=", "+", "-", "@")


class ExportProblem(ValueError):
    """An export cannot be made; ``str()`` is one plain sentence naming the file or folder."""


# --- the consent log ------------------------------------------------------------------------

def consent_log(store: RecordStore, form: ConsentForm | None = None) -> dict[str, Any]:
    """The whole log as one JSON-ready dict (see the module docstring for the mapping)."""
    form = form or load_form()
    events = [_exported_event(raw) for raw in store.iter_raw_events()]
    photos = _known_photos(store)
    owner = store.contributor()  # this data folder's contributor also holds undecided photos
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
    return {
        "schema_version": SCHEMA_VERSION,
        "mapping": MAPPING,
        "generated_at": utc_timestamp(),
        "chain": {"algorithm": "SHA-256 of canonical JSON (sorted keys, no spaces, UTF-8)",
                  "hashed_fields": list(CHAINED_FIELDS), "genesis": GENESIS_HASH,
                  "events": len(events), "head": events[-1]["hash"] if events else GENESIS_HASH},
        "records": records[::-1],
    }


def export_consent_json(store: RecordStore, path: str | Path,
                        form: ConsentForm | None = None) -> int:
    """Write the log as JSON; returns the number of events."""
    log = consent_log(store, form)
    _write_atomically(Path(path), json.dumps(log, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return log["chain"]["events"]


def export_consent_csv(store: RecordStore, path: str | Path) -> int:
    """One row per event, UTF-8 with BOM so spreadsheets read accents; returns the row count."""
    path = Path(path)
    rows = 0
    temporary = _temporary(path)
    with temporary.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(CSV_COLUMNS)
        for raw in store.iter_raw_events():
            event = _exported_event(raw)
            event["data_subject"] = event["actor"]
            writer.writerow([_cell(event.get(column)) for column in CSV_COLUMNS])
            rows += 1
    os.replace(temporary, path)
    return rows


def _exported_event(raw: dict[str, Any]) -> dict[str, Any]:
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
        "notice": {"title": form.title, "version": form.version, "sha256": form.sha256},
        "purposes": [{"id": p.id, "name": p.name, "description": p.explanation}
                     for p in form.purposes],
        "current_state": current_states(events, photos, purposes),
        "events": events,
    }


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
    """The latest effective state of every photo and purpose, worked out from the events."""
    latest_photo: dict[tuple[str, str], dict] = {}
    latest_dataset: dict[tuple[str, str], dict] = {}
    deleted: set[str] = set()
    for event in events:
        if event.get("kind") == "deletion" and event.get("status") in ("done", "verified"):
            deleted.add(event["photo_hash"])
        elif event.get("kind") == "consent" and event.get("scope") == "photo":
            latest_photo[(event["photo_hash"], event["purpose"])] = event
        elif event.get("kind") == "consent" and event.get("scope") == "dataset":
            latest_dataset[(event["dataset"], event["purpose"])] = event
    rows = []
    for photo_hash in sorted(photos):
        root = photos[photo_hash]
        for purpose in purposes:
            effective = resolve(purpose, latest_photo.get((photo_hash, purpose)),
                                latest_dataset.get((root, purpose)))
            rows.append({"photo_hash": photo_hash, "dataset": root, "purpose": purpose,
                         "state": effective.state, "consent_status": DPV_STATUS[effective.state],
                         "decided_by": effective.source, "event_hash": effective.event_hash,
                         "deleted": photo_hash in deleted})
    return rows


def _known_photos(store: RecordStore) -> dict[str, str | None]:
    query = select(Photo.content_hash, Dataset.root).outerjoin(Dataset, Photo.dataset_id == Dataset.id)
    with store.session() as session:
        return {content_hash: root for content_hash, root in session.execute(query)}


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    if text.startswith(SPREADSHEET_FORMULA_START) and not text.lstrip("+-").isdigit():
        return "'" + text  # a spreadsheet must not run a reason such as "=HYPERLINK(...)"
    return text


# --- verification of an exported JSON -------------------------------------------------------

@dataclass(frozen=True)
class ExportVerifyReport:
    ok: bool
    message: str
    checked: int = 0
    position: int | None = None  # 1-based position of the first altered event in the file
    first_altered: dict[str, Any] | None = None


def verify_export_file(path: str | Path) -> ExportVerifyReport:
    """Recompute the chain of an exported consent log and name the first altered event."""
    path = Path(path)
    try:
        log = json.loads(path.read_text(encoding="utf-8-sig"))
        records = log["records"]
        listed = [(r, e) for r in records for e in r["events"]]
    except OSError as problem:
        return ExportVerifyReport(False, f"{path.name} cannot be read ({problem.strerror}).")
    except (ValueError, KeyError, TypeError):
        return ExportVerifyReport(False, f"{path.name} is not an AccessShare consent log export "
                                         "(JSON with records and their events).")
    problem = _first_problem(listed, log)
    if problem is not None:
        position, reason = problem
        event = listed[position][1] if position is not None else None
        where = f"event {position + 1} of {len(listed)}" if position is not None else "its summary"
        return ExportVerifyReport(False, f"{path.name} was altered at {where}: {reason}.",
                                  len(listed), None if position is None else position + 1,
                                  event if isinstance(event, dict) else None)
    noun = "event" if len(listed) == 1 else "events"
    return ExportVerifyReport(True, f"{path.name} is intact: {len(listed)} {noun} verified.",
                              len(listed))


def _first_problem(listed: list[tuple[dict, Any]], log: dict) -> tuple[int | None, str] | None:
    found = [p for p in (_placement_problem(listed), _chain_problem(listed)) if p is not None]
    if found:
        return min(found, key=lambda p: p[0])
    chain = log.get("chain") if isinstance(log.get("chain"), dict) else {}
    head = listed[-1][1]["hash"] if listed else GENESIS_HASH
    if chain.get("events") != len(listed) or chain.get("head") != head:
        return None, (f"the file says it holds {chain.get('events')} events but holds "
                      f"{len(listed)}; events at the end were removed or added")
    try:
        return _summary_problem(listed)
    except (KeyError, TypeError, AttributeError, ValueError):
        return None, "the current state listed in it is not in the expected shape"


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
        expected_keys = set(EVENT_FIELDS) | (CONSENT_EXTRA if event.get("kind") == "consent" else set())
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


def _chain_problem(listed: list[tuple[dict, Any]]) -> tuple[int, str] | None:
    where = {id(event): position for position, (_record, event) in enumerate(listed)}
    in_chain_order = sorted((e for _r, e in listed
                             if isinstance(e, dict) and isinstance(e.get("seq"), int)),
                            key=lambda e: e["seq"])
    broken = first_break(in_chain_order)
    if broken is None:
        return None
    index, reason = broken
    return where[id(in_chain_order[index])], reason


def _summary_problem(listed: list[tuple[dict, Any]]) -> tuple[None, str] | None:
    for record in dict((id(r), r) for r, _e in listed).values():
        stated = record.get("current_state") or []
        photos = {row.get("photo_hash"): row.get("dataset") for row in stated if isinstance(row, dict)}
        purposes = list(dict.fromkeys(row.get("purpose") for row in stated if isinstance(row, dict)))
        if current_states(record["events"], photos, purposes) != stated:
            return None, (f"the current state listed for {record.get('data_subject')} does not "
                          "follow from its events")
    return None


# --- the consented photos -------------------------------------------------------------------

@dataclass
class PhotoExportReport:
    purpose: str
    folder: Path
    copied: list[str] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=dict)  # state -> count
    problems: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        count = len(self.copied)
        sentence = (f"Copied {count} {'photo' if count == 1 else 'photos'} shared for "
                    f"{self.purpose} to {self.folder}, with manifest.csv.")
        words = {"refused": "not shared", "withdrawn": "withdrawn", "pending": "not yet decided",
                 "deleted": "deleted"}
        parts = [f"{self.left_out[state]} {word}" for state, word in words.items()
                 if self.left_out.get(state)]
        if parts:
            sentence += f" Left out: {', '.join(parts)}."
        return " ".join([sentence, *self.problems])


def export_photos(store: RecordStore, paths: AppPaths, purpose: str, out_dir: str | Path,
                  form: ConsentForm | None = None) -> PhotoExportReport:
    """Copy only the photos whose effective consent for ``purpose`` is given, with a manifest,
    and register every copy so that deleting the photo later removes it too."""
    decisions = Decisions(store, form)
    if purpose not in decisions.purpose_ids:
        raise ExportProblem(f"There is no purpose {purpose!r}; choose one of "
                            f"{', '.join(decisions.purpose_ids)}.")
    register = ExportRegister(paths)
    folder = _prepare_folder(Path(out_dir), register)
    rows = _photo_rows(store)
    states = decisions.effective_many([r[0] for r in rows], datasets_of={r[0]: r[3] for r in rows})
    report = PhotoExportReport(decisions.purpose_words(purpose), folder)
    chosen = []
    for content_hash, source, label, _root in rows:
        effective = states[content_hash][purpose]
        if effective.state != "given":
            report.left_out[effective.state] = report.left_out.get(effective.state, 0) + 1
        elif not Path(source).is_file():
            report.problems.append(f"{Path(source).name} is no longer in its folder, so it "
                                   "was not copied.")
        else:
            chosen.append((content_hash, Path(source), label, effective.event_hash))
    names = _unique_names([source.name for _h, source, _l, _e in chosen])
    register.add(folder, [(h, folder / n) for (h, *_rest), n in zip(chosen, names)])
    manifest = []
    for (content_hash, source, label, event_hash), name in zip(chosen, names):
        if not _copy_checked(source, folder / name, content_hash):
            report.problems.append(f"{source.name} changed since it was decided on, so it was "
                                   "not copied.")
            continue
        report.copied.append(name)
        manifest.append([name, content_hash, label or "", purpose, event_hash or ""])
    _write_manifest(folder / "manifest.csv", manifest)
    return report


def _photo_rows(store: RecordStore) -> list[tuple[str, str, str | None, str | None]]:
    query = (select(Photo.content_hash, Photo.path, Photo.label, Dataset.root)
             .outerjoin(Dataset, Photo.dataset_id == Dataset.id).order_by(Photo.path))
    with store.session() as session:
        return [tuple(row) for row in session.execute(query)]


def _prepare_folder(folder: Path, register: ExportRegister) -> Path:
    """A new or empty folder, or an earlier photo export whose copies are replaced (only
    files this app registered as copies are removed; nothing else is ever touched)."""
    if folder.exists() and not folder.is_dir():
        raise ExportProblem(f"{folder} is a file; give a folder to copy the photos into.")
    folder.mkdir(parents=True, exist_ok=True)
    folder = folder.resolve()
    if folder not in register.folders():
        if any(folder.iterdir()):
            raise ExportProblem(f"{folder} already holds other files; choose a new or empty "
                                "folder.")
        return folder
    for entry in register.entries():
        copy = Path(entry.get("path", ""))
        if entry.get("kind") == "copy" and copy.parent == folder and copy.is_file() \
                and file_hash(copy) == entry.get("photo_hash"):
            copy.unlink()
    return folder


def _unique_names(names: Iterable[str]) -> list[str]:
    used: set[str] = {"manifest.csv"}
    unique = []
    for name in names:
        candidate, number = name, 1
        while candidate.lower() in used:
            number += 1
            candidate = f"{Path(name).stem}-{number}{Path(name).suffix}"
        used.add(candidate.lower())
        unique.append(candidate)
    return unique


def _copy_checked(source: Path, target: Path, content_hash: str) -> bool:
    shutil.copyfile(source, target)
    if file_hash(target) != content_hash:
        target.unlink()
        return False
    return True


def _write_manifest(path: Path, rows: list[list[str]]) -> None:
    temporary = _temporary(path)
    with temporary.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(MANIFEST_COLUMNS)
        writer.writerows([[_cell(value) for value in row] for row in rows])
    os.replace(temporary, path)


def _temporary(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(f".{path.name}.partial")


def _write_atomically(path: Path, text: str, encoding: str) -> None:
    temporary = _temporary(path)
    temporary.write_text(text, encoding=encoding)
    os.replace(temporary, path)


__all__ = ["ExportProblem", "ExportVerifyReport", "PhotoExportReport", "consent_log",
           "current_states", "export_consent_csv", "export_consent_json",
           "export_photos", "verify_export_file"]
