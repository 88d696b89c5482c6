"""Throw-away virtual environments for the model conversion scripts (build tools only)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ensure_venv(venv: Path, pinned: list[str], no_deps: list[str] = ()) -> Path:
    """Create ``venv`` if needed and install the pinned packages into it; return its python.
    ``no_deps`` are installed without their dependencies (packages that ask for any torch)."""
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", *pinned], check=True)
    if no_deps:
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", *no_deps], check=True)
    return python
