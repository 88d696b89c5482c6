"""The consent core on a real PostgreSQL server (a multi-site study's central record)."""

from __future__ import annotations

import pytest
from pg_databases import PG_URL, fresh_pg_database

from accessshare.config import AppPaths
from accessshare.consent import Decisions
from accessshare.consent.deletion import delete_photo
from accessshare.consent.export import export_consent_json, export_photos, verify_export_file
from accessshare.library import scan
from accessshare.records import RecordStore



@pytest.fixture
def pg_store(tmp_path):
    if not PG_URL:
        pytest.skip("PostgreSQL consent tests need ACCESSSHARE_TEST_PG_URL (CI sets it)")
    url, drop = fresh_pg_database("accessshare_c")
    paths = AppPaths(tmp_path / "data", url)
    store = RecordStore.open(paths)
    yield store, paths
    store.close()
    drop()


@pytest.mark.postgres
def test_decide_undo_export_verify_and_delete_on_postgresql(pg_store, dataset, tmp_path):
    store, paths = pg_store
    photos = scan(dataset).photos
    store.upsert_photos(dataset.resolve(), photos)
    ids = {p.relpath: p.id for p in photos}
    decisions = Decisions(store)
    decisions.decide_dataset(dataset, "research", "given")
    decisions.decide_photos([ids["coins.jpg"]], "research", "refused")
    decisions.decide_photos([ids["coffee.jpg"]], "research", "withdrawn")
    assert decisions.undo_last().sentence == "Undone. Shared for research; other purposes not yet decided."
    store.cache_description(ids["chelsea.jpg"], "m", {"sentence": "A ginger cat asleep on a rug."})
    report = export_photos(store, paths, "research", tmp_path / "research")
    assert sorted(report.copied) == ["camera.jpg", "chelsea.jpg", "coffee.jpg"]
    deleted = delete_photo(store, paths, dataset / "chelsea.jpg", "privacy")
    assert deleted.message == "Deleted chelsea.jpg and 1 exported copy. No copy remains."
    assert store.cached_description(ids["chelsea.jpg"], "m") is None
    export_consent_json(store, tmp_path / "log.json")
    assert verify_export_file(tmp_path / "log.json").message == "log.json is intact: 7 events verified."
    assert store.verify().ok
