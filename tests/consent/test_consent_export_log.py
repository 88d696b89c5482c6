"""Exports of the consent log: generated decision sequences, and tampering with the JSON."""

from __future__ import annotations

import copy
import csv
import hashlib
import json
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accessshare.consent import Decisions, load_form
from accessshare.consent.export import (DPV_STATUS, consent_log, current_states,
                                        export_consent_csv, export_consent_json,
                                        verify_export_file)
from accessshare.records import CONSENT_STATES, RecordStore
from accessshare.records.signing import DeviceKey, sign_document

FORM = load_form()
PURPOSES = list(FORM.purpose_ids)
PHOTOS = [hashlib.sha256(f"photo {n}".encode()).hexdigest() for n in range(3)]

photo_decision = st.tuples(st.just("photos"), st.sets(st.sampled_from(PHOTOS), min_size=1),
                           st.sampled_from(PURPOSES), st.sampled_from(CONSENT_STATES))
dataset_decision = st.tuples(st.just("dataset"), st.sampled_from(PURPOSES),
                             st.sampled_from(CONSENT_STATES))
undo = st.tuples(st.just("undo"))
sequences = st.lists(st.one_of(photo_decision, dataset_decision, undo), max_size=9)


class Model:
    """What the contributor decided, worked out without the code under test."""

    def __init__(self):
        self.own = {}  # (photo, purpose) -> state; absent = follows the folder
        self.folder = {}  # purpose -> state
        self.stack = []  # earlier values of each decision, for undo

    def apply(self, step) -> int:
        if step[0] == "undo":
            if not self.stack:
                return 0
            kind, earlier = self.stack.pop()
            target = self.own if kind == "photos" else self.folder
            for key, value in earlier.items():
                target.pop(key, None) if value is None else target.__setitem__(key, value)
            return len(earlier)
        if step[0] == "photos":
            _, photos, purpose, state = step
            keys = [(p, purpose) for p in sorted(photos)]
            self.stack.append(("photos", {k: self.own.get(k) for k in keys}))
            self.own.update({k: state for k in keys})
            return len(keys)
        _, purpose, state = step
        self.stack.append(("dataset", {purpose: self.folder.get(purpose)}))
        self.folder[purpose] = state
        return 1

    def state(self, photo, purpose) -> str:
        return self.own.get((photo, purpose)) or self.folder.get(purpose) or "pending"


