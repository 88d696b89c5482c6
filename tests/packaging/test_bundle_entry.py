"""The standalone app's entry point: the ordinary command line, and the worker processes the app
starts as ``[sys.executable, "-m", "accessshare.<module>"]`` (in the bundle, sys.executable is the
app itself). Run here with this Python, which executes the same file PyInstaller freezes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from accessshare import __version__

ENTRY = Path(__file__).resolve().parents[2] / "packaging" / "bundle_entry.py"


def _run(*args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ENTRY), *args], input=stdin, capture_output=True,
                          text=True, timeout=60, env=dict(os.environ, **env))


def test_the_entry_point_is_the_command_line():
    result = _run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"accessshare {__version__}"


def test_dash_m_runs_the_speech_worker_as_the_app_does():
    result = _run("-m", "accessshare.speech.worker", ACCESSSHARE_SPEECH_NO_ENGINE="1")
    first_reply = json.loads(result.stdout.splitlines()[0])
    assert first_reply["type"] == "no-engine"
    assert "espeak-ng" in first_reply["message"]


def test_dash_m_runs_only_accessshare_modules():
    result = _run("-m", "http.server")
    assert result.returncode == 2  # the command line refuses it as an unknown option
    assert "accessshare: error" in result.stderr and "Serving HTTP" not in result.stdout
