"""Issue 14's acceptance, with the real command line under Xvfb and real X key presses:
a study session for P07 gives an export with the decisions and no image content; ``study
list`` names P07; ``study withdraw P07 --yes`` removes its rows and keeps the consent log."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "tests" / "helpers"))
from study_content import forbidden_content, leaks  # noqa: E402


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "accessshare", "--data-dir", str(data_dir), *args],
                          cwd=REPO, capture_output=True, text=True, timeout=120)


def test_a_study_session_under_xvfb_exports_decisions_and_no_image_content(tmp_path):
    missing = [tool for tool in ("xvfb-run", "xdotool", "import") if shutil.which(tool) is None]
    if missing:
        pytest.skip("the study acceptance run needs xvfb, xdotool and ImageMagick: missing "
                    + ", ".join(missing))
    from accessshare.paths import sample_dataset

    dataset, data = tmp_path / "dataset", tmp_path / "data"
    shutil.copytree(sample_dataset(), dataset)
    shot = os.environ.get("ACCESSSHARE_STUDY_SCREENSHOT", str(tmp_path / "view.png"))
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", HOME=str(tmp_path))
    env.pop("ACCESSSHARE_DB_URL", None)
    run = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", sys.executable,
                          str(HERE / "study_acceptance_driver.py"), str(dataset), str(data), shot],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=420)
    assert run.returncode == 0, (run.stdout[-2000:], run.stderr[-3000:])
    played = json.loads(run.stdout.strip().splitlines()[-1])
    assert played["exit"] == 0 and played["events"][-1] == "session_ended", played

    exported = cli(data, "study", "export", "--format", "csv", "-o", str(tmp_path / "s.csv"))
    assert exported.returncode == 0, exported.stderr
    text = (tmp_path / "s.csv").read_text(encoding="utf-8")
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["participant"] == "P07"]
    assert len(rows) >= 5
    assert [(r["photo_position"], r["state"]) for r in rows if r["event"] == "decision"] == [
        ("3", "given"), ("4", "refused")]
    with sqlite3.connect(data / "records.sqlite3") as db:
        payloads = [json.loads(p) for (p,) in db.execute("SELECT payload FROM descriptions")]
        consent_events = db.execute("SELECT count(*) FROM events").fetchone()[0]
    forbidden = forbidden_content(dataset, payloads)
    assert len(payloads) == 10 and len(forbidden["words"]) > 20, "words to look for"
    assert leaks(text, forbidden) == []
    assert Path(shot).stat().st_size > 10_000  # the facilitator's view was on screen

    listing = cli(data, "study", "list")
    assert listing.stdout.startswith("P07: session 1, started "), listing.stdout
    withdrawn = cli(data, "study", "withdraw", "P07", "--yes")
    assert withdrawn.stdout.startswith(f"Removed the study records of P07: 1 session and "
                                       f"{len(played['events'])} events."), withdrawn.stdout
    assert "consent decisions are theirs and were not touched" in withdrawn.stdout
    again = cli(data, "study", "export", "--format", "csv", "-o", str(tmp_path / "after.csv"))
    assert again.returncode == 0
    assert "P07" not in (tmp_path / "after.csv").read_text(encoding="utf-8")
    with sqlite3.connect(data / "records.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM events").fetchone()[0] == consent_events > 0
    verified = cli(data, "log", "verify")
    assert verified.returncode == 0, verified.stdout
