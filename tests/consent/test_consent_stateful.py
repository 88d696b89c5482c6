"""A Hypothesis state machine over the real consent core, on SQLite and PostgreSQL: random
decisions per photo and purpose, folder defaults, deletions, copies put back or added, exports
and undo, on real files. The invariant, checked at every export: the export holds exactly the
photos whose latest decision for that purpose is "given" and whose content was not deleted
since that decision.

The model below is written from those rules alone, without the code under test:
- a photo's own latest decision counts unless it handed the photo back to its folder; else
  the folder's latest default; else nothing is shared;
- a deletion ends, for good, every decision about that content made before it, the folder's
  default included; only a decision about the photo made after the deletion counts again;
- undo restores what the last decision changed (not undoing an undo), leaving out photos
  deleted since; a photo whose content was deleted between its earlier decision and the undone
  one goes back to "no decision of its own"."""

from __future__ import annotations

import csv
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from pg_databases import PG_URL, fresh_pg_database

from accessshare.config import AppPaths
from accessshare.consent import Decisions, load_form
from accessshare.consent.deletion import delete_photo
from accessshare.consent.export import export_photos
from accessshare.library import scan
from accessshare.records import RecordStore

SAMPLE = Path(__file__).resolve().parents[2] / "assets" / "sample"
FORM = load_form()
PURPOSES = ("research", "commercial")
STATES = ("given", "refused", "withdrawn", "pending")
NAMES = ("a.jpg", "b.jpg", "c.jpg")


@dataclass
class Decided:
    seq: int
    state: str
    inherit: bool = False


class Model:
    def __init__(self):
        self.seq = 0
        self.own: dict[tuple[str, str], list[Decided]] = {}
        self.folder: dict[str, list[Decided]] = {}
        self.deleted: dict[str, list[int]] = {}
        self.batches: list[dict] = []  # {"rows": [(kind, key, purpose, seq)], "undo": bool}

    def tick(self) -> int:
        self.seq += 1
        return self.seq

    def deleted_between(self, photo: str, after: int, before: int | None) -> bool:
        return any(after < d and (before is None or d < before) for d in self.deleted.get(photo, []))

    def state(self, photo: str, purpose: str) -> str:
        last_deleted = max(self.deleted.get(photo, [0]))
        own = self.own.get((photo, purpose))
        if own and own[-1].seq > last_deleted and not own[-1].inherit:
            return own[-1].state
        if last_deleted:
            return "deleted"
        folder = self.folder.get(purpose)
        return folder[-1].state if folder else "pending"

    def decide(self, photos: list[str], purpose: str, state: str) -> None:
        rows = []
        for photo in photos:
            seq = self.tick()
            self.own.setdefault((photo, purpose), []).append(Decided(seq, state))
            rows.append(("photo", photo, purpose, seq))
        self.batches.append({"rows": rows, "undo": False, "undone": False})

    def default(self, purpose: str, state: str) -> None:
        seq = self.tick()
        self.folder.setdefault(purpose, []).append(Decided(seq, state))
        self.batches.append({"rows": [("folder", None, purpose, seq)], "undo": False,
                             "undone": False})

    def delete(self, photo: str) -> None:
        self.deleted.setdefault(photo, []).append(self.tick())

    def undo(self) -> int:
        for batch in reversed(self.batches):
            if batch["undo"] or batch["undone"]:
                continue
            kept = [r for r in batch["rows"]
                    if r[0] == "folder" or not self.deleted_between(r[1], r[3], None)]
            if not kept:
                continue
            batch["undone"] = True
            first = batch["rows"][0][3]
            restored = []
            for kind, photo, purpose, seq in kept:
                history = self.own[(photo, purpose)] if kind == "photo" else self.folder[purpose]
                before = [d for d in history if d.seq < first]
                new_seq = self.tick()
                if before and not (kind == "photo"
                                   and self.deleted_between(photo, before[-1].seq, seq)):
                    entry = Decided(new_seq, before[-1].state, before[-1].inherit)
                elif kind == "photo":
                    entry = Decided(new_seq, "pending", inherit=True)
                else:
                    entry = Decided(new_seq, "pending")
                history.append(entry)
                restored.append((kind, photo, purpose, new_seq))
            self.batches.append({"rows": restored, "undo": True, "undone": False})
            return len(kept)
        return 0


