"""What Orca says when the device key was lost and made anew (ACCESSIBILITY.md, recipe 4).

A photo was shared and the log exported; then ``device-key.pem`` was deleted. The app opens
under a private Orca: it must say once, whole, that the key was made anew, with both short
fingerprints. Exporting the log from the window (Control+E, Alt+X) hands the new key on: the
notice is then over, and Verify says the new key's fingerprint.
"""

from __future__ import annotations

import shutil

import pytest
from orca_harness import app_command, expect, key, private_env, quiet, run_orca, skip_without_orca

pytestmark = pytest.mark.xvfb

PHOTO = "coffee.jpg"


def _key_lost(tmp_path, dataset):
    """Share the photo, export the log, delete the key. Returns the data paths, the notice
    the window must say, and the new key's short fingerprint."""
    from accessshare.app.consent import ConsentService, key_change_notice
    from accessshare.config import resolve_paths
    from accessshare.consent.export import export_consent_json
    from accessshare.consent.walk import record_walk_completed
    from accessshare.consent.form import load_form
    from accessshare.library import scan
    from accessshare.records import RecordStore
    from accessshare.records.signing import KEY_FILE, short_fingerprint

    paths = resolve_paths(tmp_path / "data").ensure()
    with RecordStore.open(paths) as store:
        record_walk_completed(store, load_form())
        photos = scan(dataset).photos
        store.upsert_photos(dataset.resolve(), photos)
        ConsentService(store, paths).share(photos, ["research"])
        export_consent_json(store, tmp_path / "before.json")
    (paths.data_dir / KEY_FILE).unlink()
    with RecordStore.open(paths) as store:  # makes the new key, as the app would
        notice = key_change_notice(store)
        new_key = short_fingerprint(store.device_key().fingerprint)
    assert notice.startswith("This device's signing key was made anew"), notice
    return paths, notice, new_key


def test_orca_says_a_new_device_key_once_and_an_export_ends_it(tmp_path):
    skip_without_orca()
    from accessshare.paths import sample_dataset
    from accessshare.records import RecordStore

    dataset = tmp_path / "dataset"
    dataset.mkdir()
    shutil.copy(sample_dataset() / PHOTO, dataset / PHOTO)
    paths, notice, new_key = _key_lost(tmp_path, dataset)
    steps = [
        expect(notice, timeout=30, from_start=True), quiet(1.5),
        key("ctrl+e", ["Export and verify consent records", "Consent log as JSON"]),
        key("alt+x", "Saved the consent log with"),
        key("alt+v", "Verify a consent log"),
        key("Return", f"with the device key {new_key}."),
        key("Escape", "Photo 1 of 1."), quiet(1.5),
    ]
    run = run_orca(tmp_path, steps, app_command(dataset), env=private_env(tmp_path),
                   ready=f"Photo 1 of 1. {PHOTO}.")
    run.check()
    said = run.app_said()
    holding = [line for line in said if "signing key was made anew" in line]
    assert len(holding) == 1, holding
    assert notice in holding[0], f"cut: {holding[0]!r} is not {notice!r}"
    assert not run.repeats(), f"Orca said these twice in a row: {run.repeats()}"
    with RecordStore.open(paths) as store:  # the window's export handed the new key on
        assert store.pending_key_change() is None
