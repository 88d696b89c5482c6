"""The facilitator's view: what the app just said and the participant's last actions, live,
in large text, for a facilitator beside the participant or sharing a screen.

It is a window of its own that never takes keyboard focus (``WindowDoesNotAcceptFocus``,
shown without activating, no focusable child), so the participant's keys always stay in the
main window.
"""

from __future__ import annotations

from collections import deque

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from accessshare.sentences import en

REFRESH_MS = 150  # labels are laid out again at most this often, never inside a key press
LINES_SAID = 4
LINES_DONE = 6
POINT_SIZE = 20


class FacilitatorView(QWidget):
    def __init__(self, participant: str):
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.WindowDoesNotAcceptFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWindowTitle(en.study_view_title(participant))
        self.setAccessibleName(en.STUDY_VIEW_NAME)
        self.said: deque[str] = deque(maxlen=LINES_SAID)
        self.done: deque[str] = deque(maxlen=LINES_DONE)
        font = QFont(self.font())
        font.setPointSize(POINT_SIZE)
        self.setFont(font)
        self.status_label = self._label(bold=True)
        self.said_label = self._label()
        self.done_label = self._label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(self._heading(en.STUDY_VIEW_SAID))
        layout.addWidget(self.said_label, 2)
        layout.addWidget(self._heading(en.STUDY_VIEW_DONE))
        layout.addWidget(self.done_label, 2)
        self.resize(900, 640)
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(REFRESH_MS)
        self._refresh.timeout.connect(self._show_lines)

    def _label(self, bold: bool = False) -> QLabel:
        label = QLabel("")  # unnamed: screen readers read its text
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        label.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        label.setTextFormat(Qt.TextFormat.PlainText)
        if bold:
            font = QFont(self.font())
            font.setBold(True)
            label.setFont(font)
        return label

    def _heading(self, text: str) -> QLabel:
        heading = self._label(bold=True)
        heading.setText(text)
        return heading

    def set_status(self, text: str) -> None:
        self.status_label.setText(text)

    def app_said(self, text: str) -> None:
        self.said.appendleft(text)
        self._later()

    def participant_did(self, text: str) -> None:
        self.done.appendleft(text)
        self._later()

    def _later(self) -> None:
        """Wrapped large text costs milliseconds to lay out; doing it after the key press
        keeps the participant's Down key as quick as without a session."""
        if self.isVisible() and not self._refresh.isActive():
            self._refresh.start()

    def _show_lines(self) -> None:
        self.said_label.setText("\n".join(self.said))
        self.done_label.setText("\n".join(self.done))

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._show_lines()
        super().showEvent(event)
