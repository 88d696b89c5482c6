"""The describe service: real describer processes running the real models on real photos, a
real SQLite store as the description cache. Waits have deadlines; nothing sleeps a fixed time."""

from __future__ import annotations

import os
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from accessshare.describe.pipeline import Describer
from accessshare.describe.service import (Described, DescribeService, DescriberReady, DescriberSpec,
                                          NotDescribed, PhotoQueue)
from accessshare.library import PhotoInfo, iter_scan
from accessshare.records import RecordStore
from accessshare.records.store import DescriptionCache

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "helpers"))
from describer_stand_ins import ATTEMPTS_ENV, STAND_IN, write_photos  # noqa: E402

DEADLINE = 120.0


class Results:
    """What the service handed over, gathered from its thread."""

    def __init__(self):
        self.items: list = []
        self.batches = 0
        self._condition = threading.Condition()

    def __call__(self, batch: list) -> None:
        with self._condition:
            self.items.extend(batch)
            self.batches += 1
            self._condition.notify_all()

    def wait_for(self, condition, timeout: float = DEADLINE) -> None:
        """Until ``condition(self)`` holds; checked on each batch and every 50 ms."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while not condition(self):
                assert time.monotonic() < deadline, self.summary()
                self._condition.wait(0.05)

    def outcomes(self, kind=(Described, NotDescribed)) -> list:
        with self._condition:
            return [item for item in self.items if isinstance(item, kind)]

    def names(self, kind=(Described, NotDescribed)) -> list[str]:
        return [item.photo.path.name for item in self.outcomes(kind)]

    def reasons(self, name: str) -> list[str]:
        return [item.reason for item in self.outcomes(NotDescribed) if item.photo.path.name == name]

    def summary(self) -> str:
        return "; ".join(f"{type(i).__name__} {getattr(getattr(i, 'photo', None), 'path', '')} "
                         f"{getattr(i, 'reason', '')}" for i in self.items)


def scanned(folder: Path) -> list[PhotoInfo]:
    return sorted((p for p in iter_scan(folder) if isinstance(p, PhotoInfo)), key=lambda p: p.relpath)


@pytest.fixture
def cache(tmp_path):
    with RecordStore(f"sqlite:///{tmp_path / 'records.sqlite3'}") as store:
        yield DescriptionCache(store)


@pytest.fixture
def services():
    made: list[DescribeService] = []

    def make(*args, **kwargs) -> DescribeService:
        made.append(DescribeService(*args, **kwargs))
        return made[-1]

    yield make
    for service in made:
        service.close()


def test_the_queue_gives_the_photos_asked_for_first_then_the_rest_in_order():
    class Photo:
        def __init__(self, photo_id):
            self.id = photo_id

    queue = PhotoQueue()
    queue.add(Photo(f"p{i}") for i in range(6))
    queue.prioritise(["p4", "p9", "p2"])  # p9 is not waiting: ignored

    def take() -> str:
        photo = queue.peek()
        queue.remove(photo.id)
        return photo.id

    assert take() == "p4"
    queue.prioritise(["p5", "p3"])  # the focus moved on: the new neighbours come first
    assert [take() for _ in range(5)] == ["p5", "p3", "p0", "p1", "p2"]
    assert queue.peek() is None


def test_photos_asked_for_come_first_a_broken_one_is_reported_and_the_rest_go_on(
        tmp_path, cache, services):
    names = [f"p{i}.jpg" for i in range(8)]
    write_photos(tmp_path / "photos", names)
    (tmp_path / "photos" / "p5.jpg").write_bytes(b"\xff\xd8\xff\xe0 cut short")
    photos = scanned(tmp_path / "photos")
    assert [p.path.name for p in photos] == [n for n in names if n != "p5.jpg"]  # unreadable header
    by_name = {p.path.name: p for p in photos}
    broken = PhotoInfo(id="0" * 64, path=tmp_path / "photos" / "p5.jpg", relpath="p5.jpg", size=12,
                       mtime=0.0, width=10, height=10, format="JPEG")
    results = Results()
    service = services(cache=cache)
    service.submit(photos[:5] + [broken] + photos[5:])
    service.prioritise([by_name["p6.jpg"].id, broken.id, by_name["p4.jpg"].id])
    service.start(results)
    results.wait_for(lambda r: len(r.outcomes()) == 8)
    assert results.names() == ["p6.jpg", "p5.jpg", "p4.jpg", "p0.jpg", "p1.jpg", "p2.jpg", "p3.jpg",
                               "p7.jpg"]
    assert results.names(NotDescribed) == ["p5.jpg"]
    assert "p5.jpg" in results.reasons("p5.jpg")[0]
    assert all(item.description.sentence for item in results.outcomes(Described))
    # The parent cached what the process found, in the real store.
    models_key = Describer().models_key
    assert all(cache.get(p.id, models_key)["hash"] for p in photos)


def test_cached_photos_are_described_without_starting_a_describer_process(tmp_path, cache, services):
    write_photos(tmp_path / "photos", ["a.jpg", "b.jpg", "c.jpg"])
    photos = scanned(tmp_path / "photos")
    first = services(cache=cache)
    results = Results()
    first.start(results)
    first.submit(photos)
    results.wait_for(lambda r: len(r.outcomes()) == 3)
    first.close()
    again, later = services(cache=cache), Results()
    again.start(later)
    again.submit(photos)
    later.wait_for(lambda r: len(r.outcomes(Described)) == 3)
    assert again.process_ids() == []
    assert [d.description.sentence for d in later.outcomes()] == \
        [d.description.sentence for d in results.outcomes()]


def test_the_describer_process_runs_below_the_apps_priority(tmp_path, cache, services):
    if not sys.platform.startswith("linux"):
        pytest.skip("reads thread priorities from /proc")
    write_photos(tmp_path / "photos", ["a.jpg"])
    results = Results()
    service = services(cache=cache)
    service.start(results)
    service.submit(scanned(tmp_path / "photos"))
    results.wait_for(lambda r: len(r.outcomes(Described)) == 1)
    [pid] = service.process_ids()
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    tasks = list(Path(f"/proc/{pid}/task").iterdir())
    assert len(tasks) > 1  # onnxruntime's threads, started after the priority was lowered
    for task in tasks:
        nice = int((task / "stat").read_text().rsplit(")", 1)[1].split()[16])
        assert nice > ours, f"thread {task.name} runs at nice {nice}"


def test_a_photo_that_kills_or_stalls_the_describer_is_reported_tried_once_more_then_left(
        tmp_path, cache, services, monkeypatch):
    attempts = tmp_path / "attempts.txt"
    monkeypatch.setenv(ATTEMPTS_ENV, str(attempts))
    write_photos(tmp_path / "photos", ["a.jpg", "crash.jpg", "b.jpg", "stall.jpg", "c.jpg"])
    results = Results()
    service = services(DescriberSpec(factory=STAND_IN), cache=cache, deadline=5)
    service.start(results)
    service.submit(scanned(tmp_path / "photos"))
    results.wait_for(lambda r: len(r.reasons("crash.jpg")) == 2 and len(r.reasons("stall.jpg")) == 2
                     and len(r.outcomes(Described)) == 3)
    assert sorted(results.names(Described)) == ["a.jpg", "b.jpg", "c.jpg"]
    assert results.reasons("crash.jpg") == ["the describer stopped",
                                            "the describer stopped; it was tried twice"]
    assert results.reasons("stall.jpg") == [
        "the describer stopped: it took longer than 5 seconds",
        "the describer stopped: it took longer than 5 seconds; it was tried twice"]
    finals = [i.final for i in results.outcomes(NotDescribed)]
    assert finals.count(True) == 2 and finals.count(False) == 2
    # Nothing is tried a third time, even when the same photos are asked for again.
    service.submit(scanned(tmp_path / "photos"))
    results.wait_for(lambda r: len(r.reasons("crash.jpg")) == 3 and len(r.reasons("stall.jpg")) == 3)
    assert service.remaining == 0 and service.busy() == {}
    tried = attempts.read_text().split()
    assert tried.count("crash.jpg") == 2 and tried.count("stall.jpg") == 2


def test_a_caption_model_that_cannot_be_used_is_said_once_and_the_detectors_describe(
        tmp_path, cache, services):
    empty = tmp_path / "empty-model"
    empty.mkdir()
    write_photos(tmp_path / "photos", ["a.jpg"])
    results = Results()
    service = services(DescriberSpec(caption_model=empty), cache=cache)
    service.start(results)
    service.submit(scanned(tmp_path / "photos"))
    results.wait_for(lambda r: len(r.outcomes(Described)) == 1)
    notes = [item.note for item in results.items if isinstance(item, DescriberReady) and item.note]
    assert len(notes) == 1 and "caption model cannot be used" in notes[0]


def test_closing_ends_the_describer_processes(tmp_path, cache, services):
    write_photos(tmp_path / "photos", [f"p{i}.jpg" for i in range(4)], side=1600)
    results = Results()
    service = services(cache=cache)
    service.start(results)
    service.submit(scanned(tmp_path / "photos"))
    results.wait_for(lambda r: bool(service.busy()))
    pids = service.process_ids()
    service.close()
    results.wait_for(lambda r: not any(Path(f"/proc/{pid}").exists() for pid in pids), timeout=10)


def test_the_command_line_with_two_processes_prints_in_order_and_the_later_twin_names_the_earlier(
        tmp_path):
    import json
    import subprocess

    from PIL import Image

    folder = tmp_path / "photos"
    write_photos(folder, ["a.jpg", "b.jpg", "c.jpg", "d.jpg"])
    Image.open(folder / "b.jpg").resize((300, 200)).save(folder / "e-small-b.jpg", quality=85)
    env = {**os.environ, "ACCESSSHARE_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-m", "accessshare", "describe", str(folder), "--json",
                           "--verbosity", "detailed", "--workers", "2"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [Path(line["path"]).name for line in lines] == ["a.jpg", "b.jpg", "c.jpg", "d.jpg",
                                                           "e-small-b.jpg"]
    assert "duplicate" not in lines[1]["quality"]
    assert "duplicate" in lines[4]["quality"] and "b.jpg" in " ".join(lines[4]["details"])


def test_a_describer_stuck_on_a_photo_ends_when_the_app_is_killed(tmp_path):
    """kill -9 of the app (no chance to stop its children): the describer process, stuck in
    the middle of a photo, ends too rather than holding a core and its memory for nobody."""
    import signal
    import subprocess

    write_photos(tmp_path / "photos", ["stall.jpg"])
    app = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(Path(__file__).resolve().parents[1] / "helpers")!r})
        from accessshare.describe.service import DescribeService, DescriberSpec
        from accessshare.library import PhotoInfo, iter_scan
        from describer_stand_ins import STAND_IN

        if __name__ == "__main__":
            service = DescribeService(DescriberSpec(factory=STAND_IN))
            service.start()
            service.submit([p for p in iter_scan({str(tmp_path / "photos")!r}) if isinstance(p, PhotoInfo)])
            while not service.busy():
                time.sleep(0.05)
            print(*service.busy(), flush=True)
            time.sleep(3600)
        """)
    (tmp_path / "app.py").write_text(app)
    parent = subprocess.Popen([sys.executable, str(tmp_path / "app.py")], stdout=subprocess.PIPE,
                              text=True)
    child = None
    try:
        child = int(parent.stdout.readline())
        assert Path(f"/proc/{child}").exists()
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 10
        while Path(f"/proc/{child}").exists() and not is_zombie(child):
            assert time.monotonic() < deadline, "the describer outlived the app"
            time.sleep(0.05)
    finally:
        parent.kill()
        parent.wait()
        if child is not None and Path(f"/proc/{child}").exists() and not is_zombie(child):
            os.kill(child, signal.SIGKILL)  # when the test fails: leave nothing behind


def is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return False
