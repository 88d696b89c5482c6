"""Running the app under a private Orca from a test, and reading what Orca said.

``run_orca(tmp_path, steps, app)`` gives the session its own X server, D-Bus session, HOME and
XDG_RUNTIME_DIR (so it never touches the developer's screen reader, or another test's) and
plays ``steps`` (see orca_session.py) against the app. Keys that depend on the state the last
one left wait for Orca to say the expected words, with a deadline, never for a fixed time.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from orca_session import speech_entries, speech_in

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
NEEDED = ("orca", "xvfb-run", "xdotool", "dbus-run-session", "speech-dispatcher")
# What Orca says for keys it echoes; not the app's speech.
KEY_ECHOES = re.compile(r"^(left |right )?(control|alt|shift|return|escape|space|tab|delete|"
                        r"down|up|f\d+|[a-z])\s*$", re.I)


def missing_tools() -> list[str]:
    missing = [tool for tool in NEEDED if shutil.which(tool) is None]
    if not Path("/usr/bin/python3").exists():
        missing.append("/usr/bin/python3 (for Orca)")
    return missing


def skip_without_orca() -> None:
    missing = missing_tools()
    if missing:
        pytest.skip("Orca test needs xvfb, orca, xdotool, dbus and speech-dispatcher: missing "
                    + ", ".join(missing))


def key(name: str, expect: str | list[str] | None = None, timeout: float | None = None) -> dict:
    step: dict = {"key": name}
    if expect is not None:
        step["expect"] = expect
    if timeout is not None:
        step["timeout"] = timeout
    return step


def expect(words: str | list[str], timeout: float | None = None, *,
           from_start: bool = False) -> dict:
    """Wait for ``words`` said since the last key (``from_start``: since Orca started, as the
    window's first news may come with the window itself)."""
    step: dict = {"expect": words}
    if from_start:
        step["from_start"] = True
    if timeout is not None:
        step["timeout"] = timeout
    return step


def quiet(seconds: float = 1.5, timeout: float = 20) -> dict:
    return {"quiet": seconds, "timeout": timeout}


def spoken(log: Path) -> list[str]:
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return speech_in(lines)[0]


def spoken_at(log: Path) -> list[tuple[float, str]]:
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return [(seconds_of_day(clock), words) for clock, words in speech_entries(lines)[0] if clock]


def seconds_of_day(clock: str) -> float:
    hours, minutes, seconds = clock.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def keys_sent(path: Path) -> list[float]:
    """When each key was sent, in seconds since local midnight (as Orca's log times are)."""
    if not path.exists():
        return []
    times = []
    for line in path.read_text().splitlines():
        moment = datetime.fromtimestamp(float(line.split()[0]))
        times.append(moment.hour * 3600 + moment.minute * 60 + moment.second
                     + moment.microsecond / 1e6)
    return times


def private_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """An environment whose HOME, runtime and config folders belong to this test alone."""
    home = tmp_path / "home"
    runtime = home / "run"
    runtime.mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)
    env = dict(os.environ, HOME=str(home), XDG_RUNTIME_DIR=str(runtime),
               XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local/share"),
               XDG_CACHE_HOME=str(home / ".cache"), ACCESSSHARE_DATA_DIR=str(tmp_path / "data"),
               **extra)
    for name in ("QT_QPA_PLATFORM", "DBUS_SESSION_BUS_ADDRESS", "AT_SPI_BUS_ADDRESS",
                 "SPEECHD_ADDRESS", "DISPLAY"):
        env.pop(name, None)
    return env


@dataclass
class OrcaRun:
    returncode: int
    stderr: str
    log: Path
    said: list[str]
    said_at: list[tuple[float, str]]  # (seconds since midnight, words)
    keys_at: list[float]  # when each key was sent, in the same clock

    @property
    def heard(self) -> str:
        return "\n".join(self.said)

    def app_said(self) -> list[str]:
        """Orca's speech without its echo of the keys pressed."""
        return [line for line in self.said if not KEY_ECHOES.match(line)]

    def repeats(self, min_length: int = 12) -> list[str]:
        """Utterances Orca said twice in a row with no key pressed between them (Space asks for
        the description again)."""
        found = []
        for (first_at, first), (then_at, then) in zip(self.said_at, self.said_at[1:]):
            asked = any(first_at <= key_at <= then_at for key_at in self.keys_at)
            if first.strip() == then.strip() and len(first.strip()) >= min_length and not asked:
                found.append(first.strip())
        return found

    def after(self, words: str) -> str:
        """Everything said after the first utterance holding ``words``."""
        for index, line in enumerate(self.said):
            if words in line:
                return "\n".join(self.said[index + 1:])
        return ""

    def check(self) -> None:
        assert self.returncode == 0, f"{self.stderr[-3000:]}\nOrca said:\n{self.heard[-3000:]}"


def run_orca(tmp_path: Path, steps: list[dict], app: list[str], *, env: dict | None = None,
             window: str = "— AccessShare", ready: str = "frame.", timeout: float = 240) -> OrcaRun:
    """Play ``steps`` on ``app`` under a private Orca; returns what it said."""
    env = env or private_env(tmp_path)
    log = Path(env["HOME"]) / "orca.log"
    script = tmp_path / "orca-script.json"
    keys = tmp_path / "keys-sent.txt"
    script.write_text(json.dumps({"log": str(log), "window": window, "app": app,
                                  "steps": steps, "ready": ready, "keys": str(keys)}))
    command = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "dbus-run-session", "--",
               sys.executable, str(HERE / "orca_session.py"), str(script)]
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=timeout)
    run = OrcaRun(result.returncode, result.stderr, log, spoken(log), spoken_at(log),
                  keys_sent(keys))
    print(run.heard)  # shown with -s, or on failure: what Orca said
    return run


def app_command(dataset: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "accessshare", "open", str(dataset), *extra]


def describe_first(dataset: Path, env: dict) -> dict[str, str]:
    """Describe the dataset through the command line into the test's data folder, so the app
    finds every description in its cache. Returns file name -> brief sentence."""
    result = subprocess.run([sys.executable, "-m", "accessshare", "describe", str(dataset), "--json"],
                            env=env, capture_output=True, text=True, timeout=300, check=True)
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return {Path(row["path"]).name: row["sentence"] for row in rows if "sentence" in row}
