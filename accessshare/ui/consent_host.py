"""What the consent controller needs from the window that hosts it (the main window, or a
test's stand-in): a typed ``Protocol`` in place of ``getattr``/``hasattr`` probing."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from accessshare.config import AppPaths, Settings


class Speaking(Protocol):
    def announce(self, text: str, kind: str = ..., interrupt: bool = ..., *,
                 background: bool = ..., asked: bool = ...) -> None: ...
    def announce_with_focus(self, text: str) -> None: ...


class ConsentHost(Protocol):
    """The window's side of the consent keys."""

    store: Any  # the records store, handed to the application layer
    paths: AppPaths
    settings: Settings
    consent_form_path: Path | None
    consent_state_provider: Any  # set by the controller: photo id -> (spoken state, shared)
    study: Any  # a co-design session's hooks (ui.study_controller.StudyController), or None
    key_notice_said: bool  # a device key made anew was said this session (once is enough)

    @property
    def announcer(self) -> Speaking: ...  # the one way to speak
    @property
    def dataset(self) -> Path | None: ...  # the open folder, for the folder's default
    def current_photo(self) -> Any | None: ...
    def visible_photos(self) -> list[Any]: ...
    def privacy_reminder(self, photo_id: str) -> str: ...
    def refresh_photo(self, photo_id: str) -> None: ...
    def refresh_all_photos(self) -> None: ...
    def remove_photo(self, photo_id: str) -> None: ...
    # QWidget's own, for dialogs: their parent, and where focus goes back.
    def focusWidget(self) -> Any: ...  # noqa: N802 - Qt's name
    def activateWindow(self) -> None: ...  # noqa: N802 - Qt's name
