"""One private Orca session over one app, driven by a script (ACCESSIBILITY.md, recipe 4).

Run it through ``orca_harness.run_orca``, which gives it its own X server (xvfb-run), its own
D-Bus session (dbus-run-session), and its own HOME and XDG_RUNTIME_DIR. It starts, in that
session and each in a process group of its own: speech-dispatcher (espeak-ng into a null
sound card: without an audio device it would block Orca), Orca (``orca_private.py``: it never
replaces another Orca), then the app. It focuses the app's window and plays the script's steps, then
stops those three process groups and nothing else.

Steps wait for what Orca says, never for a fixed time:
  {"key": "Down"}                          send a key (xdotool names)
  {"key": "ctrl+i", "expect": "Part 1"}    send a key, then wait until Orca says "Part 1"
  {"expect": "Saved."}                     wait for words said since the last key
  {"expect": ["Deleted", "removed"]}        wait until each of these has been said, in any order
  {"expect": "Opened", "from_start": true}  wait for words said at any time, even before the steps
  {"quiet": 1.5}                           wait until Orca has said nothing new for 1.5 s
"timeout" (seconds, default 20) bounds every wait. The first step runs once Orca has read the
app's window ("ready" words in the script, by default its frame).

Usage: python orca_session.py SCRIPT.json
  SCRIPT: {"log": PATH, "window": WINDOW-NAME-PART, "app": [COMMAND...], "steps": [...],
           "ready": WORDS}
Exit status: 0 all steps done; 2 not private; 3 Orca did not start; 4 no app window;
5 a step's words were not said in time (the step and what was said go to stderr).
"""

from __future__ import annotations

import json
import os
import pwd
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_TIMEOUT = 20.0
POLL = 0.05
SPEECH_START = re.compile(r"^(?:(\d\d:\d\d:\d\d\.\d+) - )?SPEECH OUTPUT: '(.*)$")
SPEECH_END = re.compile(r"^(.*)'\s*(?:\{.*)?$")  # the closing quote, then Orca's voice settings
CONTINUED = " " * 18  # Orca indents the further lines of a multi-line entry


