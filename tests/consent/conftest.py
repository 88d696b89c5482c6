"""Fixtures for the consent core: a store, the bundled form, and a small real dataset."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from accessshare.config import resolve_paths
from accessshare.consent import Decisions, load_form
from accessshare.records import RecordStore

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "helpers"))  # pg_databases

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "assets" / "sample"
SAMPLE_FILES = ("coffee.jpg", "chelsea.jpg", "camera.jpg", "coins.jpg")


@pytest.fixture
def paths(tmp_path):
    return resolve_paths(tmp_path / "data").ensure()


@pytest.fixture
def store(paths):
    with RecordStore.open(paths) as opened:
        yield opened


@pytest.fixture
def form():
    return load_form()


@pytest.fixture
def decisions(store, form):
    return Decisions(store, form)


@pytest.fixture
def dataset(tmp_path) -> Path:
    """Four real photos (from scikit-image, via the sample dataset) with a labels manifest."""
    folder = tmp_path / "my photos"
    folder.mkdir()
    for name in SAMPLE_FILES:
        shutil.copy(SAMPLE / name, folder / name)
    (folder / "manifest.csv").write_text(
        "file,label\ncoffee.jpg,my coffee mug\nchelsea.jpg,my cat\ncamera.jpg,man with camera\n"
        "coins.jpg,old coins\n", encoding="utf-8")
    return folder


def write_form(folder: Path, text: str, name: str = "form.md") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
