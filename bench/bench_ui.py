"""Main window responsiveness with 10,000 photos (offscreen Qt).

Measures:
- time from open_dataset() to the first photos in the list, cold and warm. "First photos": the
  list has its first rows and the first is current (what a screen reader reads), seen from the
  UI thread's event loop. Cold: the first window of this process, a new data folder (no
  description cache, no scan index, no records), and the photo files evicted from the page
  cache (posix_fadvise DONTNEED after a sync; folder entries and inodes stay cached, and the
  virtual disk's host may cache blocks). Warm: a second window, the scan index present;
- how long each Down key takes to be handled (key press to the new current photo, its list
  text, details and navigation announcement) while the describer works in the background,
  running its models (the presses start once the photos cached by the cold window are back):
  median, p95, p99 and max, and how many photos were described during the presses (describing
  must go on, not pause);
- photos described per second while the window is idle (its event loop waiting, no keys);
- peak RSS of the app plus every process it started (the describer's), each process's own
  high-water mark (VmHWM) summed: an upper bound of their peak together.
- with ``--export-photos N``: Ctrl+E exporting N sample photos shared with faces, text and
  location removed (each redacted copy made and checked by the real describer, whose models
  load in the export's worker): how long pressing Export holds the UI thread, the time to the
  first progress sentence and to the first count, the UI thread's longest stall while the
  export runs (a 5 ms timer's largest gap, less 5 ms), and the export's whole time (which is
  how long the window froze when the export ran on the UI thread).

Usage: python bench/bench_ui.py [--photos 10000] [--presses 200] [--idle-seconds 30]
                                [--no-describer] [--steps] [--export-photos 4] [--export-only]
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

# The describer's processes start by importing this script again (as __mp_main__, the 'spawn'
# method's way); they need none of the window's libraries, so those load only here.
if __name__ == "__main__":
    from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from accessshare.config import Settings, resolve_paths
    from accessshare.records import RecordStore
    from accessshare.ui.app import describer_factory
    from accessshare.ui.main_window import MainWindow


def build(folder: Path, count: int) -> None:
    """``count`` small JPEGs, each different (the index is drawn into the pixels), so every
    file is a photo of its own rather than a duplicate of another. (Imports its own libraries:
    other benchmarks import this module, where the ``__main__`` imports above do not run.)"""
    import numpy as np
    from PIL import Image

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


class Steps:
    """With --steps: when each step between open_dataset() and the first photos happened on
    the cold open (the scanner's first item, the first batch sent, the window taking it)."""

    def __init__(self):
        self.times: dict[str, float] = {}
        self.started = 0.0

    def note(self, step: str) -> None:
        self.times.setdefault(step, time.perf_counter())

    def install(self) -> None:
        from accessshare.ui import workers

        scanner, flush, found = workers.iter_scan, workers.ScanWorker._flush, MainWindow._photos_found

        def iter_scan(*args, **kwargs):
            for item in scanner(*args, **kwargs):
                self.note("the scanner's first item (scan thread)")
                yield item

        def first_flush(worker, photos, problems):
            if photos:
                self.note("first batch: writing its photos to the store (scan thread)")
            flush(worker, photos, problems)
            if photos:
                self.note("first batch sent (scan thread)")

        def photos_found(window, number, photos):
            self.note("the window takes the first batch (UI thread)")
            found(window, number, photos)
            self.note("the window has listed it, the first photo current (UI thread)")

        workers.iter_scan, workers.ScanWorker._flush = iter_scan, first_flush
        MainWindow._photos_found = photos_found

    def report(self) -> str:
        return "\n".join(f"  {1000 * (moment - self.started):7.1f} ms  {step}"
                         for step, moment in sorted(self.times.items(), key=lambda kv: kv[1]))


def time_to_first_rows(app, paths, store, folder: Path, describe: bool, steps: Steps | None = None
                       ) -> tuple[float, float, MainWindow, int, bool]:
    settings = Settings()
    make = describer_factory(paths, store, settings, None) if describe else None
    window = MainWindow(paths, settings, store, make_describer=make)
    window.show()
    window.photo_list.setFocus()
    started = time.perf_counter()
    if steps is not None:
        steps.started = started
    window.open_dataset(folder)
    if steps is not None:
        steps.note("open_dataset() returned (UI thread)")
    wait_until(app, lambda: window.model.rowCount() > 0
               and window.photo_list.currentIndex().isValid())
    first = time.perf_counter() - started  # open_dataset() itself included
    listed_then, scanning_then = window.model.rowCount(), not window.scan_done
    wait_until(app, lambda: window.scan_done, timeout=600)
    return first, time.perf_counter() - started, window, listed_then, scanning_then


def evict_from_page_cache(folder: Path) -> tuple[int, int]:
    """Drop the photos' pages from the page cache (only these files: other work on the
    machine keeps its cache). Returns (files, bytes still resident afterwards)."""
    os.sync()  # dirty pages cannot be dropped
    files = resident = 0
    for path in folder.rglob("*.jpg"):
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
            resident += resident_bytes(descriptor, path.stat().st_size)
        finally:
            os.close(descriptor)
        files += 1
    return files, resident


def resident_bytes(descriptor: int, size: int) -> int:
    """Bytes of the file in the page cache: mincore() over a private mapping of it (a page
    not written to is the page cache's own page)."""
    import ctypes
    import mmap

    libc = ctypes.CDLL(None)
    if size == 0:
        return 0
    pages = (size + mmap.PAGESIZE - 1) // mmap.PAGESIZE
    vector = (ctypes.c_ubyte * pages)()
    with mmap.mmap(descriptor, size, flags=mmap.MAP_PRIVATE,
                   prot=mmap.PROT_READ | mmap.PROT_WRITE) as mapping:
        start = ctypes.addressof(ctypes.c_char.from_buffer(mapping))
        found = libc.mincore(ctypes.c_void_p(start), ctypes.c_size_t(size), vector)
        del start  # the mapping closes only once no pointer into it is left
    return sum(byte & 1 for byte in vector) * mmap.PAGESIZE if found == 0 else 0


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


def cached_descriptions(store) -> int:
    from sqlalchemy import text

    with store.session() as session:
        return int(session.execute(text("SELECT count(*) FROM descriptions")).scalar())


def idle(seconds: float) -> None:
    """Let the window's event loop wait for ``seconds``, as it does when nobody types."""
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of them lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))]


