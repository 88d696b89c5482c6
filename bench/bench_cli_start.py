"""How fast the command line answers when it has nothing heavy to do (issue 18).

    python bench/bench_cli_start.py [--runs 15]

Times ``accessshare --help`` and the help of a few commands, each in a new process as a user
runs them, and prints the median and the fastest run, with the CPU time, and which of the heavy
libraries (numpy, PIL, onnxruntime, SQLAlchemy, Alembic, Qt) each one loaded: none should.
The package is byte-compiled first, as ``pip install`` does (see bench_consent.py).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("numpy", "PIL", "onnxruntime", "sqlalchemy", "alembic", "PySide6")
COMMANDS = (["--help"], ["consent", "--help"], ["consent", "set", "--help"], ["scan", "--help"],
            ["export", "photos", "--help"])
# The same as ``python -m accessshare ARGS``, then the heavy modules it loaded, on stderr.
CHILD = """
import json, sys
from accessshare.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & set(%r))), file=sys.stderr)
"""


def run_once(argv: list[str]) -> tuple[float, float, list[str]]:
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", CHILD % (HEAVY,), *argv], cwd=REPO,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, _status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    loaded = json.loads(child.stderr.read().decode().strip().splitlines()[-1])
    return seconds, usage.ru_utime + usage.ru_stime, loaded


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    compileall.compile_dir(REPO / "accessshare", quiet=1)
    for argv in COMMANDS:
        runs = [run_once(argv) for _ in range(args.runs)]
        walls = [wall for wall, _cpu, _loaded in runs]
        cpus = [cpu for _wall, cpu, _loaded in runs]
        loaded = sorted({name for *_times, names in runs for name in names})
        print(f"accessshare {' '.join(argv):24s} median {statistics.median(walls):.3f} s "
              f"(fastest {min(walls):.3f} s, CPU median {statistics.median(cpus):.3f} s) "
              f"heavy modules loaded: {', '.join(loaded) or 'none'}", flush=True)


if __name__ == "__main__":
    main()