def speech_entries(lines: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """What Orca said in these log lines, as (clock time, words), one entry per utterance (a
    description with line breaks spans several log lines), and the lines of an utterance not
    finished yet."""
    said: list[tuple[str, str]] = []
    open_parts: list[str] = []
    clock = ""
    unfinished_from = 0
    for index, line in enumerate(lines):
        if open_parts:
            part = line[len(CONTINUED):] if line.startswith(CONTINUED) else line
            end = SPEECH_END.match(part)
            if end:
                said.append((clock, "\n".join([*open_parts, end.group(1)])))
                open_parts = []
            else:
                open_parts.append(part)
            continue
        start = SPEECH_START.search(line)
        if not start:
            continue
        clock = start.group(1) or ""
        end = SPEECH_END.match(start.group(2))
        if end:
            said.append((clock, end.group(1)))
        else:
            open_parts = [start.group(2)]
            unfinished_from = index
    return said, (lines[unfinished_from:] if open_parts else [])


def speech_in(lines: list[str]) -> tuple[list[str], list[str]]:
    """As ``speech_entries``, the words only."""
    said, unfinished = speech_entries(lines)
    return [words for _clock, words in said], unfinished


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


class LogTail:
    """The lines written to a log since the last look; reading only what is new keeps the
    watching light on the machine being watched."""

    def __init__(self, path: Path):
        self.path = path
        self._offset = 0
        self._partial = ""

    def new_lines(self) -> list[str]:
        if not self.path.exists():
            return []
        with self.path.open(errors="replace") as log:
            log.seek(self._offset)
            chunk = log.read()
            self._offset = log.tell()
        lines = (self._partial + chunk).split("\n")
        self._partial = lines.pop()  # a line still being written
        return lines

    def again(self, lines: list[str]) -> None:
        """Give these lines back with the next ones (an entry not finished yet)."""
        self._partial = "\n".join([*lines, self._partial])


class OrcaLog:
    """What Orca has said so far, read from its (line-buffered) debug log."""

    def __init__(self, path: Path):
        self.path = path
        self._tail = LogTail(path)
        self.said: list[str] = []
        self.last_change = time.monotonic()

    def poll(self) -> list[str]:
        new, unfinished = speech_in(self._tail.new_lines())
        self._tail.again(unfinished)
        if new:
            self.said.extend(new)
            self.last_change = time.monotonic()
        return self.said

    def contains(self, text: str) -> bool:
        if not self.path.exists():
            return False
        return text in self.path.read_text(errors="replace")

    def wait_for(self, words: list[str], since: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            heard = "\n".join(self.poll()[since:])
            if all(w in heard for w in words):
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(POLL)

    def wait_quiet(self, seconds: float, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.poll()
            if time.monotonic() - self.last_change >= seconds:
                return True
            time.sleep(POLL)
        return False


def ensure_private() -> str:
    """"" if HOME and XDG_RUNTIME_DIR are this session's own, else why not: a test must never
    share the developer's Orca settings, speech-dispatcher or runtime sockets."""
    home = Path(os.environ.get("HOME", "")).resolve()
    runtime = Path(os.environ.get("XDG_RUNTIME_DIR", "/")).resolve()
    real_home = Path(pwd.getpwuid(os.getuid()).pw_dir).resolve()
    if home == real_home or not os.environ.get("HOME"):
        return f"HOME is the user's own ({home}); give the session a temporary one"
    if home not in runtime.parents:
        return f"XDG_RUNTIME_DIR ({runtime}) is not inside the session's HOME ({home})"
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return "no D-Bus session: run this under dbus-run-session"
    return ""


def prepare_silent_speech(home: Path) -> None:
    """A null sound card and a speech-dispatcher configuration using espeak-ng, in this HOME."""
    (home / ".asoundrc").write_text(SILENT_ALSA)
    config_home = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    speechd = config_home / "speech-dispatcher"
    speechd.mkdir(parents=True, exist_ok=True)
    (speechd / "speechd.conf").write_text(SPEECHD_CONF)


def start_group(command: list[str], **kwargs) -> subprocess.Popen:
    """A process in a new session, so it and everything it spawns can be stopped together."""
    return subprocess.Popen(command, start_new_session=True, **kwargs)


def stop_group(process: subprocess.Popen | None) -> None:
    """End the process group this session started (and only it): SIGTERM, then SIGKILL. Orca
    ignores SIGTERM while idle, and speech-dispatcher's modules are its children."""
    if process is None:
        return
    group = process.pid  # start_new_session made it the leader of its own group
    for sig, wait in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(group, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        if not _group_alive(group):
            break
    if process.poll() is None:
        process.wait(timeout=5)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
        return True
    except ProcessLookupError:
        return False


def start_speech_dispatcher(runtime: Path) -> subprocess.Popen:
    """Our own speech-dispatcher on the socket Orca's client looks for first, in the foreground
    (``--run-single``), so Orca never spawns a daemon that would outlive the session."""
    socket = runtime / "speech-dispatcher" / "speechd.sock"
    socket.parent.mkdir(parents=True, exist_ok=True)
    server = start_group(["speech-dispatcher", "--run-single", "--timeout", "0",
                          "--communication-method", "unix_socket", "--socket-path", str(socket)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not socket.exists() and time.monotonic() < deadline and server.poll() is None:
        time.sleep(POLL)
    return server


def find_window(name: str, timeout: float) -> str | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = subprocess.run(["xdotool", "search", "--name", name], capture_output=True, text=True)
        ids = found.stdout.split()
        if ids:
            return ids[0]
        time.sleep(0.2)
    return None


def focus_window(window: str) -> None:
    """Without a window manager nothing has keyboard focus until it is given by hand."""
    subprocess.run(["xdotool", "windowactivate", "--sync", window], capture_output=True)
    subprocess.run(["xdotool", "windowfocus", "--sync", window], capture_output=True)


def play(steps: list[dict], log: OrcaLog, keys_file: Path | None = None) -> str:
    """Run the steps; "" when all were done, else what went wrong. The time each key is sent
    goes to ``keys_file`` (Orca logs no key event for letters or Space)."""
    mark = len(log.poll())
    for number, step in enumerate(steps, 1):
        timeout = float(step.get("timeout", DEFAULT_TIMEOUT))
        if "key" in step:
            mark = len(log.poll())
            if keys_file is not None:
                with keys_file.open("a") as keys:
                    keys.write(f"{time.time()} {step['key']}\n")
            subprocess.run(["xdotool", "key", "--clearmodifiers", step["key"]], check=True)
        if "expect" in step:
            words = step["expect"] if isinstance(step["expect"], list) else [step["expect"]]
            since = 0 if step.get("from_start") else mark
            if not log.wait_for(words, since, timeout):
                said = "\n".join(log.poll()[since:])
                return f"step {number} {step}: not said within {timeout} s. Said since:\n{said}"
        if "quiet" in step and not log.wait_quiet(float(step["quiet"]), timeout):
            return f"step {number} {step}: Orca kept talking for {timeout} s"
    return ""


def main() -> int:
    script = json.loads(Path(sys.argv[1]).read_text())
    problem = ensure_private()
    if problem:
        print(f"Refusing to start Orca: {problem}.", file=sys.stderr)
        return 2
    log = OrcaLog(Path(script["log"]))
    home, runtime = Path(os.environ["HOME"]), Path(os.environ["XDG_RUNTIME_DIR"])
    prepare_silent_speech(home)
    speechd = orca = app = None
    try:
        speechd = start_speech_dispatcher(runtime)
        orca = start_group(["/usr/bin/python3", str(HERE / "orca_private.py"), "-d", "braille",
                            f"--debug-file={log.path}"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while not log.contains("ORCA: Starting registry") and time.monotonic() < deadline:
            time.sleep(POLL)
        if not log.contains("ORCA: Starting registry"):
            print("Orca did not start its registry", file=sys.stderr)
            return 3
        env = dict(os.environ, QT_QPA_PLATFORM="xcb")
        env.pop("QT_LINUX_ACCESSIBILITY_ALWAYS_ON", None)  # Orca turns AT-SPI on itself
        app = start_group(script["app"], env=env)
        window = find_window(script["window"], 60)
        if window is None:
            print("The app window did not appear", file=sys.stderr)
            return 4
        ready = script.get("ready", "frame.")
        deadline = time.monotonic() + 60
        while True:  # until Orca reads the window, which may be mapped before Qt is ready
            focus_window(window)
            if log.wait_for([ready], 0, 3.0) or time.monotonic() > deadline:
                break
        if not log.wait_for([ready], 0, 0):
            print(f"Orca never said {ready!r} for the app's window", file=sys.stderr)
            return 4
        keys_file = Path(script["keys"]) if script.get("keys") else None
        failure = play(script["steps"], log, keys_file)
        if failure:
            print(failure, file=sys.stderr)
            return 5
        return 0
    finally:
        stop_group(app)
        stop_group(orca)
        stop_group(speechd)


if __name__ == "__main__":
    sys.exit(main())
