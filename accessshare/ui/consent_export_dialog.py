"""Ctrl+E: steward exports (consent log as JSON or CSV, photos shared for a purpose) and log
verification, all by keyboard. The work itself is done by an ``ExportActions`` object so this
dialog stays a thin form: in the window an ``ExportJob`` (``ui.export_job``), which runs it off
the UI thread. While it runs, Escape stops it between two photos, and Close leaves it running
(its result is said when it is done)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from accessshare.sentences import en
from accessshare.ui.choice_box import ChoiceBox
from accessshare.ui.dialogs import show_dialog
from accessshare.ui.consent_widgets import (
    ChoiceRadio,
    ReadingPane,
    add_labelled_row,
    make_button,
    name_widget,
    titled_group,
)
from accessshare.vocabulary import ExportKind


@dataclass(frozen=True)
class ExportChoice:
    key: ExportKind
    choice_text: str  # the radio button
    path_label: str  # the path field's label for this choice
    run_text: str  # the action button
    wants_folder: bool
    is_save: bool  # the browse dialog saves (True) or opens (False)


EXPORT_KINDS = (
    ExportChoice(ExportKind.JSON, "Consent log as &JSON", "Save log to", "E&xport", False, True),
    ExportChoice(ExportKind.CSV, "Consent log as &CSV", "Save log to", "E&xport", False, True),
    ExportChoice(ExportKind.PHOTOS, "&Photos shared for a purpose", "Copy photos into folder",
                 "E&xport", True, True),
    ExportChoice(ExportKind.VERIFY, "&Verify a consent log", "Log file to check", "Verify &now", False, False),
)


class ExportActions(Protocol):
    """What the dialog needs from the app; every method returns one plain sentence of result."""

    def purposes(self) -> list[tuple[str, str]]: ...  # (purpose id, label)
    def default_path(self, kind: str, purpose: str | None) -> Path: ...
    def run(self, kind: str, path: Path, purpose: str | None) -> str: ...


class BackgroundExports(Protocol):
    """What the dialog needs from an export run off the UI thread (``ui.export_job``)."""

    progressed: Any  # Signal(str): a progress sentence to show
    finished: Any  # Signal(str): the result, already said
    running: bool
    last_progress: str

    @property
    def stopping(self) -> bool: ...

    def purposes(self) -> list[tuple[str, str]]: ...
    def default_path(self, kind: str, purpose: str | None) -> Path: ...
    def start(self, kind: str, path: Path, purpose: str | None) -> bool: ...
    def stop(self) -> bool: ...


class ConsentExportDialog(QDialog):
    def __init__(self, actions: ExportActions | BackgroundExports, announce: Callable[[str], None],
                 parent: QWidget | None = None, *, job: BackgroundExports | None = None):
        """``job``: run the export in the background (the window); without it ``actions.run``
        is called and answers at once."""
        super().__init__(parent)
        self._actions = job or actions
        self._job = job
        self._announce = announce
        self._edited_paths = False
        self.file_dialog: QFileDialog | None = None
        self.setWindowTitle("Export and verify consent records")
        self.setAccessibleName(self.windowTitle())

        self._kind_buttons = QButtonGroup(self)
        kind_box, kind_layout = titled_group("What to do",
                                             "Choose an export, or verify a log. Use the arrow keys.")
        for index, kind in enumerate(EXPORT_KINDS):
            radio = ChoiceRadio(kind.choice_text, kind_box)
            name_widget(radio, kind.choice_text)
            self._kind_buttons.addButton(radio, index)
            kind_layout.addWidget(radio)
        self._kind_buttons.button(0).setChecked(True)

        form = QFormLayout()
        self.purpose = ChoiceBox("Purpose")
        for purpose_id, label in actions.purposes():
            self.purpose.addItem(label, purpose_id)
        add_labelled_row(form, "P&urpose", self.purpose, "Only photos shared for this purpose are copied.")
        self.path = QLineEdit()
        self.browse = make_button("&Browse…", "Choose the file or folder with a file dialog.", self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path)
        path_row.addWidget(self.browse)
        form.addRow("Save log to", path_row)
        self._path_label = form.labelForField(path_row)
        self._path_label.setBuddy(self.path)

        self.run_button = make_button("E&xport", "Do it now.", self._run)
        self.run_button.setDefault(True)
        self.result = ReadingPane("Result")
        self.result.setPlaceholderText("The result appears here.")
        self.result.setMaximumHeight(90)
        close = make_button("Close", "Close this dialog. An export that runs goes on.",
                            self._close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addStretch(1)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(kind_box)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.result)

        self._kind_buttons.idToggled.connect(self._kind_changed)
        self.path.textEdited.connect(lambda _text: setattr(self, "_edited_paths", True))
        self.purpose.currentIndexChanged.connect(lambda _i: self._apply_kind())
        self._apply_kind()
        self._kind_buttons.button(0).setFocus()
        if job is not None:
            job.progressed.connect(self._show_progress)
            job.finished.connect(self._finished)
            if job.running:  # opened again while it runs
                self.result.show_text(job.last_progress or en.EXPORT_RUNNING)

    def kind(self) -> ExportChoice:
        return EXPORT_KINDS[max(self._kind_buttons.checkedId(), 0)]

    def choose(self, key: ExportKind | str) -> None:
        index = next(i for i, kind in enumerate(EXPORT_KINDS) if kind.key == key)
        self._kind_buttons.button(index).setChecked(True)

    def _kind_changed(self, _index: int, checked: bool) -> None:
        if not checked:
            return
        self._edited_paths = False
        if QApplication.focusWidget() in self._kind_buttons.buttons():
            self._apply_kind()
        else:
            # Alt+letter from the path field: rename that field once focus has left it, or a
            # screen reader reads its new name and text before the choice it moved to.
            QTimer.singleShot(0, self, self._apply_kind)

    def _apply_kind(self) -> None:
        kind = self.kind()
        self.purpose.setEnabled(kind.key == ExportKind.PHOTOS)
        self._path_label.setText(kind.path_label)
        name_widget(self.path, kind.path_label,
                    "Type a path, or press Tab to reach Browse.")
        self.run_button.setText(kind.run_text)
        name_widget(self.run_button, kind.run_text, "Do it now.")
        if not self._edited_paths:
            self.path.setText(str(self._actions.default_path(kind.key, self._purpose_id())))

    def _purpose_id(self) -> str | None:
        return self.purpose.currentData() if self.kind().key == ExportKind.PHOTOS else None

    def _browse(self) -> None:
        kind = self.kind()
        dialog = QFileDialog(self, kind.path_label, self.path.text())
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        if kind.wants_folder:
            dialog.setFileMode(QFileDialog.FileMode.Directory)
            dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        elif kind.is_save:
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        else:
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        self.file_dialog = show_dialog(self, dialog, lambda accepted: self._browsed(dialog, accepted))

    def _browsed(self, dialog: QFileDialog, accepted: bool) -> None:
        if accepted and dialog.selectedFiles():
            self.path.setText(dialog.selectedFiles()[0])
            self._edited_paths = True
        self.file_dialog = None
        self.path.setFocus()

    def _run(self) -> None:
        text = self.path.text().strip()
        if not text:
            self._report("Type a path first.")
            self.path.setFocus()
            return
        path = Path(text).expanduser()
        if self._job is not None:
            if self._job.start(self.kind().key, path, self._purpose_id()):
                self.result.show_text("")
            return
        try:
            message = cast(ExportActions, self._actions).run(self.kind().key, path,
                                                             self._purpose_id())
        except Exception as error:  # noqa: BLE001 - every failure becomes a spoken sentence
            message = en.export_failed(error)
        self._report(message)

    def reject(self) -> None:
        """Escape: stops an export that runs (between two photos) and stays open to say how
        it ended; otherwise, or once it is stopping, closes (a log export's result is said
        when it is done)."""
        if self._job is not None and self._job.stop():
            return
        super().reject()

    def _close(self) -> None:
        """The Close button: an export that runs goes on, and this is said."""
        if self._job is not None and self._job.running and not self._job.stopping:
            self._announce(en.EXPORT_GOES_ON)
        super().reject()

    def _show_progress(self, sentence: str) -> None:
        self.result.show_text(sentence)

    def _finished(self, sentence: str) -> None:
        self.result.show_text(sentence)  # said already, once, by the operation runner

    def _report(self, message: str) -> None:
        # Said once, by the Announcer on the focused control; the button's own description
        # too made Orca read every result twice.
        self.result.show_text(message)
        self._announce(message)
