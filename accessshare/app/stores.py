"""Opening what the app works on: the records store and the describer, for the window
(``ui.app``) and the command line alike. A store that cannot be opened is said, not raised:
the window still shows and describes photos."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accessshare.config import AppPaths, Settings

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
    """A function that makes the describer (on a worker thread: loading it takes a second),
    with the store's description cache."""

    def make() -> Any:
        from accessshare.describe import onnx_session
        from accessshare.describe.pipeline import Describer
        from accessshare.records.store import DescriptionCache
        onnx_session.keep_cores_free(1)  # the arrow keys come first
        cache = DescriptionCache(store) if store is not None else None
        return Describer(cache=cache, caption_model=caption_model, verbosity=settings.verbosity,
                         models_dir=paths.models_dir)
    return make
