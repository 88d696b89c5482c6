"""A kill -9 loses no confirmed decision; deleting leaves no copy, name or word behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

from accessshare.consent import Decisions
from accessshare.consent.deletion import DeletionProblem, delete_photo, file_hash
from accessshare.consent.export import export_consent_json, export_photos, verify_export_file
from accessshare.library import ThumbnailCache, scan
from accessshare.library.scanner import default_index_dir
from accessshare.records import RecordStore

import pytest

CHILD = textwrap.dedent("""
    import hashlib, sys
    from accessshare.consent import Decisions
    from accessshare.records import RecordStore
    store = RecordStore(sys.argv[1])
    decisions = Decisions(store)
    for n in range(100000):
        photo = hashlib.sha256(str(n).encode()).hexdigest()
        decisions.decide_photos([photo], ["research", "commercial"], "given" if n % 2 else "refused")
        print(n, flush=True)  # only after the decision was committed
""")


def test_kill_9_in_the_middle_of_decisions_loses_nothing_confirmed(tmp_path):
    url = f"sqlite:///{tmp_path / 'records.sqlite3'}"
    child = subprocess.Popen([sys.executable, "-c", CHILD, url], stdout=subprocess.PIPE, text=True)
    confirmed = []
    for line in child.stdout:
        confirmed.append(int(line))
        if len(confirmed) == 40:
            os.kill(child.pid, signal.SIGKILL)
            break
    child.wait()
    confirmed += [int(line) for line in child.stdout.read().split()]  # printed before the kill
    with RecordStore(url, tmp_path) as store:
        assert store.verify().ok
        decisions = Decisions(store)
        import hashlib
        for n in confirmed:
            photo = hashlib.sha256(str(n).encode()).hexdigest()
            expected = "given" if n % 2 else "refused"
            assert decisions.states(photo)["research"] == expected, n
            assert decisions.states(photo)["commercial"] == expected, n
        export_consent_json(store, tmp_path / "log.json")
    assert verify_export_file(tmp_path / "log.json").ok


DESCRIPTION = "A ginger cat curled up asleep on a striped blanket."
RECOGNISED = "PROPERTY OF THE WHISKERS FAMILY"


@pytest.fixture
def prepared(store, paths, dataset, decisions):
    """A photo with a thumbnail, a cached description with recognised text, an exported copy."""
    photos = scan(dataset, index_dir=default_index_dir(paths.data_dir)).photos
    store.upsert_photos(dataset.resolve(), photos)
    cat = next(p for p in photos if p.relpath == "chelsea.jpg")
    ThumbnailCache(paths.thumbnails_dir).get_or_make(cat)
    store.cache_description(cat.id, "objects-1", {"sentence": DESCRIPTION, "text": [RECOGNISED]})
    decisions.decide_photos([p.id for p in photos], "research", "given")
    exports = dataset.parent / "exports for research"
    assert "chelsea.jpg" in export_photos(store, paths, "research", exports).copied
    return cat, exports


def everything_under(*folders):
    for folder in folders:
        for directory, _dirs, names in os.walk(folder):
            for name in names:
                yield os.path.join(directory, name)


def test_deleting_leaves_no_copy_no_file_named_by_hash_and_no_words(store, paths, dataset, prepared):
    cat, exports = prepared
    data = cat.path.read_bytes()
    report = delete_photo(store, paths, cat.path, "I changed my mind")
    assert report.message == "Deleted chelsea.jpg and 1 exported copy. No copy remains."
    assert not cat.path.exists()
    for file in everything_under(paths.data_dir, dataset, exports):
        content = open(file, "rb").read()
        assert cat.id not in os.path.basename(file), file
        assert content != data, file
        assert DESCRIPTION.encode() not in content, file
        assert RECOGNISED.encode() not in content, file
        if file != str(dataset / "manifest.csv"):  # the contributor's own file keeps its label
            assert b"my cat" not in content, file
    assert store.cached_description(cat.id, "objects-1") is None
    manifest = (exports / "manifest.csv").read_text(encoding="utf-8-sig")
    assert "coffee.jpg" in manifest and cat.id not in manifest


def test_the_tombstones_hold_hash_time_and_reason_only(store, paths, prepared):
    cat, _exports = prepared
    delete_photo(store, paths, cat.path, "I changed my mind")
    tombstones = store.events(kind="deletion")
    assert [t.status for t in tombstones] == ["requested", "done", "verified"]
    assert {t.photo_hash for t in tombstones} == {cat.id}
    assert {t.reason for t in tombstones} == {"I changed my mind"}
    assert json.loads(tombstones[1].detail) == {"files_removed": 2, "exported_copies_removed": 1,
                                                "descriptions_removed": 1}
    assert json.loads(tombstones[2].detail) == {"ok": True, "copies_found": 0}
    assert store.verify().ok


def test_a_copy_elsewhere_in_the_dataset_goes_too(store, paths, dataset, prepared):
    cat, _exports = prepared
    (dataset / "backup").mkdir()
    (dataset / "backup" / "cat again.jpg").write_bytes(cat.path.read_bytes())
    report = delete_photo(store, paths, cat.path, "privacy")
    assert report.message == ("Deleted chelsea.jpg, 1 other copy in your folders and 1 exported "
                              "copy. No copy remains.")
    assert not (dataset / "backup" / "cat again.jpg").exists()


def test_verification_reports_a_copy_the_app_cannot_remove(store, paths, dataset, prepared):
    cat, _exports = prepared
    (paths.data_dir / "saved by hand.jpg").write_bytes(cat.path.read_bytes())
    report = delete_photo(store, paths, cat.path, "privacy")
    assert not report.ok
    assert report.message.startswith("Deleted chelsea.jpg and 1 exported copy, but 1 copy remains: ")
    assert "saved by hand.jpg holds the same photo" in report.message
    assert json.loads(store.events(kind="deletion")[-1].detail) == {"ok": False, "copies_found": 1}


def test_a_folder_or_missing_file_is_refused_with_one_sentence(store, paths, dataset):
    with pytest.raises(DeletionProblem, match="is a folder; give the path of one photo file"):
        delete_photo(store, paths, dataset, "x")
    with pytest.raises(DeletionProblem, match="nothing.jpg is not there"):
        delete_photo(store, paths, dataset / "nothing.jpg", "x")
    with pytest.raises(DeletionProblem, match="Say why coffee.jpg is deleted"):
        delete_photo(store, paths, dataset / "coffee.jpg", "  ")
    assert (dataset / "coffee.jpg").exists() and store.events() == []
    assert file_hash(dataset / "coffee.jpg")