class ConsentMachine(RuleBasedStateMachine):
    backend = "sqlite"

    def __init__(self):
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="consent-machine-"))
        self.url, self.drop = make_store(self.backend, self.folder)
        self.paths = AppPaths(self.folder / "data", self.url).ensure()
        self.store = RecordStore.open(self.paths)
        self.root = self.folder / "photos"
        (self.root / "sub").mkdir(parents=True)
        self.content: dict[str, bytes] = {}
        base = (SAMPLE / "coffee.jpg").read_bytes()
        for number, name in enumerate(NAMES):
            self.content[name] = base + bytes([number]) * 4
            (self.root / name).write_bytes(self.content[name])
        self.ids = {p.path.name: p.id for p in scan(self.root).photos}
        self.rescan()
        self.decisions = Decisions(self.store, FORM)
        self.model = Model()
        self.exports = 0
        self.copies = 0

    def teardown(self):
        self.store.close()
        self.drop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def rescan(self) -> None:
        self.store.upsert_photos(self.root, scan(self.root).photos)

    def present(self, name: str) -> bool:
        return (self.root / name).exists()

    # Decisions ----------------------------------------------------------------------------

    @rule(names=st.sets(st.sampled_from(NAMES), min_size=1), purpose=st.sampled_from(PURPOSES),
          state=st.sampled_from(STATES))
    def decide(self, names, purpose, state):
        photos = [self.ids[n] for n in sorted(names)]
        self.decisions.decide_photos(photos, purpose, state)
        self.model.decide(photos, purpose, state)

    @rule(purpose=st.sampled_from(PURPOSES), state=st.sampled_from(STATES))
    def folder_default(self, purpose, state):
        self.decisions.decide_dataset(self.root, purpose, state)
        self.model.default(purpose, state)

    @rule()
    def undo(self):
        undone = self.decisions.undo_last()
        assert (undone.events if undone else 0) == self.model.undo()

    # Files ---------------------------------------------------------------------------------

    @precondition(lambda self: any(self.present(n) for n in NAMES))
    @rule(name=st.sampled_from(NAMES))
    def delete(self, name):
        if not self.present(name):
            return
        report = delete_photo(self.store, self.paths, self.root / name, "changed my mind")
        assert report.ok, report.message
        assert not any(p.read_bytes() == self.content[name]
                       for p in self.root.rglob("*.jpg")), "a copy survived"
        self.model.delete(self.ids[name])

    @rule(name=st.sampled_from(NAMES))
    def put_back(self, name):
        if not self.present(name):
            (self.root / name).write_bytes(self.content[name])
            self.rescan()

    @precondition(lambda self: any(self.present(n) for n in NAMES))
    @rule(name=st.sampled_from(NAMES))
    def add_copy(self, name):
        if self.present(name):
            self.copies += 1
            (self.root / "sub" / f"copy {self.copies} of {name}").write_bytes(self.content[name])

    # The invariant -------------------------------------------------------------------------

    @rule(purpose=st.sampled_from(PURPOSES))
    def export(self, purpose):
        self.exports += 1
        out = self.folder / f"export {self.exports}"
        export_photos(self.store, self.paths, purpose, out, FORM)
        with open(out / "manifest.csv", encoding="utf-8-sig", newline="") as source:
            exported = {row["content_hash"] for row in csv.DictReader(source)}
        expected = {self.ids[n] for n in NAMES
                    if self.present(n) and self.model.state(self.ids[n], purpose) == "given"}
        assert exported == expected

    @invariant()
    def states_follow_the_rules(self):
        decisions = Decisions(self.store, FORM)  # a fresh reader: the whole chain verified again
        for name in NAMES:
            states = decisions.states(self.ids[name], self.root)
            for purpose in PURPOSES:
                assert states[purpose] == self.model.state(self.ids[name], purpose), (name, purpose)


def make_store(backend: str, folder: Path):
    if backend == "sqlite":
        return f"sqlite:///{folder / 'data' / 'records.sqlite3'}", lambda: None
    return fresh_pg_database("accessshare_s")


MACHINE_SETTINGS = settings(max_examples=20, stateful_step_count=18, deadline=None,
                            suppress_health_check=[HealthCheck.too_slow])


class SQLiteMachine(ConsentMachine):
    backend = "sqlite"


class PostgresMachine(ConsentMachine):
    backend = "postgresql"


def test_the_consent_model_holds_on_sqlite():
    SQLiteMachine.TestCase.settings = MACHINE_SETTINGS
    SQLiteMachine.TestCase().runTest()


@pytest.mark.postgres
def test_the_consent_model_holds_on_postgresql():
    if not PG_URL:
        pytest.skip("PostgreSQL stateful tests need ACCESSSHARE_TEST_PG_URL (CI sets it)")
    PostgresMachine.TestCase.settings = MACHINE_SETTINGS
    PostgresMachine.TestCase().runTest()
