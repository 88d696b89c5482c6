"""Main window responsiveness with 10,000 photos (offscreen Qt).

Measures:
- time from open_dataset() to the first photos in the list, cold (never scanned) and warm
  (scan index present);
- how long each Down key takes to be handled (key press to the new current photo, its list
  text, details and navigation announcement) while the describer works in the background.

Usage: python bench/bench_ui.py [--photos 10000] [--presses 200] [--no-describer]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import io  # noqa: E402

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402
from PySide6.QtCore import QElapsedTimer, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from accessshare.config import Settings, resolve_paths  # noqa: E402
from accessshare.records import RecordStore  # noqa: E402
from accessshare.ui.app import describer_factory  # noqa: E402
from accessshare.ui.main_window import MainWindow  # noqa: E402


def build(folder: Path, count: int) -> None:
    """``count`` small JPEGs, each different (the index is drawn into the pixels), so every
    file is a photo of its own rather than a duplicate of another."""
    rng = np.random.default_rng(11)
    base = rng.integers(0, 255, (96, 128, 3), dtype=np.uint8)
    for index in range(count):
        pixels = base.copy()
        bits = np.array([(index >> b) & 1 for b in range(16)], dtype=np.uint8) * 255
        pixels[:8, :128] = np.repeat(bits, 8)[None, :, None]
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, "JPEG", quality=85)
        sub = folder / f"{index // 1000:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"photo-{index:05d}.jpg").write_bytes(buffer.getvalue())


def wait_until(app: QApplication, condition, timeout: float = 120.0) -> float:
    started = time.perf_counter()
    while not condition():
        app.processEvents()
        if time.perf_counter() - started > timeout:
            raise TimeoutError("condition not met")
        time.sleep(0.0005)
    return time.perf_counter() - started


def time_to_first_rows(app, paths, store, folder: Path, describe: bool) -> tuple[float, float, MainWindow]:
    settings = Settings()
    make = describer_factory(paths, store, settings, None) if describe else None
    window = MainWindow(paths, settings, store, make_describer=make)
    window.show()
    window.photo_list.setFocus()
    started = time.perf_counter()
    window.open_dataset(folder)
    first = wait_until(app, lambda: window.model.rowCount() > 0)
    wait_until(app, lambda: window.scan_done, timeout=600)
    return first, time.perf_counter() - started, window


def key_latencies(app, window: MainWindow, presses: int) -> list[float]:
    latencies = []
    timer = QElapsedTimer()
    for _ in range(presses):
        timer.start()
        QTest.keyClick(window.photo_list, Qt.Key.Key_Down)
        app.processEvents()
        latencies.append(timer.nsecsElapsed() / 1e6)
        time.sleep(0.02)  # a fast typist: 50 presses a second
        app.processEvents()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=10_000)
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--no-describer", action="store_true")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        print(f"Building {args.photos} JPEGs…", flush=True)
        build(root / "photos", args.photos)
        paths = resolve_paths(root / "data").ensure()
        store = RecordStore.open(paths)
        for label in ("cold", "warm"):
            first, total, window = time_to_first_rows(app, paths, store, root / "photos",
                                                      describe=not args.no_describer)
            print(f"{label} open: first photos shown after {first * 1000:.0f} ms; "
                  f"all {window.model.rowCount()} listed after {total:.2f} s")
            if label == "warm":
                break
            window.close()
        if not args.no_describer:
            wait_until(app, lambda: len(window.model.descriptions) > 0, timeout=120)
        latencies = key_latencies(app, window, args.presses)
        described = len(window.model.descriptions)
        print(f"Down key handled in median {statistics.median(latencies):.1f} ms, "
              f"p95 {sorted(latencies)[int(0.95 * len(latencies)) - 1]:.1f} ms, "
              f"max {max(latencies):.1f} ms over {len(latencies)} presses "
              f"(describer running: {described} described so far)")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS {peak:.0f} MB")
        window.close()
        store.close()


if __name__ == "__main__":
    main()
