import sqlite3

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from accessshare.library.exif import ExifFacts
from accessshare.library.scanner import PhotoInfo
from accessshare.records import DescriptionCache, RecordStore, RecordsUnavailable
from accessshare.records.chain import CHAINED_FIELDS, GENESIS_HASH, event_hash, utc_timestamp
from accessshare.records.models import Base
from accessshare.records.store import HEAD_REVISION, _make_engine, alembic_config


def _revisions_oldest_first() -> list[str]:
    scripts = ScriptDirectory.from_config(alembic_config(None))
    return [script.revision for script in reversed(list(scripts.walk_revisions()))]


def test_migrations_match_the_models(store):
    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        head = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert head == _revisions_oldest_first()[-1] == HEAD_REVISION


def _chained_rows(count: int) -> list[dict]:
    rows, previous = [], GENESIS_HASH
    for seq in range(1, count + 1):
        row = {name: None for name in CHAINED_FIELDS}
        row.update(seq=seq, kind="consent" if seq % 3 else "deletion", time=utc_timestamp(),
                   actor="c1", scope="photo", photo_hash=f"{seq:064x}", prev_hash=previous)
        if row["kind"] == "consent":
            row.update(purpose="research", state="given", form_version="1")
        else:
            row.update(status="done", reason="no longer wanted")
        row["hash"] = previous = event_hash(row)
        rows.append(row)
    return rows


@pytest.mark.parametrize("start", _revisions_oldest_first())
def test_upgrading_from_any_revision_keeps_every_event(store_url, start):
    """Events written under an older schema are all there, unchanged, after the upgrade."""
    engine = _make_engine(store_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), start)
    written = _chained_rows(30)
    columns = list(CHAINED_FIELDS) + ["hash"]
    with engine.begin() as connection:
        connection.execute(text(f"INSERT INTO events ({', '.join(columns)}) VALUES "
                                f"({', '.join(':' + c for c in columns)})"), written)
        if start >= "0003":  # a writer of this revision keeps the head row with each append
            connection.execute(text("UPDATE chain_head SET seq = 30, hash = :hash"),
                               {"hash": written[-1]["hash"]})
    engine.dispose()
    with RecordStore(store_url) as upgraded:
        kept = [{name: row[name] for name in columns} for row in upgraded.iter_raw_events()]
        assert kept == written
        assert (upgraded.kept_head().seq, upgraded.kept_head().hash) == (30, written[-1]["hash"])
        assert upgraded.verify().message == "Chain intact: 30 events verified."
        appended = upgraded.append_consent(purpose="research", state="withdrawn", actor="c1",
                                           photo_hash=written[0]["photo_hash"])
        assert (appended.seq, appended.prev_hash) == (31, written[-1]["hash"])


def test_reopening_upgrades_without_losing_events(store_url):
    first = RecordStore(store_url)
    first.append_consent(purpose="research", state="given", actor="c1", photo_hash="a" * 64)
    first.close()
    again = RecordStore(store_url)
    assert [e.state for e in again.events()] == ["given"]
    assert again.verify().ok
    again.close()


def test_sqlite_store_is_a_wal_file_with_foreign_keys(tmp_path):
    database = tmp_path / "records.sqlite3"
    store = RecordStore(f"sqlite:///{database}")
    store.append_consent(purpose="research", state="given", actor="c1", photo_hash="a" * 64)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
    store.close()
    raw = sqlite3.connect(database)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert raw.execute("SELECT count(*) FROM events").fetchone()[0] == 1


def test_description_cache_round_trip_and_delete_by_hash(store):
    cache = DescriptionCache(store)
    cache.put("a" * 64, "objects=1", {"sentence": "May show a cup."})
    cache.put("a" * 64, "objects=2", {"sentence": "A cup."})
    assert cache.get("a" * 64, "objects=1") == {"sentence": "May show a cup."}
    assert cache.get("b" * 64, "objects=1") is None
    cache.put("a" * 64, "objects=1", {"sentence": "A red cup."})  # a newer run replaces it
    assert cache.get("a" * 64, "objects=1") == {"sentence": "A red cup."}
    assert store.delete_descriptions("a" * 64) == 2
    assert cache.get("a" * 64, "objects=2") is None


