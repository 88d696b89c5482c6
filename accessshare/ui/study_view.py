"""The facilitator's view: what the app just said and the participant's last actions, live,
in large text, for a facilitator beside the participant or sharing a screen.

It is a window of its own that never takes keyboard focus (``WindowDoesNotAcceptFocus``,
shown without activating, no focusable child), so the participant's keys always stay in the
main window.
"""

from __future__ import annotations

import time
from collections import deque

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from accessshare.sentences import en

# Wrapped large text costs milliseconds to lay out and paint, so the labels are laid out again
# only when the participant's keys rest this long, and while they keep coming, at most this
# often: arrowing through photos pays for few refreshes, and the facilitator still sees them.
REFRESH_MS = 150
REFRESH_AT_LEAST_MS = 1000
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
        self._refresh.timeout.connect(self._show_lines)
        self._waiting_since = 0.0  # when the oldest line not yet shown came

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
        """Shown once the participant's keys rest (``REFRESH_MS``), or ``REFRESH_AT_LEAST_MS``
        after the oldest line not yet shown."""
        if not self.isVisible():
            return
        now = time.monotonic()
        if not self._refresh.isActive():
            self._waiting_since = now
        waited_ms = (now - self._waiting_since) * 1000
        self._refresh.start(int(max(0.0, min(REFRESH_MS, REFRESH_AT_LEAST_MS - waited_ms))))

    def _show_lines(self) -> None:
        self.said_label.setText("\n".join(self.said))
        self.done_label.setText("\n".join(self.done))

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._show_lines()
        super().showEvent(event)
