"""The app under the real Orca: how fast a Down key is spoken, how many accessibility events it
costs, and how long each dialog takes to open the first time.

In one private session (its own X server, D-Bus session, HOME, speech-dispatcher and Orca, as
the Orca tests run), this process opens the app on the sample dataset (described beforehand,
so nothing is being described), then a bare ``QListWidget`` holding the same item texts, and
presses Down in each through the X server:

- key to speech: from Orca receiving the Down key (its log's key event time) to Orca sending
  the new item to speech (its log's "SPEECH OUTPUT" time); the median over the presses;
- events per Down: the accessibility events from the app that Orca listens to (its log's
  "EVENT MANAGER: <event> for …" lines) between one Down and the next, median;
- dialogs: from the key press (sent by the bench) to the dialog's first paint in the app, and
  to Orca saying the dialog, the first time each opens and the second time.

Usage: python bench/bench_orca.py [--presses 27] [--no-earcons] [--keep-log FILE]
Run it under the heavy lock (README): it needs a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "a11y"))

# An utterance's first line (a description with line breaks goes on over the next lines).
SPEECH = re.compile(r"^(\d\d:\d\d:\d\d\.\d+) - SPEECH OUTPUT: '(.*?)(?:'\s*(?:\{.*)?)?$")
APP_EVENT = re.compile(r"^(\d\d:\d\d:\d\d\.\d+) - EVENT MANAGER: (\S+) for .* in \[application \| "
                       r"AccessShare( bare list)?\]")
KEY_TIME = re.compile(r"^\s+time=(\d+\.\d+)")
KEY_NAME = re.compile(r"^\s+keyval_name=\((\w+)\)")
KEY_TYPE = re.compile(r"^KEYBOARD_EVENT:\s+type=(\w+)")

ROUND = 6  # Down presses in one window before the other window's turn
# Dialogs: the key (xdotool), the words Orca says when it opens, and how to close it.
DIALOGS = (
    ("Keyboard help (F1)", "F1", "Keyboard help", ["Escape"]),
    ("Settings (Ctrl+Comma)", "ctrl+comma", "Settings", ["Escape"]),
    ("Recent datasets (Ctrl+Shift+O)", "ctrl+shift+o", "Recent datasets", ["Escape"]),
    ("Open a folder (Ctrl+O)", "ctrl+o", "Open a folder of photos", ["Escape"]),
    ("Purposes (P)", "p", "Choose purposes", ["Escape"]),
    ("History (H)", "h", "History of", ["Escape"]),
    ("Decide for all shown (Ctrl+B)", "ctrl+b", "Decide for all", ["Escape"]),
    ("Folder default (Ctrl+D)", "ctrl+d", "Default for the folder", ["Escape"]),
    ("Delete confirmation (Delete)", "Delete", "Delete", ["Escape"]),
    ("Export and verify (Ctrl+E)", "ctrl+e", "Export and verify", ["Escape"]),
    ("Consent walk (Ctrl+I)", "ctrl+i", "Consent: what sharing", ["Escape", "alt+s"]),
    ("First-decision offer (Y)", "y", "Learn about consent first?", ["Escape"]),
)


# The outer process: a private session -------------------------------------------------------------

def outer(args) -> int:
    from orca_harness import describe_first, private_env

    from accessshare.paths import sample_dataset

    with tempfile.TemporaryDirectory(prefix="bench-orca-") as temporary:
        root = Path(temporary)
        dataset = root / "dataset"
        shutil.copytree(sample_dataset(), dataset)
        env = private_env(root)
        describe_first(dataset, env)  # into the data folder's cache: nothing left to describe
        if args.no_earcons:  # the privacy sound on every flagged photo, off
            Path(env["ACCESSSHARE_DATA_DIR"], "settings.json").write_text('{"earcons": false}')
        command = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "dbus-run-session", "--",
                   sys.executable, __file__, "--inner", str(dataset), "--presses", str(args.presses)]
        result = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True,
                                timeout=900)
        report = next((line for line in result.stdout.splitlines() if line.startswith("{")), "")
        if result.returncode or not report:
            print(result.stdout[-3000:], result.stderr[-3000:], file=sys.stderr)
            return 1
        show(json.loads(report))
        if args.keep_log:
            shutil.copy(Path(env["HOME"]) / "orca.log", args.keep_log)
    return 0


def show(report: dict) -> None:
    app, bare = report["app"], report["bare"]
    print(f"Orca {report['orca']}, {report['presses']} Down presses each, "
          f"{report['cores']} cores")
    print(f"{'':32}{'key to speech, median':>24}{'p90':>8}{'events per Down':>18}")
    for name, figures in (("AccessShare photo list", app), ("bare QListWidget", bare)):
        print(f"{name:32}{figures['median_ms']:>21.0f} ms{figures['p90_ms']:>5.0f} ms"
              f"{figures['events_median']:>18.1f}")
    print(f"ratio app / bare: {app['median_ms'] / bare['median_ms']:.2f} "
          f"(target at most 1.3); events: app {app['events_median']:.1f}, bare "
          f"{bare['events_median']:.1f} (target at most bare + 2)")
    print("events per Down, by kind (app):", ", ".join(f"{k} {v:.1f}" for k, v in
                                                        report["app"]["kinds"].items()))
    print("events per Down, by kind (bare):", ", ".join(f"{k} {v:.1f}" for k, v in
                                                         report["bare"]["kinds"].items()))
    print(f"\n{'dialog':36}{'first open: painted':>22}{'spoken':>10}{'second: painted':>18}"
          f"{'spoken':>10}")
    for row in report["dialogs"]:
        figures = [row.get(f"{attempt}_{what}_ms") for attempt in ("first", "second")
                   for what in ("painted", "spoken")]
        cells = [f"{value:.0f} ms" if value is not None else "?" for value in figures]
        print(f"{row['name']:36}{cells[0]:>22}{cells[1]:>10}{cells[2]:>18}{cells[3]:>10}")


# The inner process: Orca, the app and the keys ----------------------------------------------------

class OrcaLogReader:
    """Orca's debug log as (kind, time, value) entries: keys pressed, speech, app events. Read
    incrementally (LogTail): parsing the whole log on every look loaded the machine measured."""

    def __init__(self, path: Path):
        from orca_session import LogTail

        self.path = path
        self.day = datetime.now().date()
        self._tail = LogTail(path)
        self._key: list = [None, None]  # the key event being read: type, name
        self.parsed: list[tuple[str, float, str]] = []

    def mark(self) -> int:
        self.poll()
        return len(self.parsed)

    def poll(self) -> list[tuple[str, float, str]]:
        for line in self._tail.new_lines():
            self._parse(line)
        return self.parsed

    def _parse(self, line: str) -> None:
        if m := KEY_TYPE.match(line):
            self._key = [m.group(1), None]
        elif self._key[0] and (m := KEY_NAME.match(line)):
            self._key[1] = m.group(1)
        elif self._key[0] and (m := KEY_TIME.match(line)):
            if self._key[0] == "ATSPI_KEY_PRESSED_EVENT":
                self.parsed.append(("key", float(m.group(1)), self._key[1] or ""))
            self._key = [None, None]
        elif m := SPEECH.match(line):
            self.parsed.append(("said", self._epoch(m.group(1)), m.group(2)))
        elif m := APP_EVENT.match(line):
            self.parsed.append(("event", self._epoch(m.group(1)), m.group(2)))
        elif "ORCA: Starting registry" in line:
            self.parsed.append(("started", 0.0, ""))

    def entries(self, since: int = 0) -> list[tuple[str, float, str]]:
        return self.poll()[since:]

    def _epoch(self, clock: str) -> float:
        moment = datetime.strptime(f"{self.day} {clock}", "%Y-%m-%d %H:%M:%S.%f")
        return moment.timestamp()

    def wait_for(self, words: str, since: int, timeout: float = 20.0, kind: str = "said") -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(k == kind and words in value for k, _t, value in self.entries(since)):
                return True
            time.sleep(0.05)
        return False


def press(key: str) -> None:
    subprocess.run(["xdotool", "key", "--clearmodifiers", key], check=True)


def focus(title: str, timeout: float = 30.0) -> None:
    """Without a window manager nothing has keyboard focus until it is given by hand."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = subprocess.run(["xdotool", "search", "--name", title], capture_output=True,
                               text=True).stdout.split()
        if found:
            subprocess.run(["xdotool", "windowactivate", "--sync", found[0]], capture_output=True)
            subprocess.run(["xdotool", "windowfocus", "--sync", found[0]], capture_output=True)
            return
        time.sleep(0.2)
    raise RuntimeError(f"no window named {title!r}")