def run_steps(steps, folder: Path):
    root = folder / "photos"
    root.mkdir()
    store = RecordStore(f"sqlite:///{folder / 'records.sqlite3'}", folder)
    store.upsert_photos(str(root), [SimpleNamespace(
        id=h, path=root / f"{n}.jpg", size=1, width=1, height=1, exif=None, label=None)
        for n, h in enumerate(PHOTOS)])
    decisions, model, written = Decisions(store, FORM), Model(), 0
    for step in steps:
        expected = model.apply(step)
        if step[0] == "undo":
            undone = decisions.undo_last()
            assert (undone.events if undone else 0) == expected
        elif step[0] == "photos":
            assert decisions.decide_photos(step[1], step[2], step[3]) == len(step[1])
        else:
            decisions.decide_dataset(root, step[1], step[2])
        written += expected
    return store, model, written


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sequences)
def test_exports_show_the_latest_state_of_every_photo_and_purpose_and_all_events(steps):
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        store, model, written = run_steps(steps, folder)
        try:
            decisions = Decisions(store, FORM)
            for photo in PHOTOS:
                assert decisions.states(photo) == {p: model.state(photo, p) for p in PURPOSES}
            export_consent_json(store, folder / "log.json", FORM)
            export_consent_csv(store, folder / "log.csv")
        finally:
            store.close()
        log = json.loads((folder / "log.json").read_text(encoding="utf-8"))
        expected = {(photo, p): model.state(photo, p) for photo in PHOTOS for p in PURPOSES}
        (record,) = log["records"]
        assert {(r["photo_hash"], r["purpose"]): r["state"] for r in record["current_state"]} \
            == expected
        assert all(r["consent_status"] == DPV_STATUS[r["state"]] for r in record["current_state"])
        assert len(record["events"]) == written == log["chain"]["events"]
        assert verify_export_file(folder / "log.json").ok

        with open(folder / "log.csv", encoding="utf-8-sig", newline="") as source:
            rows = list(csv.DictReader(source))
        assert [int(r["seq"]) for r in rows] == list(range(1, written + 1))
        replayed = [{k: (v or None) for k, v in r.items()} for r in rows]
        from_csv = current_states(replayed, {h: str(folder / "photos") for h in PHOTOS}, PURPOSES)
        assert {(r["photo_hash"], r["purpose"]): r["state"] for r in from_csv} == expected


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A log with photo and folder decisions, an undo and a deletion, exported as JSON."""
    folder = tmp_path_factory.mktemp("tamper")
    store, _model, _written = run_steps([("photos", {PHOTOS[0], PHOTOS[1]}, "research", "given"),
                                         ("dataset", "commercial", "refused"),
                                         ("photos", {PHOTOS[2]}, "train_ai", "refused"),
                                         ("undo",)], folder)
    store.append_deletion(photo_hash=PHOTOS[1], status="requested", actor=store.contributor(),
                          reason="changed my mind")
    log = consent_log(store, FORM)
    store.close()
    return log


def check(log, tmp_path) -> object:
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(log), encoding="utf-8")
    return verify_export_file(path)


def events_of(log):
    return log["records"][0]["events"]


def test_an_untouched_export_verifies(exported, tmp_path):
    report = check(exported, tmp_path)
    assert report.ok and report.message == "edited.json is intact: 6 events verified."


EDITABLE = ("seq", "time", "actor", "kind", "scope", "photo_hash", "dataset", "purpose", "state",
            "form_version", "form_hash", "status", "reason", "detail", "prev_hash", "hash",
            "consent_status", "notice")


def altered(value):
    if isinstance(value, int):
        return value + 7
    if isinstance(value, dict):
        return {**value, "version": "9.9"}
    return "x" if value is None else value[:-1] + ("0" if value[-1:] != "0" else "1")


@pytest.mark.parametrize("field", EDITABLE)
def test_editing_any_field_of_any_event_fails_at_that_event(exported, tmp_path, field):
    for index in range(len(events_of(exported))):
        log = copy.deepcopy(exported)
        event = events_of(log)[index]
        if field not in event:
            continue
        event[field] = altered(event[field])
        report = check(log, tmp_path)
        assert not report.ok, (field, index)
        assert report.position == index + 1, (field, index, report.message)
        assert f"altered at event {index + 1} of 6" in report.message


def test_deleting_any_event_fails_where_it_was(exported, tmp_path):
    for index in range(len(events_of(exported))):
        log = copy.deepcopy(exported)
        del events_of(log)[index]
        report = check(log, tmp_path)
        assert not report.ok
        if index < 5:
            assert report.position == index + 1 and "missing" in report.message
        else:
            assert "events at the end were removed" in report.message


def test_swapping_two_events_fails_at_the_first_moved(exported, tmp_path):
    for index in range(len(events_of(exported)) - 1):
        log = copy.deepcopy(exported)
        events = events_of(log)
        events[index], events[index + 1] = events[index + 1], events[index]
        report = check(log, tmp_path)
        assert not report.ok and report.position == index + 1, report.message
        assert report.first_altered["seq"] == index + 2


def test_editing_the_current_state_summary_is_caught(exported, tmp_path):
    log = copy.deepcopy(exported)
    row = log["records"][0]["current_state"][0]
    row["state"] = "given" if row["state"] != "given" else "refused"
    report = check(log, tmp_path)
    assert not report.ok and "does not follow from its events" in report.message
    log.pop("signature")  # re-signed by whoever holds some key: the summary is still checked
    log.update(sign_document(log, DeviceKey.load_or_create(tmp_path / "other")))
    report = check(log, tmp_path)
    assert not report.ok and "does not follow from its events" in report.message


def test_an_unsigned_export_is_not_trusted(exported, tmp_path):
    log = copy.deepcopy(exported)
    log.pop("signature")
    report = check(log, tmp_path)
    assert not report.ok and report.message.startswith(
        "edited.json cannot be trusted: it carries no signature")


def test_a_file_that_is_not_an_export_gets_one_sentence(tmp_path):
    path = tmp_path / "notes.json"
    path.write_text("[1, 2", encoding="utf-8")
    report = verify_export_file(path)
    assert not report.ok and report.message.startswith("notes.json is not an AccessShare")
    assert verify_export_file(tmp_path / "gone.json").message.startswith("gone.json cannot be read")


odd_values = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5),
                       st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=2),
                                                                            st.integers(), max_size=2))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(index=st.integers(0, 5), field=st.sampled_from(EDITABLE + ("extra",)), value=odd_values)
def test_any_odd_value_anywhere_is_reported_never_crashes(exported, tmp_path, index, field, value):
    log = copy.deepcopy(exported)
    event = events_of(log)[index]
    if field in event and event[field] == value:
        return
    event[field] = value
    report = check(log, tmp_path)
    assert not report.ok and report.message.startswith("edited.json was altered at event")
