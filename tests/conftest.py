"""Fixtures shared by every test: an isolated data directory, so no test touches the user's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from accessshare.config import AppPaths, resolve_paths

REPO_ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Point the data directory and XDG folders at a temporary place for every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ACCESSSHARE_DATA_DIR", str(home / "data"))
    monkeypatch.delenv("ACCESSSHARE_DB_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg-cache"))


@pytest.fixture
def app_paths(tmp_path) -> AppPaths:
    return resolve_paths(tmp_path / "data").ensure()


# In CI (ACCESSSHARE_REQUIRE_SYSTEM_TESTS=1) a test that skips because a system component is
# missing fails instead: a green run must mean the real PostgreSQL, Xvfb, AT-SPI, Orca and
# espeak-ng tests ran.
_SYSTEM_COMPONENTS = ("xvfb", "orca", "espeak", "postgres", "pg_url", "pyatspi", "at-spi", "dbus",
                      "desktop-file-validate", "appstreamcli", "rsvg-convert")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not (report.skipped and os.environ.get("ACCESSSHARE_REQUIRE_SYSTEM_TESTS")):
        return
    reason = str(report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr)
    if any(word in reason.lower() for word in _SYSTEM_COMPONENTS):
        report.outcome = "failed"
        report.longrepr = f"Required system test was skipped in CI: {reason}"