class DownPresses:
    """Down presses in one window (Home at the end of its list), and what each cost."""

    def __init__(self, rows: int):
        self.rows = rows
        self.row = 0
        self.latencies: list[float] = []
        self.events: list[int] = []
        self.kinds: dict[str, int] = {}

    def press(self, log: OrcaLogReader, count: int) -> None:
        for _ in range(count):
            if self.row == self.rows - 1:
                mark = log.mark()
                press("Home")
                log.wait_for(f"Photo 1 of {self.rows}.", mark)
                time.sleep(0.6)
                self.row = 0
            mark = log.mark()
            press("Down")
            self.row += 1
            expected = f"Photo {self.row + 1} of {self.rows}."
            if not log.wait_for(expected, mark):
                raise RuntimeError(f"Orca never said {expected!r}")
            time.sleep(0.6)  # events that trail the speech count too; the next press waits
            entries = log.entries(mark)
            key_at = next(t for kind, t, value in entries if kind == "key" and value == "Down")
            spoken_at = next(t for kind, t, value in entries if kind == "said" and expected in value)
            self.latencies.append((spoken_at - key_at) * 1000)
            these = [value for kind, t, value in entries if kind == "event" and t >= key_at - 0.005]
            self.events.append(len(these))
            for kind in these:
                self.kinds[kind] = self.kinds.get(kind, 0) + 1

    def figures(self) -> dict:
        ordered = sorted(self.latencies)
        return {"median_ms": statistics.median(ordered),
                "p90_ms": ordered[max(int(0.9 * len(ordered)) - 1, 0)],
                "events_median": statistics.median(self.events),
                "kinds": {k: v / len(ordered) for k, v in
                          sorted(self.kinds.items(), key=lambda kv: -kv[1])}}


