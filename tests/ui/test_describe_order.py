"""The window's describe worker over the real describe service (one describer process, the real
models, real photos, a real SQLite cache): the photo asked for first, then its neighbours, then
the rest; a photo that cannot be read is reported and the rest go on; results reach the window
as batches of (photo id, description, why not)."""

from __future__ import annotations

import sys
from pathlib import Path

from accessshare.describe.service import DescribeService
from accessshare.library import PhotoInfo, iter_scan
from accessshare.records import RecordStore
from accessshare.records.store import DescriptionCache
from accessshare.ui.workers import DescribeWorker

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "helpers"))
from describer_stand_ins import write_photos  # noqa: E402

DEADLINE_MS = 120_000


def photos_in(folder: Path) -> dict[str, PhotoInfo]:
    return {p.path.stem: p for p in iter_scan(folder) if isinstance(p, PhotoInfo)}


def worker_over(tmp_path):
    """A worker over a service with its own store, its batches, and a function to end both."""
    store = RecordStore(f"sqlite:///{tmp_path / 'records.sqlite3'}")
    worker = DescribeWorker(lambda: DescribeService(cache=DescriptionCache(store)))
    batches: list = []
    worker.described.connect(batches.append)

    def finish():
        worker.stop(wait_seconds=5)
        store.close()

    return worker, batches, finish


def test_current_then_neighbours_then_the_rest_and_failures_reported(tmp_path, qtbot):
    write_photos(tmp_path / "photos", [f"p{i}.jpg" for i in range(10)], side=400)
    photos = photos_in(tmp_path / "photos")
    cut_short = photos["p5"].path.read_bytes()[:2000]  # the header reads; decoding fails
    photos["p5"].path.write_bytes(cut_short)
    worker, batches, finish = worker_over(tmp_path)
    try:
        worker.enqueue([photos[f"p{i}"] for i in range(10)])
        worker.prioritise([photos[name].id for name in ("p6", "p7", "p5", "p8", "p4")])
        worker.start()
        qtbot.waitUntil(lambda: sum(map(len, batches)) >= 10, timeout=DEADLINE_MS)
    finally:
        finish()
    results = [result for batch in batches for result in batch]
    by_id = {photo.id: name for name, photo in photos.items()}
    assert [by_id[photo_id] for photo_id, _d, _why in results] == \
        ["p6", "p7", "p5", "p8", "p4", "p0", "p1", "p2", "p3", "p9"]
    [(_id, description, why)] = [r for r in results if r[0] == photos["p5"].id]
    assert description is None and "p5.jpg" in why
    described = [d for photo_id, d, _why in results if photo_id != photos["p5"].id]
    assert all(d is not None and d.sentence for d in described)


def test_forgotten_photos_are_not_described(tmp_path, qtbot):
    write_photos(tmp_path / "photos", [f"p{i}.jpg" for i in range(4)], side=400)
    photos = photos_in(tmp_path / "photos")
    worker, batches, finish = worker_over(tmp_path)
    try:
        worker.enqueue([photos[f"p{i}"] for i in range(4)])
        worker.forget(photos["p2"].id)
        worker.start()
        qtbot.waitUntil(lambda: sum(map(len, batches)) >= 3, timeout=DEADLINE_MS)
        qtbot.waitUntil(lambda: worker.remaining == 0 and not worker.service.busy(), timeout=5000)
    finally:
        finish()
    described = {photo_id for batch in batches for photo_id, _d, _why in batch}
    assert described == {photos[name].id for name in ("p0", "p1", "p3")}
