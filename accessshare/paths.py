"""Where bundled assets live, in a source checkout and in an installed wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def assets_dir() -> Path:
    package = Path(__file__).resolve().parent
    for candidate in (package / "assets", package.parent / "assets"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("AccessShare's assets folder is missing; reinstall the package.")


def asset(*parts: str) -> Path:
    return assets_dir().joinpath(*parts)


def sample_dataset() -> Path:
    return asset("sample")
