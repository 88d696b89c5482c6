"""ruff's rules (pyproject.toml) hold for the whole repository; .ci/run runs mypy too."""

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing():
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run([str(ruff) if ruff.exists() else "ruff", "check", "."], cwd=REPO_ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All checks passed!" in result.stdout


def test_ci_runs_ruff_mypy_and_the_import_contracts():
    script = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert all(f"\n{command}\n" in script for command in ("ruff check .", "mypy", "lint-imports"))
