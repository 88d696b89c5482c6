"""The application layer's consent service (app/consent.py, once ui/consent_core.py) on the
guarantees of issue 11, without Qt: the list
reads states from the verified chain only, a deletion's words name every copy removed, and an
interrupted deletion is finished when the app starts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from accessshare.library import scan
from accessshare.app.consent import ConsentService as ConsentCore

CHILD = Path(__file__).parents[1] / "consent" / "deletion_child.py"


def photos_of(store, dataset):
    photos = scan(dataset).photos
    store.upsert_photos(dataset.resolve(), photos)
    return {p.relpath: p for p in photos}


def test_the_list_says_nothing_is_shared_when_the_log_fails_verification(store, paths, dataset):
    core = ConsentCore(store, paths)
    coffee = photos_of(store, dataset)["coffee.jpg"]
    core.share([coffee], ["research"])
    assert core.is_shared(coffee.id)
    with store.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER events_no_update"))
        connection.execute(text("UPDATE events SET state = 'given' WHERE seq = 2"))
    reopened = ConsentCore(store, paths)
    assert reopened.spoken_state(coffee.id) == "Not shared: the consent log is damaged."
    assert not reopened.is_shared(coffee.id)


def test_deleting_in_the_app_names_the_other_copies_and_ends_consent(store, paths, dataset):
    (dataset / "again.jpg").write_bytes((dataset / "coffee.jpg").read_bytes())
    core = ConsentCore(store, paths)
    photos = photos_of(store, dataset)
    core.share([photos["coffee.jpg"]], ["research"])
    assert core.delete(photos["coffee.jpg"]).sentence == ("Deleted coffee.jpg and 1 other copy in your "
                                                 "folders. No copy remains.")
    assert not (dataset / "again.jpg").exists()
    assert core.spoken_state(photos["coffee.jpg"].id) == "Deleted earlier; not shared."


def test_a_deletion_interrupted_last_time_is_finished_when_the_app_starts(store, paths, dataset):
    coffee = photos_of(store, dataset)["coffee.jpg"]
    ConsentCore(store, paths).share([coffee], ["research"])
    child = subprocess.run([sys.executable, str(CHILD), str(paths.data_dir), str(coffee.path),
                            "requested"], capture_output=True, text=True, timeout=120)
    assert child.returncode == -9 and coffee.path.exists()
    core = ConsentCore(store, paths)
    assert core.startup_messages == [f"Finished deleting a photo whose deletion was interrupted "
                                     f"({coffee.id[:12]}). No copy remains."]
    assert not coffee.path.exists()
    assert core.spoken_state(coffee.id) == "Deleted earlier; not shared."
