"""Down-key handling with a study session recording versus no session (offscreen Qt).

One window over N photos; rounds of Down presses take turns between "recording" (a session
the participant agreed to, its recorder queuing every move and the facilitator's view shown
and kept up to date) and "off" (no session), so both meet the same machine load. (The
recorder's writer thread, which also looks for notes from another terminal once a second,
runs through both.)

What a participant waits for is the whole handling of a press, not only the key handler: so
each press is timed from the key event to the event loop having run everything the press
posted (the study's deferred work, the list's repaint), which is what happens before the next
paint. That is "handled" (median and p95 per press). "UI busy" adds, per press, the time the
event loop spent between presses (timers that fired meanwhile, such as the facilitator's view
being laid out again), so work moved to a later timer is still counted. "Handler" is the key
event alone (QTest's synchronous key press and release).

Usage: python bench/bench_study.py [--photos 2000] [--rounds 8] [--presses 50]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QElapsedTimer, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench_ui import build, percentile, wait_until  # noqa: E402

from accessshare.config import Settings, resolve_paths  # noqa: E402
from accessshare.records import RecordStore  # noqa: E402
from accessshare.study import start_session  # noqa: E402
from accessshare.ui.main_window import MainWindow  # noqa: E402

GAP_SECONDS = 0.02  # a fast typist: about 40 presses a second


class Timings:
    def __init__(self) -> None:
        self.handler: list[float] = []
        self.handled: list[float] = []
        self.busy: list[float] = []


def press_down(app: QApplication, window: MainWindow, presses: int, into: Timings) -> None:
    clock = QElapsedTimer()
    for _ in range(presses):
        clock.start()
        QTest.keyClick(window.photo_list, Qt.Key.Key_Down)
        handler = clock.nsecsElapsed() / 1e6
        app.processEvents()  # what the press posted: deferred work, the repaint
        handled = clock.nsecsElapsed() / 1e6
        time.sleep(GAP_SECONDS)
        clock.start()
        app.processEvents()  # timers due meanwhile (the facilitator's view's refresh)
        into.handler.append(handler)
        into.handled.append(handled)
        into.busy.append(handled + clock.nsecsElapsed() / 1e6)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--presses", type=int, default=50)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        build(root / "photos", args.photos)
        paths = resolve_paths(root / "data").ensure()
        store = RecordStore.open(paths)
        window = MainWindow(paths, Settings(), store)
        window.show()
        window.photo_list.setFocus()
        window.open_dataset(root / "photos")
        wait_until(app, lambda: window.scan_done, timeout=600)
        recorder = start_session(store, "P01")
        recorder.agree()
        window.study.attach(recorder)  # as a session does: it also looks for notes every second
        window.study._show_view()
        timings = {"off": Timings(), "recording": Timings()}
        for round_number in range(args.rounds * 2):
            mode = "recording" if round_number % 2 else "off"
            window.study.recorder = recorder if mode == "recording" else None
            if window.photo_list.currentIndex().row() > args.photos - args.presses - 2:
                QTest.keyClick(window.photo_list, Qt.Key.Key_Home)
                app.processEvents()
            press_down(app, window, args.presses, timings[mode])
        window.study.recorder = recorder
        recorder.end()
        moves = sum(1 for e in store.study_events(recorder.session_id) if e.kind == "photo_moved")
        shown = window.study.view.done_label.text().splitlines()[:1]
        for mode, measured in timings.items():
            print(f"{mode:9s}: handled in median {statistics.median(measured.handled):.2f} ms, "
                  f"p95 {percentile(measured.handled, 0.95):.2f} ms; handler alone median "
                  f"{statistics.median(measured.handler):.2f} ms; UI busy per press mean "
                  f"{statistics.mean(measured.busy):.2f} ms ({len(measured.handled)} presses)")
        on, off = timings["recording"], timings["off"]
        print(f"recording / off: handled median {_ratio(on.handled, off.handled, statistics.median)}"
              f", p95 {_ratio(on.handled, off.handled, lambda v: percentile(v, 0.95))}"
              f", UI busy mean {_ratio(on.busy, off.busy, statistics.mean)}")
        print(f"{moves} moves recorded in the store; the facilitator's view last showed {shown}")
        window.study.shut_view()
        window.close()
        store.close()


def _ratio(on: list[float], off: list[float], measure) -> str:
    ratio = measure(on) / measure(off)
    return f"{ratio:.3f} ({(ratio - 1) * 100:+.1f}%)"


if __name__ == "__main__":
    main()
