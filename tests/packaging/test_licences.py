"""The licence files: the project's own at the top level and in the wheel's metadata, and one
page that points at every bundled model's, photo's and sound's licence."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_license_is_mit_at_the_top_level_and_listed_for_the_wheel():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"
    assert (REPO_ROOT / "LICENSE").read_text().startswith("MIT License\n")
    for name in project["license-files"]:
        assert (REPO_ROOT / name).is_file(), name


def test_third_party_page_links_only_to_files_that_exist():
    page = (REPO_ROOT / "THIRD_PARTY.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#]+)\)", page)
    assert "assets/models/README.md" in links and "assets/sample/LICENCES.md" in links
    for link in links:
        assert (REPO_ROOT / link).is_file(), link
    for folder in ("models", "sample", "sounds", "consent", "icons"):
        assert f"assets/{folder}/" in page or f"`assets/{folder}" in page, folder
