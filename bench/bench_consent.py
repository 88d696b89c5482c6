"""Consent at scale: `consent set` and `consent show` on 20,000 photos, through the real
command line (a new process each time, as a user runs it), with verification before export.

    python bench/bench_consent.py [--count 20000] [--purposes all]

Builds COUNT distinct real JPEGs in one folder, then times, each in its own process:
- `consent set PHOTO... --purpose P --state given` naming every photo by path, with a cold
  scan (every file hashed);
- `consent show FOLDER` (every photo's state and history, from the verified chain);
- both again once every photo has a second decision (twice the events; the scan index warm);
- `log verify` (the whole chain, with the kept heads), and `export photos` (verification
  first, then copying every shared photo);
and prints each time, the process's CPU time (user + system: what the machine's other work
does not inflate as much) and its peak RSS.
Targets (2 cores): consent set < 10 s, consent show < 3 s.

The package is byte-compiled first, as ``pip install`` does: with PYTHONDONTWRITEBYTECODE set
(as on the shared build machine) every command would otherwise compile AccessShare's modules
again, a cost an installed app does not pay.
"""

from __future__ import annotations

import argparse
import compileall
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[1]


def build(folder: Path, count: int) -> list[Path]:
    """COUNT distinct photos: one small JPEG with a different 4-byte tail after its end."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, "JPEG", quality=80)
    seed = buffer.getvalue()
    folder.mkdir(parents=True)
    made = []
    for index in range(count):
        path = folder / f"photo-{index:05d}.jpg"
        path.write_bytes(seed + index.to_bytes(4, "big"))
        made.append(path)
    return made


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """(seconds, CPU seconds, peak RSS in MB, last line of output) of one run of the command
    line."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "accessshare", *argv], env=env,
                                 cwd=REPO, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode not in (0, 1):
            raise SystemExit(f"{argv[0]} failed: {err.read().decode(errors='replace')}")
        lines = out.read().decode(errors="replace").strip().splitlines()
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024, lines[-1] if lines else ""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--purposes", default="all", help="purpose given to consent set")
    args = parser.parse_args()
    compileall.compile_dir(REPO / "accessshare", quiet=1)
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        photos = build(scratch / "photos", args.count)
        env = dict(os.environ, ACCESSSHARE_DATA_DIR=str(scratch / "data"))
        env.pop("ACCESSSHARE_DB_URL", None)
        print(f"{args.count} photos in one folder; purpose {args.purposes}")
        names = [str(p) for p in photos]
        rows = [
            ("consent set, cold scan", ["consent", "set", *names, "--purpose", args.purposes,
                                        "--state", "given"], "target < 10 s"),
            ("consent show FOLDER", ["consent", "show", str(scratch / "photos")],
             "target < 3 s"),
            ("consent set, warm", ["consent", "set", *names, "--purpose", args.purposes,
                                   "--state", "withdrawn"], "target < 10 s"),
            ("consent show, 2x events", ["consent", "show", str(scratch / "photos")], ""),
            ("log verify", ["log", "verify"], ""),
            ("export photos", ["export", "photos", "--purpose", "research", "-o",
                               str(scratch / "out")], ""),
        ]
        for label, argv, target in rows:
            seconds, cpu, peak, last = timed(argv, env)
            print(f"{label:24s} {seconds:6.2f} s  CPU {cpu:6.2f} s  peak RSS {peak:5.0f} MB  "
                  f"{target}", flush=True)
            print(f"{'':24s} {last[:110]}")
        # In-process: the verification that runs before every export, alone.
        sys.path.insert(0, str(REPO))
        from accessshare.config import resolve_paths
        from accessshare.records import RecordStore

        with RecordStore.open(resolve_paths(scratch / "data")) as store:
            start = time.perf_counter()
            report = store.verify()
            seconds = time.perf_counter() - start
        print(f"{'verify (in process)':24s} {seconds:6.2f} s  {report.checked} events, "
              f"{report.checked / seconds:,.0f} events/s")


if __name__ == "__main__":
    main()
