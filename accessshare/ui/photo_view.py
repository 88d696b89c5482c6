"""The photo, large, for low-vision contributors: zoom in and out, fit to the window, and a
high-contrast rendering. Keyboard focusable; arrow keys scroll a zoomed photo."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea

ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.1, 8.0
VIEW_KEYS = "Ctrl+Plus and Ctrl+Minus zoom, Ctrl+0 fits, arrow keys move a zoomed photo."


class PhotoView(QScrollArea):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("photoView")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWidgetResizable(False)
        # The picture itself takes focus, so screen readers meet an image named "Photo view"
        # whose description is the photo's; arrow keys it ignores scroll this area.
        self.picture = QLabel()
        self.picture.setAccessibleName("Photo view")
        self.picture.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setText("No photo")
        self.setWidget(self.picture)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFocusProxy(self.picture)
        self.image: QImage | None = None
        self.summary = ""
        self.zoom: float | None = None  # None: fit to the window

    def show_image(self, image: QImage | None, summary: str = "") -> None:
        self.image = image
        self.summary = summary
        if image is None:
            self.picture.setPixmap(QPixmap())
            self.picture.setText(summary or "No photo")
            self.picture.adjustSize()
            self._describe()
            return
        self._render()

    def _describe(self) -> None:
        """The view's own description: what it shows, at what size, and its keys. Set only when
        it changes: each change is an event a screen reader has to handle."""
        if self.image is None:
            words = self.summary or "No photo."
        else:
            size = ("fitted to the window" if self.zoom is None
                    else f"at {round(self.current_factor() * 100)} percent")
            words = f"{self.summary} Shown {size}. {VIEW_KEYS}".strip()
        if self.picture.accessibleDescription() != words:
            self.picture.setAccessibleDescription(words)

    def zoom_in(self) -> float:
        return self._set_zoom((self.zoom or self.fit_factor()) * ZOOM_STEP)

    def zoom_out(self) -> float:
        return self._set_zoom((self.zoom or self.fit_factor()) / ZOOM_STEP)

    def fit(self) -> None:
        self.zoom = None
        self._render()

    def current_factor(self) -> float:
        return self.zoom if self.zoom is not None else self.fit_factor()

    def fit_factor(self) -> float:
        if self.image is None or self.image.isNull():
            return 1.0
        area = self.viewport().size()
        return max(MIN_ZOOM, min(area.width() / self.image.width(),
                                 area.height() / self.image.height()))

    def _set_zoom(self, factor: float) -> float:
        self.zoom = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        self._render()
        return self.zoom

    def _render(self) -> None:
        if self.image is None:
            return
        factor = self.current_factor()
        size = self.image.size() * factor
        pixmap = QPixmap.fromImage(self.image).scaled(
            size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
        self.picture.setPixmap(pixmap)
        self.picture.resize(pixmap.size())
        self._describe()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.zoom is None:
            self._render()
