"""Run inside xvfb-run: ``accessshare open DIR --study P07``, then, by real X key presses,
Alt+A (the participant agrees), Down, Down, Space, Y (Alt+D, deciding now), Down, N and
Ctrl+Q. Each step waits, with a deadline, for its effect in the study records (or the box it
opens). Optionally saves a screenshot of the facilitator's view. Prints one JSON line."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

DEADLINE = 60.0


def kinds(db: Path) -> list[tuple[str, str | None]]:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
            return connection.execute("SELECT kind, detail FROM study_events ORDER BY id").fetchall()
    except sqlite3.Error:
        return []


def wait_for(what: str, condition, timeout: float = DEADLINE):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise SystemExit(json.dumps({"failed": f"waited {timeout:.0f} s for {what}"}))


def window(name: str) -> str:
    def found():
        ids = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", name],
                             capture_output=True, text=True).stdout.split()
        return ids[-1] if ids else None
    return wait_for(f"the window {name!r}", found)


def press(window_id: str, *keys: str) -> None:
    """Without a window manager nothing has focus until it is given by hand; the keys then
    go through the X server as real presses (not events sent to one window)."""
    subprocess.run(["xdotool", "windowfocus", "--sync", window_id], capture_output=True)
    for key in keys:
        subprocess.run(["xdotool", "key", "--clearmodifiers", key], check=True)


def described(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
            return connection.execute("SELECT count(*) FROM descriptions").fetchone()[0]
    except sqlite3.Error:
        return 0


def count(db: Path, kind: str) -> int:
    return sum(1 for k, _ in kinds(db) if k == kind)


def main() -> int:
    dataset, data_dir, screenshot = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    db = data_dir / "records.sqlite3"
    photos = len(list(dataset.glob("*.jpg")))
    app = subprocess.Popen([sys.executable, "-m", "accessshare", "--data-dir", str(data_dir),
                            "open", str(dataset), "--study", "P07"])
    try:
        press(window("agree to recording"), "alt+a")
        wait_for("recording to start", lambda: count(db, "recording_agreed"))
        main_window = window(f"{dataset.name} — AccessShare")
        press(main_window, "Down")
        wait_for("the first move", lambda: count(db, "photo_moved") >= 1)
        press(main_window, "Down")
        wait_for("the second move", lambda: count(db, "photo_moved") >= 2)
        press(main_window, "space")
        wait_for("Space", lambda: ("action", '{"action": "repeat_description"}') in kinds(db))
        press(main_window, "y")
        press(window("Learn about consent first"), "alt+d")
        wait_for("the first decision", lambda: count(db, "decision") >= 1)
        press(main_window, "Down")
        wait_for("the third move", lambda: count(db, "photo_moved") >= 3)
        press(main_window, "n")
        wait_for("the second decision", lambda: count(db, "decision") >= 2)
        # Every photo described before the end, so the export is searched for all their words.
        wait_for("every photo to be described", lambda: described(db) >= photos, timeout=240)
        if screenshot != "-":
            view = window("facilitator's view")
            subprocess.run(["import", "-window", view, screenshot], check=True)
        press(main_window, "ctrl+q")
        code = app.wait(timeout=DEADLINE)
    finally:
        if app.poll() is None:
            app.kill()
    print(json.dumps({"exit": code, "events": [k for k, _ in kinds(db)]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
