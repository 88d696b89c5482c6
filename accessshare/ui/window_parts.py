"""What the main window's parts (``WorkerFeeds``, ``WindowSettings``, ``AfterRemoval``, ``KeyDispatch``) use of the window: declared
here for the type checker only, so each part says what it needs (nothing exists at run time)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QMainWindow

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtGui import QFont, QPalette
    from PySide6.QtWidgets import QSplitter

    from accessshare.app.session import DatasetSession
    from accessshare.config import AppPaths, Settings
    from accessshare.ui.announcer import Announcer
    from accessshare.ui.details_pane import DetailsPane
    from accessshare.ui.photo_list import PhotoListView
    from accessshare.ui.photo_model import PhotoListModel
    from accessshare.ui.photo_view import PhotoView
    from accessshare.ui.study_controller import StudyController
    from accessshare.ui.workers import DescribeWorker, ScanWorker

    class WindowParts(QMainWindow):
        session: DatasetSession
        model: PhotoListModel
        announcer: Announcer
        settings: Settings
        paths: AppPaths
        store: Any
        photo_view: PhotoView
        photo_list: PhotoListView
        review_area: QSplitter
        actions_by_name: Any
        details: DetailsPane
        consent_controller: Any
        study: StudyController
        make_describer: Any
        describer_ready: bool
        describer_note: str
        _describe_worker: DescribeWorker | None
        _scan_worker: ScanWorker | None
        _system_font: QFont
        _system_palette: QPalette

        @property
        def dataset(self) -> Path | None: ...
        @property
        def scan_problems(self) -> list[Any]: ...
        def current_photo(self) -> Any: ...
        def _current_or_say(self) -> Any: ...
        def show_dialog(self, dialog: Any, on_finished: Any = None) -> None: ...
        def _select_row(self, row: int) -> None: ...
        def _update_status(self) -> None: ...
        def _set_status(self, text: str) -> None: ...
        def _show_details(self, photo: Any) -> None: ...
        def _refilter_keeping_current(self, name: str | None = None) -> None: ...
else:
    WindowParts = object
