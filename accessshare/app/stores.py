"""Opening what the app works on: the records store and the describer, for the window
(``ui.app``) and the command line alike. A store that cannot be opened is said, not raised:
the window still shows and describes photos."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accessshare.config import AppPaths, Settings

# One describer process (each holds every model: about 450 MB). It runs below the app's
# priority, so it may use every core: the scheduler gives the window its core when it wants one.
APP_DESCRIBER_PROCESSES = 1
APP_CORES_KEPT_FREE = 0

if TYPE_CHECKING:  # opened only when asked: the window shows before SQLAlchemy is loaded
    from accessshare.records import RecordStore


def open_store(paths: AppPaths) -> tuple[RecordStore | None, str]:
    """(the records store, "") or (None, why it is not available)."""
    from accessshare.records import RecordStore

    try:
        return RecordStore.open(paths), ""
    except Exception as error:  # noqa: BLE001 - any failure is said; the app goes on without it
        return None, f"Consent records are not available: {error}"


def describer_factory(paths: AppPaths, store: RecordStore | None, settings: Settings,
                      caption_model: Path | None) -> Callable[[], Any]:
    """A function that makes the window's describe service: models in one lower-priority
    process, with the store's description cache in this one."""

    def make() -> Any:
        from accessshare.describe.service import DescriberSpec, DescribeService
        from accessshare.records.store import DescriptionCache
        spec = DescriberSpec(caption_model=caption_model, verbosity=settings.verbosity,
                             models_dir=paths.models_dir)
        cache = DescriptionCache(store) if store is not None else None
        return DescribeService(spec, cache=cache, workers=APP_DESCRIBER_PROCESSES,
                               cores_kept_free=APP_CORES_KEPT_FREE)
    return make