def measure_downs(log: OrcaLogReader, presses: int, rows: int) -> tuple[dict, dict]:
    """The app and the bare list in turns of a few presses each, so that both meet the same
    load of the machine (other programs come and go during a run)."""
    windows = {"app": ("— AccessShare", DownPresses(rows)), "bare": ("Bare list", DownPresses(rows))}
    done = 0
    while done < presses:
        turn = min(ROUND, presses - done)
        for title, downs in windows.values():
            mark = log.mark()
            focus(title)
            log.wait_for(" of ", mark, 10)  # Orca reads the window's current photo
            time.sleep(1.0)
            downs.press(log, turn)
        done += turn
    return windows["app"][1].figures(), windows["bare"][1].figures()


def measure_dialogs(log: OrcaLogReader, timings: Path) -> list[dict]:
    """Each dialog opened twice: the first open, and one more for comparison."""
    rows = []
    for name, key, words, close in DIALOGS:
        row = {"name": name}
        for attempt in ("first", "second"):
            focus("— AccessShare")
            time.sleep(0.8)
            mark = log.mark()
            pressed_at = time.time()  # Orca logs no key event for letters and F keys
            press(key)
            said = log.wait_for(words, mark, 15)
            entries = log.entries(mark)
            spoken_at = next((t for kind, t, value in entries if kind == "said" and words in value),
                             None)
            time.sleep(0.3)
            painted = [json.loads(line) for line in timings.read_text().splitlines() if line.strip()]
            opened = [p["at"] for p in painted if words in p["title"] and p["at"] > pressed_at]
            row[f"{attempt}_painted_ms"] = (opened[0] - pressed_at) * 1000 if opened else None
            row[f"{attempt}_spoken_ms"] = (spoken_at - pressed_at) * 1000 if said else None
            for step in close:
                time.sleep(0.5)
                press(step)
            time.sleep(1.0)
        rows.append(row)
    return rows