class PeakMemory:
    """Each process's high-water mark: this one and every descendant seen alive (Linux /proc)."""

    def __init__(self):
        self.peaks: dict[int, float] = {}

    def sample(self) -> None:
        self.peaks[os.getpid()] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        for pid in descendants(os.getpid()):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    self.peaks[pid] = max(self.peaks.get(pid, 0.0), int(line.split()[1]) / 1024)

    def report(self) -> str:
        own = self.peaks.get(os.getpid(), 0.0)
        others = sorted((mb for pid, mb in self.peaks.items() if pid != os.getpid()), reverse=True)
        children = f" + {len(others)} child processes {' + '.join(f'{mb:.0f}' for mb in others)} MB" if others else ""
        return f"peak RSS {own + sum(others):.0f} MB (app {own:.0f} MB{children})"


def descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def export_figures(app, root: Path, count: int) -> None:
    import shutil

    from accessshare.app.consent import ConsentService
    from accessshare.library import scan
    from accessshare.paths import sample_dataset
    from accessshare.sentences import en

    dataset = root / "sample"
    shutil.copytree(sample_dataset(), dataset)
    paths = resolve_paths(root / "export-data").ensure()
    store = RecordStore.open(paths)
    photos = sorted(scan(dataset).photos, key=lambda p: p.relpath)[:count]
    store.upsert_photos(dataset.resolve(), photos)
    ConsentService(store, paths).share_redacted(photos, ["research"])
    window = MainWindow(paths, Settings(), store, make_describer=None)
    window.show()
    window.photo_list.setFocus()
    window.open_dataset(dataset)
    wait_until(app, lambda: window.scan_done and not window.consent_controller.checking_log)
    controller = window.consent_controller
    controller.export()
    dialog, job = controller.open_dialog, controller.export_job
    dialog.choose("photos")
    dialog.path.setText(str(root / "exported"))
    said: list[tuple[float, str]] = []
    counts: list[float] = []
    window.announcer.said.connect(lambda text, _kind: said.append((time.perf_counter(), text)))
    job.progressed.connect(lambda _text: counts.append(time.perf_counter()))
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(5)
    started = time.perf_counter()
    dialog.run_button.click()
    held = time.perf_counter() - started
    wait_until(app, lambda: not job.running, timeout=1800)
    total = time.perf_counter() - started
    timer.stop()
    stall = max(b - a for a, b in zip(ticks, ticks[1:])) - 0.005
    first_sentence = next(t for t, text in said if text == en.EXPORT_STARTED) - started
    print(f"export of {count} photos with faces, text and location removed: pressing Export held "
          f"the UI thread {held * 1000:.1f} ms; first progress sentence after "
          f"{first_sentence * 1000:.0f} ms; first count after "
          f"{(counts[0] - started) if counts else float('nan'):.1f} s; longest UI-thread stall "
          f"during the export {stall * 1000:.0f} ms; the export took {total:.1f} s (the window "
          f"froze that long when it ran on the UI thread)")
    print(f"  result: {said[-1][1]}")
    window.close()
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=10_000)
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--idle-seconds", type=float, default=30.0,
                        help="how long to count descriptions with the window idle (0: skip)")
    parser.add_argument("--no-describer", action="store_true")
    parser.add_argument("--export-photos", type=int, default=0,
                        help="measure Ctrl+E exporting this many redacted sample photos (0: skip)")
    parser.add_argument("--export-only", action="store_true", help="only the export figures")
    parser.add_argument("--steps", action="store_true",
                        help="also print when each step before the first photos happened (cold)")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        if args.export_photos:
            export_figures(app, root, args.export_photos)
        if args.export_only:
            return
        print(f"Building {args.photos} JPEGs…", flush=True)
        build(root / "photos", args.photos)
        paths = resolve_paths(root / "data").ensure()
        store = RecordStore.open(paths)
        files, resident = evict_from_page_cache(root / "photos")
        print(f"{files} photo files evicted from the page cache ({resident} bytes still "
              "resident)", flush=True)
        steps = Steps() if args.steps else None
        if steps is not None:
            steps.install()
        for label in ("cold", "warm"):
            first, total, window, listed, scanning = time_to_first_rows(
                app, paths, store, root / "photos", describe=not args.no_describer,
                steps=steps if label == "cold" else None)
            print(f"{label} open: first photos shown after {first * 1000:.0f} ms ({listed} "
                  f"listed, {'scan still running' if scanning else 'scan done'}); "
                  f"all {window.model.rowCount()} listed after {total:.2f} s")
            if steps is not None and label == "cold":
                print(steps.report())
            if label == "warm":
                break
            window.close()
        memory = PeakMemory()
        if not args.no_describer:
            # The photos described while the cold window was open come back from the cache at
            # once; the presses start when the describer is running its models again.
            cached = cached_descriptions(store)
            wait_until(app, lambda: len(window.model.descriptions) > cached, timeout=300)
        memory.sample()
        before = len(window.model.descriptions)
        started = time.perf_counter()
        latencies = key_latencies(app, window, args.presses)
        during = len(window.model.descriptions) - before
        seconds = time.perf_counter() - started
        memory.sample()
        print(f"Down key handled in median {statistics.median(latencies):.1f} ms, "
              f"p95 {percentile(latencies, 0.95):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms, "
              f"max {max(latencies):.1f} ms over {len(latencies)} presses")
        print(f"photos described during the presses: {during} in {seconds:.1f} s "
              f"({during / seconds:.2f} per second)")
        if not args.no_describer and args.idle_seconds:
            before = len(window.model.descriptions)
            idle(args.idle_seconds)
            idle_count = len(window.model.descriptions) - before
            print(f"window idle: {idle_count} photos described in {args.idle_seconds:.0f} s "
                  f"({idle_count / args.idle_seconds:.2f} per second)")
            memory.sample()
        print(memory.report())
        window.close()
        store.close()


if __name__ == "__main__":
    main()
