"""Down-key handling with a study session recording versus no session (offscreen Qt).

One window over N photos; rounds of Down presses take turns between "recording" (a session
the participant agreed to, its recorder queuing every move and the facilitator's view shown)
and "off" (no session), so both meet the same machine load. Prints the median and p95 per
press for each, and how far recording is from off.

Usage: python bench/bench_study.py [--photos 2000] [--rounds 8] [--presses 50]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench_ui import build, key_latencies, wait_until  # noqa: E402

from accessshare.config import Settings, resolve_paths  # noqa: E402
from accessshare.records import RecordStore  # noqa: E402
from accessshare.study import start_session  # noqa: E402
from accessshare.ui.main_window import MainWindow  # noqa: E402


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
        window.study.recorder = recorder
        window.study._show_view()
        timings: dict[str, list[float]] = {"off": [], "recording": []}
        for round_number in range(args.rounds * 2):
            mode = "recording" if round_number % 2 else "off"
            window.study.recorder = recorder if mode == "recording" else None
            if window.photo_list.currentIndex().row() > args.photos - args.presses - 2:
                QTest.keyClick(window.photo_list, Qt.Key.Key_Home)
            timings[mode] += key_latencies(app, window, args.presses)
        window.study.recorder = recorder
        recorder.end()
        moves = sum(1 for e in store.study_events(recorder.session_id) if e.kind == "photo_moved")
        for mode, values in timings.items():
            values.sort()
            print(f"{mode:9s}: Down handled in median {statistics.median(values):.2f} ms, "
                  f"p95 {values[int(0.95 * len(values)) - 1]:.2f} ms over {len(values)} presses")
        ratio = statistics.median(timings["recording"]) / statistics.median(timings["off"])
        print(f"recording / off (median): {ratio:.3f} ({(ratio - 1) * 100:+.1f}%); "
              f"{moves} moves recorded in the store")
        window.study.shut_view()
        window.close()
        store.close()


if __name__ == "__main__":
    main()
