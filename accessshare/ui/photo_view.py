"""The photo, large, for low-vision contributors: zoom in and out, fit to the window, and a
high-contrast rendering. Keyboard focusable; arrow keys scroll a zoomed photo.

A photo is decoded and scaled on the ``PreviewLoader``'s thread, a moment after the user
stops on it: right after an arrow key the UI thread answers the screen reader reading the new
list item, and decoding every photo passed over cost the machine that time.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea

from accessshare.ui.workers import PreviewLoader

ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.1, 8.0
VIEW_KEYS = "Ctrl+Plus and Ctrl+Minus zoom, Ctrl+0 fits, arrow keys move a zoomed photo."
UNFOCUSED = f"The current photo, large. {VIEW_KEYS}"
# After the last move the photo is decoded: by then a screen reader has read the new list item
# (measured under Orca: 150-250 ms), and decoding and painting no longer slow that reading.
SETTLE_MS = 300


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
        self.picture.installEventFilter(self)
        self.picture.setAccessibleDescription(UNFOCUSED)
        self.image: QImage | None = None
        self.summary = ""
        self.zoom: float | None = None  # None: fit to the window
        self._wanted: tuple | None = None  # (photo, summary, high contrast) to show next
        self._fitted: QImage | None = None  # the loader's copy fitted to the viewport
        self.loader = PreviewLoader()
        self.loader.loaded.connect(self._loaded)
        self.loader.failed.connect(self._failed)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._load)

    def show_photo(self, photo, summary: str, high_contrast: bool, at_once: bool = False) -> None:
        """Show ``photo`` once the user stops on it (``at_once``: now, as after a new look)."""
        self._wanted = (photo, summary, high_contrast)
        if at_once:
            self._load()
        else:
            self._settle.start()

    def _load(self) -> None:
        self._settle.stop()
        if self._wanted is not None:
            photo, _summary, high_contrast = self._wanted
            self.loader.request(photo, high_contrast, self.viewport().size())

    def _loaded(self, photo_id: str, image: QImage, fitted: QImage) -> None:
        if self._wanted is not None and self._wanted[0].id == photo_id:
            self._fitted = fitted if not fitted.isNull() else None
            self.show_image(image, self._wanted[1])

    def _failed(self, photo_id: str, message: str) -> None:
        if self._wanted is not None and self._wanted[0].id == photo_id:
            self.show_image(None, message)

    def clear(self, summary: str = "No photo") -> None:
        self._wanted = None
        self._settle.stop()
        self.show_image(None, summary)

    def show_image(self, image: QImage | None, summary: str = "") -> None:
        self.image = image
        self.summary = summary
        if image is None:
            self._fitted = None
        if image is None:
            self.picture.setPixmap(QPixmap())
            self.picture.setText(summary or "No photo")
            self.picture.adjustSize()
            self._describe()
            return
        self._render()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if watched is self.picture and event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            self._describe()  # before Qt tells screen readers about the focus
        return False

    def _describe(self) -> None:
        """The view's own description: while it has focus, what it shows, at what size, and its
        keys; without focus, what the view is for. It changes only as focus comes and goes:
        each change is an event every screen reader handles, and on every arrow key in the
        photo list that was one more event in the way of reading the new photo."""
        if not self.picture.hasFocus():
            words = UNFOCUSED
        elif self.image is None:
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
        fitted = self._fitted
        if (self.zoom is None and fitted is not None
                and abs(fitted.width() - size.width()) <= 1 and abs(fitted.height() - size.height()) <= 1):
            pixmap = QPixmap.fromImage(fitted)  # scaled on the loader's thread already
        else:
            pixmap = QPixmap.fromImage(self.image).scaled(
                size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
        self.picture.setPixmap(pixmap)
        self.picture.resize(pixmap.size())
        self._describe()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.zoom is None:
            self._render()
