"""The describe worker's order: the photo asked for first, then its neighbours, then the rest;
a photo that cannot be read is reported and the rest go on. The describer here only records
the order it is called in (the scheduling is what is tested; the real describer is used by the
other window tests)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from accessshare.library import ImageProblem
from accessshare.ui.workers import DescribeWorker


@dataclass
class Photo:
    id: str
    path: Path


class OrderRecorder:
    def __init__(self, gate: threading.Event):
        self.order: list[str] = []
        self.gate = gate

    def describe(self, photo):
        self.gate.wait(5)
        self.order.append(photo.id)
        if photo.id == "p5":
            raise ImageProblem(photo.path, f"{photo.path.name} is not a complete JPEG.")
        return f"described {photo.id}"


def test_current_then_neighbours_then_the_rest_and_failures_reported(qtbot):
    gate = threading.Event()
    recorder = OrderRecorder(gate)
    worker = DescribeWorker(lambda: recorder)
    results: dict[str, str] = {}
    worker.described.connect(lambda photo_id, description: results.__setitem__(photo_id, description))
    worker.failed.connect(lambda photo_id, message: results.__setitem__(photo_id, "failed: " + message))
    photos = [Photo(f"p{i}", Path(f"/data/p{i}.jpg")) for i in range(10)]
    worker.enqueue(photos)
    worker.prioritise(["p6", "p7", "p5", "p8", "p4"])
    worker.start()
    gate.set()
    qtbot.waitUntil(lambda: len(results) == 10, timeout=5000)
    worker.stop()
    assert recorder.order == ["p6", "p7", "p5", "p8", "p4", "p0", "p1", "p2", "p3", "p9"]
    assert results["p5"] == "failed: p5.jpg is not a complete JPEG."
    assert results["p9"] == "described p9"


def test_forgotten_photos_are_not_described(qtbot):
    gate = threading.Event()
    recorder = OrderRecorder(gate)
    worker = DescribeWorker(lambda: recorder)
    done: list[str] = []
    worker.described.connect(lambda photo_id, _d: done.append(photo_id))
    worker.enqueue([Photo(f"p{i}", Path(f"/data/p{i}.jpg")) for i in range(4)])
    worker.forget("p2")
    worker.start()
    gate.set()
    qtbot.waitUntil(lambda: len(done) == 3, timeout=5000)
    qtbot.wait(100)
    worker.stop()
    assert "p2" not in recorder.order and len(recorder.order) == 3
