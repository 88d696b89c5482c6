"""Fixtures for the main window tests: the real window over a copy of the sample dataset, a real
SQLite records store, and the real on-device describer (loaded once per test session, with its
descriptions cached in a session-wide store so later tests are quick)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from accessshare.config import Settings, resolve_paths  # noqa: E402
from accessshare.paths import sample_dataset  # noqa: E402
from accessshare.records import RecordStore  # noqa: E402
from accessshare.records.store import DescriptionCache  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "helpers"))
from qt_fixtures import a11y_events, press  # noqa: E402,F401 - fixtures

DESCRIBE_TIMEOUT_MS = 120_000


@pytest.fixture(scope="session")
def shared_describe_cache(tmp_path_factory):
    """A description cache for the whole session, so later tests are quick: a photo that an
    earlier test described is answered from it, without a describer process."""
    cache_dir = tmp_path_factory.mktemp("describe-cache")
    cache_store = RecordStore(f"sqlite:///{cache_dir / 'cache.sqlite3'}")
    yield DescriptionCache(cache_store)
    cache_store.close()


@pytest.fixture
def make_describer(shared_describe_cache):
    """The window's describe service, as the app makes it (one lower-priority describer
    process with the real models), over the session's cache."""
    from accessshare.describe.service import DescribeService

    return lambda: DescribeService(cache=shared_describe_cache)


@pytest.fixture
def dataset(tmp_path) -> Path:
    target = tmp_path / "dataset"
    shutil.copytree(sample_dataset(), target)
    return target


@pytest.fixture
def app_paths(tmp_path):
    return resolve_paths(tmp_path / "data").ensure()


@pytest.fixture
def store(app_paths):
    with RecordStore.open(app_paths) as opened:
        yield opened


@pytest.fixture
def make_window(qtbot, app_paths, store, make_describer):
    """make_window(folder, settings=None, describe=True, make_service=None) -> a shown
    MainWindow, dataset loaded and (by default) every photo described. ``make_service`` gives
    the window a describe service of its own; then it does not wait for descriptions."""
    from accessshare.ui.main_window import MainWindow

    def make(folder: Path, settings: Settings | None = None, describe: bool = True,
             make_service=None):
        window = MainWindow(app_paths, settings or Settings(), store,
                            make_describer=make_service or (make_describer if describe else None))
        qtbot.addWidget(window)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        window.photo_list.setFocus()
        window.open_dataset(folder)
        qtbot.waitUntil(lambda: window.scan_done, timeout=20_000)
        if describe and make_service is None:
            qtbot.waitUntil(lambda: all_described(window), timeout=DESCRIBE_TIMEOUT_MS)
        # News ("Opened …", "All N described") waits until focus has rested a moment.
        qtbot.waitUntil(lambda: not window.announcer.held, timeout=5000)
        return window

    return make


def all_described(window) -> bool:
    total, described, _flagged = window.model.counts()
    return window.scan_done and described + len(window.model.failures) >= total


