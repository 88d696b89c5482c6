"""Killing the describer process in the middle of a photo (kill -9, as a crash in a model would
end it) leaves the window answering keys; the photo is reported as not described, with the
reason, and describing goes on in a new process. A describer stuck on a photo never delays a
decision, and closing the window ends it. Real window, real models on real photos, a real
SQLite store. Every wait has a deadline; nothing sleeps a fixed time."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from accessshare.describe.service import DescriberSpec, DescribeService
from accessshare.records.store import DescriptionCache

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "helpers"))
from describer_stand_ins import STAND_IN, write_photos  # noqa: E402

DEADLINE_MS = 120_000
MID_PHOTO_SECONDS = 0.3  # the process has worked on its photo this long when it is killed
FROZEN_MS = 1000  # a window that does not run its event loop for this long is not answering


class Heartbeat:
    """The longest gap between ticks of a 20 ms timer: how long the event loop was held."""

    def __init__(self):
        self.last = time.monotonic()
        self.longest_ms = 0.0
        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)
        self.timer.start(20)

    def _tick(self) -> None:
        now = time.monotonic()
        self.longest_ms = max(self.longest_ms, (now - self.last) * 1000)
        self.last = now


def open_with_own_service(make_window, store, folder: Path, spec: DescriberSpec | None = None):
    """The window on ``folder`` with a describe service of its own; returns both."""
    services: list[DescribeService] = []

    def make_service() -> DescribeService:
        services.append(DescribeService(spec, cache=DescriptionCache(store)))
        return services[-1]

    window = make_window(folder, make_service=make_service)
    assert services, "the window made no describe service"
    return window, services[-1]


def test_killing_the_describer_mid_photo_keeps_the_window_answering_and_describing_goes_on(
        make_window, store, tmp_path, press, qtbot):
    folder = tmp_path / "dataset"
    write_photos(folder, [f"photo-{i:02d}.jpg" for i in range(12)], side=2000)
    window, service = open_with_own_service(make_window, store, folder)

    at_work: dict = {}

    def mid_photo() -> bool:
        busy = service.busy()
        if len(busy) != 1 or busy != at_work.get("busy"):
            at_work.update(busy=busy, since=time.monotonic())
            return False
        return time.monotonic() - at_work["since"] >= MID_PHOTO_SECONDS

    qtbot.waitUntil(mid_photo, timeout=DEADLINE_MS)
    [(pid, victim_id)] = at_work["busy"].items()
    victim = next(p for p in window.model.photos if p.id == victim_id)
    described_before = len(window.model.descriptions)
    heartbeat = Heartbeat()
    os.kill(pid, signal.SIGKILL)

    # The window answers at once: each Down press moves on and says where it is.
    for row in range(1, 4):
        press(Qt.Key.Key_Down)
        assert window.photo_list.currentIndex().row() == row
        assert window.model.item_text(row).startswith(f"Photo {row + 1} of 12.")

    # The photo is reported as not described, with the reason.
    def victim_text() -> str:
        return window.model.item_text(window.model.row_of(victim.id))

    qtbot.waitUntil(lambda: victim.id in window.model.failures, timeout=DEADLINE_MS)
    assert f"{victim.path.name} could not be described: the describer stopped." in victim_text()

    # Describing goes on, in a new process; the photo is tried once more and described.
    qtbot.waitUntil(lambda: len(window.model.descriptions) >= described_before + 2, timeout=DEADLINE_MS)
    assert pid not in service.process_ids()
    qtbot.waitUntil(lambda: victim.id in window.model.descriptions, timeout=DEADLINE_MS)
    assert "could not be described" not in victim_text()
    assert heartbeat.longest_ms < FROZEN_MS, f"the event loop was held {heartbeat.longest_ms:.0f} ms"
    running = service.process_ids()
    window.close()  # and the describer process ends with it
    qtbot.waitUntil(lambda: not any(Path(f"/proc/{p}").exists() for p in running), timeout=10_000)


def test_a_decision_is_saved_and_said_at_once_while_the_describer_hangs_and_closing_ends_it(
        make_window, store, tmp_path, press, qtbot):
    """The describer is stuck in the middle of photo 1 (as on a pathological photo): a decision
    on that very photo is stored and said as the key is handled, and closing the window ends
    the stuck process."""
    folder = tmp_path / "dataset"
    write_photos(folder, ["stall.jpg", "t-1.jpg", "t-2.jpg"])
    window, service = open_with_own_service(make_window, store, folder, DescriberSpec(factory=STAND_IN))
    stalled = window.model.visible[0]
    assert stalled.path.name == "stall.jpg"
    qtbot.waitUntil(lambda: list(service.busy().values()) == [stalled.id], timeout=DEADLINE_MS)
    [pid] = service.busy()

    # The first decision offers the consent walk; "Decide now" (Alt+D) saves it.
    press(Qt.Key.Key_N)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None
                    and QApplication.activeModalWidget().isAncestorOf(QApplication.focusWidget()))
    press(Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert window.announcer.history[-1].startswith("Saved.")
    refused = store.events(photo_hash=stalled.id)
    assert refused and all(e.state == "refused" for e in refused)

    press(Qt.Key.Key_Y)  # then share it: stored and said before the key press returns
    assert window.announcer.history[-1].startswith("Saved.")
    assert len(store.events(photo_hash=stalled.id)) > len(refused)
    assert "given" in {e.state for e in store.events(photo_hash=stalled.id)}
    assert "Being described" in window.model.item_text(0)
    assert service.busy() == {pid: stalled.id}  # the describer is still stuck on it

    window.close()
    qtbot.waitUntil(lambda: not Path(f"/proc/{pid}").exists(), timeout=10_000)