def inner(args) -> int:
    from orca_session import (ensure_private, prepare_silent_speech, start_group,
                              start_speech_dispatcher, stop_group)

    problem = ensure_private()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    home, runtime = Path(os.environ["HOME"]), Path(os.environ["XDG_RUNTIME_DIR"])
    log = OrcaLogReader(home / "orca.log")
    timings, texts = home / "dialog-timings.jsonl", home / "item-texts.json"
    prepare_silent_speech(home)
    speechd = start_speech_dispatcher(runtime)
    orca = start_group(["/usr/bin/python3", str(REPO / "tests" / "a11y" / "orca_private.py"), "-d",
                        "braille", f"--debug-file={log.path}"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    app = bare = None
    try:
        if not log.wait_for("", 0, 30, kind="started"):
            print("Orca did not start", file=sys.stderr)
            return 3
        env = dict(os.environ, QT_QPA_PLATFORM="xcb")
        app = start_group([sys.executable, __file__, "--app", args.inner, "--timings", str(timings),
                           "--texts", str(texts)], env=env)
        deadline = time.monotonic() + 90
        while not texts.exists():
            if time.monotonic() > deadline or app.poll() is not None:
                raise RuntimeError("the app did not open the dataset")
            time.sleep(0.2)
        rows = len(json.loads(texts.read_text()))
        mark = log.mark()
        focus("— AccessShare")
        if not log.wait_for("Photo 1 of", mark, 30):
            raise RuntimeError("Orca never read the first photo")
        time.sleep(2.0)  # "All N photos described" and the like are said first
        report = {"orca": subprocess.run(["orca", "--version"], capture_output=True,
                                         text=True).stdout.strip(),
                  "presses": args.presses, "cores": os.cpu_count()}
        report["dialogs"] = measure_dialogs(log, timings)
        bare = start_group([sys.executable, __file__, "--bare", str(texts)], env=env)
        report["app"], report["bare"] = measure_downs(log, args.presses, rows)
        print(json.dumps(report))
        return 0
    finally:
        stop_group(bare)
        stop_group(app)
        stop_group(orca)
        stop_group(speechd)


def run_app(dataset: Path, timings: Path, texts: Path) -> int:
    """The app as ``accessshare open`` runs it, plus a record of each dialog's first paint."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    from accessshare.config import Settings, resolve_paths
    from accessshare.records import RecordStore
    from accessshare.ui.app import describer_factory, speaker_factory
    from accessshare.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    app.setApplicationName("AccessShare")
    paths = resolve_paths(os.environ["ACCESSSHARE_DATA_DIR"]).ensure()
    settings = Settings.load(paths.settings_file)
    store = RecordStore.open(paths)
    window = MainWindow(paths, settings, store,
                        make_describer=describer_factory(paths, store, settings, None),
                        make_speaker=speaker_factory(settings))

    class FirstPaints(QObject):
        """The moment each dialog is first painted (the bench knows when it pressed the key:
        with a screen reader running, Qt hands key presses to it first and the app's own event
        filter never sees them)."""

        def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint and watched.isWidgetType():
                top = watched.window()
                if isinstance(top, QDialog) and not top.property("bench_painted"):
                    top.setProperty("bench_painted", True)
                    with timings.open("a") as out:
                        out.write(json.dumps({"title": top.windowTitle(), "at": time.time()}) + "\n")
            return False

    paints = FirstPaints()
    app.installEventFilter(paints)
    timings.write_text("")
    window.show()
    window.photo_list.setFocus()
    window.open_dataset(dataset)

    def ready() -> None:
        if window.scan_done and len(window.model.descriptions) == window.model.rowCount():
            texts.write_text(json.dumps([window.model.item_text(r)
                                         for r in range(window.model.rowCount())]))
        else:
            QTimer.singleShot(100, ready)

    QTimer.singleShot(100, ready)
    code = app.exec()
    store.close()
    return code


def run_bare_list(texts: Path) -> int:
    """A bare QListWidget with the same item texts: what Qt and Orca cost without the app."""
    from PySide6.QtWidgets import QApplication, QListWidget, QMainWindow

    app = QApplication(sys.argv[:1])
    app.setApplicationName("AccessShare bare list")
    window = QMainWindow()
    window.setWindowTitle("Bare list")
    widget = QListWidget()
    widget.setAccessibleName("Photos")
    widget.addItems(json.loads(texts.read_text()))
    widget.setCurrentRow(0)
    window.setCentralWidget(widget)
    window.resize(900, 700)
    window.show()
    widget.setFocus()
    return app.exec()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=27)
    parser.add_argument("--keep-log", help="copy Orca's debug log here")
    parser.add_argument("--no-earcons", action="store_true",
                        help="the app with its sounds off (Settings), to see what they cost")
    parser.add_argument("--inner", help=argparse.SUPPRESS)
    parser.add_argument("--app", help=argparse.SUPPRESS)
    parser.add_argument("--bare", help=argparse.SUPPRESS)
    parser.add_argument("--timings", help=argparse.SUPPRESS)
    parser.add_argument("--texts", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.app:
        return run_app(Path(args.app), Path(args.timings), Path(args.texts))
    if args.bare:
        return run_bare_list(Path(args.bare))
    return inner(args) if args.inner else outer(args)


if __name__ == "__main__":
    sys.exit(main())
