"""``accessshare --help`` and every command's ``--help`` answer without loading the heavy
libraries (issue 18): each is run in a fresh interpreter and its ``sys.modules`` read back."""

import argparse
import json
import subprocess
import sys

import pytest

from accessshare.cli import build_parser

HEAVY = ("numpy", "PIL", "onnxruntime", "sqlalchemy", "alembic", "PySide6", "shiboken6", "cv2")

# Runs the real command line, as ``python -m accessshare ARGS`` does, then lists what it loaded.
CHILD = """
import json, sys
from accessshare.cli import main
try:
    main(sys.argv[1:])
except SystemExit as stop:
    code = stop.code
print(json.dumps({"code": code, "heavy": sorted(
    {name.split(".")[0] for name in sys.modules} & set(%r))}), file=sys.stderr)
"""


def _help_commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()):
    yield (*prefix, "--help")
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _help_commands(sub, (*prefix, name))


@pytest.mark.parametrize("argv", list(_help_commands(build_parser())), ids=" ".join)
def test_help_loads_no_heavy_library(argv):
    run = subprocess.run([sys.executable, "-c", CHILD % (HEAVY,), *argv],
                         capture_output=True, text=True, timeout=60)
    report = json.loads(run.stderr.strip().splitlines()[-1])
    assert report["code"] == 0
    assert "usage: accessshare" in run.stdout
    assert report["heavy"] == [], f"accessshare {' '.join(argv)} loaded {report['heavy']}"
