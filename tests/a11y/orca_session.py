"""One Orca session over the app, run inside ``xvfb-run dbus-run-session``.

Starts Orca (braille off, debug log on), waits for its registry, starts the app command,
focuses its window, sends the keys, then stops everything it started.

Speech stays on, because Orca logs what it presents through messages (a focused object's
description change, for one) only when speech is enabled. speech-dispatcher speaks with
espeak-ng into an ALSA "file" device over null: without an audio device it would block Orca.

Usage: python orca_session.py LOG WINDOW-NAME KEYS -- APP-COMMAND...
KEYS is a comma-separated list of xdotool key names; "wait:SECONDS" pauses.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def wait_for_text(path: Path, text: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(errors="replace"):
            return True
        time.sleep(0.2)
    return False


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=1.5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def find_window(name: str, timeout: float) -> str | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = subprocess.run(["xdotool", "search", "--name", name], capture_output=True, text=True)
        ids = found.stdout.split()
        if ids:
            return ids[0]
        time.sleep(0.3)
    return None


SILENT_ALSA = """pcm.!default {
    type file
    slave.pcm "null"
    file "/dev/null"
    format "raw"
}
"""
SPEECHD_CONF = """AudioOutputMethod "alsa"
DefaultModule espeak-ng
AddModule "espeak-ng" "sd_espeak-ng" "espeak-ng.conf"
"""


def prepare_silent_speech(home: Path) -> None:
    """Give this (throwaway) HOME a null sound card and a speech-dispatcher using espeak-ng."""
    (home / ".asoundrc").write_text(SILENT_ALSA)
    config_home = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    speechd = config_home / "speech-dispatcher"
    speechd.mkdir(parents=True, exist_ok=True)
    (speechd / "speechd.conf").write_text(SPEECHD_CONF)


def stop_speech_dispatcher() -> None:
    """Orca spawns speech-dispatcher, which outlives it; end the one of this session."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        subprocess.run(["pkill", "-KILL", "-f", f"speech-dispatcher.*{runtime}"], capture_output=True)


def main() -> int:
    split = sys.argv.index("--")
    log, window_name, keys = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    app_command = sys.argv[split + 1:]
    orca = app = None
    prepare_silent_speech(Path(os.environ["HOME"]))
    try:
        orca = subprocess.Popen(
            ["/usr/bin/python3", str(HERE / "orca_linebuffered.py"), "--replace",
             "-d", "braille", f"--debug-file={log}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not wait_for_text(log, "ORCA: Starting registry", 30):
            print("Orca did not start its registry", file=sys.stderr)
            return 3
        env = dict(os.environ, QT_QPA_PLATFORM="xcb")
        env.pop("QT_LINUX_ACCESSIBILITY_ALWAYS_ON", None)  # Orca turns AT-SPI on itself
        app = subprocess.Popen(app_command, env=env)
        window = find_window(window_name, 30)
        if window is None:
            print("The app window did not appear", file=sys.stderr)
            return 4
        time.sleep(1.5)
        subprocess.run(["xdotool", "windowactivate", "--sync", window], capture_output=True)
        subprocess.run(["xdotool", "windowfocus", "--sync", window], capture_output=True)
        time.sleep(1.0)
        for key in keys.split(","):
            if key.startswith("wait:"):
                time.sleep(float(key[5:]))
                continue
            subprocess.run(["xdotool", "key", "--clearmodifiers", key], check=True)
            time.sleep(0.8)
        time.sleep(1.5)
        return 0
    finally:
        stop(app)
        stop(orca)
        stop_speech_dispatcher()


if __name__ == "__main__":
    sys.exit(main())