def test_photos_are_remembered_by_content_hash(store, tmp_path):
    photo = PhotoInfo(id="c" * 64, path=tmp_path / "mug.jpg", relpath="mug.jpg", size=10,
                      mtime=0.0, width=4, height=3, format="JPEG", exif=ExifFacts(orientation=6),
                      label="mug")
    assert store.upsert_photos(tmp_path, [photo]) == 1
    renamed = PhotoInfo(**{**photo.__dict__, "path": tmp_path / "cup.jpg", "relpath": "cup.jpg"})
    store.upsert_photos(tmp_path, [renamed])
    remembered = store.photo("c" * 64)
    assert remembered.path.endswith("cup.jpg") and remembered.label == "mug"
    assert remembered.orientation == 6


def test_latest_states_over_many_photos_and_purposes(store):
    photos = [f"{n:064x}" for n in range(1200)]  # more than one IN (...) chunk
    store.append_consents({"photo_hash": p, "purpose": purpose, "state": "given", "actor": "c1"}
                          for p in photos for purpose in ("research", "commercial"))
    store.append_consents({"photo_hash": p, "purpose": "commercial", "state": "withdrawn",
                           "actor": "c1"} for p in photos[::2])
    store.append_consent(dataset="/photos", purpose="research", state="refused", actor="c1")
    latest = store.latest_states(photos)
    assert len(latest) == 2400
    assert latest[(photos[0], "commercial")].state == "withdrawn"
    assert latest[(photos[1], "commercial")].state == "given"
    assert {e.state for (_, purpose), e in latest.items() if purpose == "research"} == {"given"}
    assert store.latest_states() == latest or len(store.latest_states()) == 2400
    assert store.latest_states([photos[3]]).keys() == {(photos[3], "research"),
                                                       (photos[3], "commercial")}


def test_study_records_are_pseudonymous_and_hold_no_image_content(store):
    with pytest.raises(ValueError, match="must be a pseudonym"):
        store.start_study_session("Jane Doe")
    session = store.start_study_session("P07", facilitator="F1")
    for forbidden in ({"description": "a red mug"}, {"path": "/home/jane/mug.jpg"},
                      {"notes": "x" * 200}, {"thumbnail": b"\xff\xd8"}):
        with pytest.raises(ValueError):
            store.record_study_event(session, "photo_reviewed", forbidden)
    store.record_study_event(session, "consent_walk_finished", {"questions_wrong": 1})
    store.end_study_session(session)
    assert [(e.kind, e.detail) for e in store.study_events(session)] == [
        ("consent_walk_finished", {"questions_wrong": 1})]
    with pytest.raises(ValueError, match="no study session 999"):
        store.record_study_event(999, "x")


def test_a_database_from_a_newer_app_is_refused_plainly(tmp_path):
    url = f"sqlite:///{tmp_path / 'records.sqlite3'}"
    RecordStore(url).close()
    with sqlite3.connect(tmp_path / "records.sqlite3") as raw:
        raw.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(RecordsUnavailable, match="written by a newer AccessShare"):
        RecordStore(url)


def test_foreign_keys_are_enforced(store):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        with store.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO photos (content_hash, dataset_id, path, size, width, height, "
                "orientation, seen) VALUES (:h, 999, 'x.jpg', 1, 1, 1, 1, 'now')"), {"h": "d" * 64})
    assert store.photo("d" * 64) is None


def test_forgetting_a_photo_removes_its_path_and_label(store, tmp_path):
    photo = PhotoInfo(id="e" * 64, path=tmp_path / "bank card.jpg", relpath="bank card.jpg",
                      size=10, mtime=0.0, width=4, height=3, format="JPEG", label="my bank card")
    twin = PhotoInfo(**{**photo.__dict__, "path": tmp_path / "copy.jpg"})
    assert store.upsert_photos(tmp_path, [photo, twin]) == 1  # one identity, the last path seen
    assert store.photo("e" * 64).path.endswith("copy.jpg")
    store.forget_photo("e" * 64)
    assert store.photo("e" * 64) is None
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM photos WHERE label LIKE '%bank%'"
                                       " OR path LIKE '%bank%'")).scalar() == 0
