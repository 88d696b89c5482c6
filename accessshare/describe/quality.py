"""Photo quality without a model: blur, exposure, contrast, and how the main subject is framed.

Blur is the variance of the Laplacian on a fixed-size grey copy, so the thresholds hold for any
photo size. Exposure and contrast come from the luminance histogram. Framing uses the main
subject's box (the largest detected object or face), as fractions 0..1 of the upright photo.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PIL import Image

WORKING_SIDE = 512  # long side of the grey copy every measure runs on
SLIGHTLY_BLURRY = 60.0  # Laplacian variance below this: soft; below VERY_BLURRY: no fine detail
VERY_BLURRY = 20.0
DARK_MEAN = 60  # mean luminance 0..255
DARK_SHARE = 0.70  # ... or this share of pixels below DARK_LEVEL
DARK_LEVEL = 50
BRIGHT_MEAN = 200
BRIGHT_SHARE = 0.45  # ... or this share of pixels above BRIGHT_LEVEL (washed out)
BRIGHT_LEVEL = 235
LOW_CONTRAST_SPREAD = 40  # 5th to 95th percentile of luminance
EDGE_MARGIN = 0.02  # a subject box this close to an edge is cut off by it
SMALL_SUBJECT_AREA = 0.12

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Quality:
    sharpness: float  # Laplacian variance on the working copy
    blur: str | None  # None, "slightly blurry" or "very blurry"
    brightness: float  # mean luminance 0..255
    contrast: float  # 5th..95th percentile spread
    dark: bool
    bright: bool
    low_contrast: bool
    cropped_edges: tuple[str, ...] = field(default_factory=tuple)  # "top", "bottom", "left", "right"
    small: bool = False

    @property
    def flags(self) -> list[str]:
        """The issue's quality flags, in a fixed order (without ``duplicate``)."""
        named = [("blurry", self.blur is not None), ("dark", self.dark), ("bright", self.bright),
                 ("low-contrast", self.low_contrast), ("cropped", bool(self.cropped_edges)),
                 ("small", self.small)]
        return [name for name, present in named if present]

    def to_json(self) -> dict:
        return {"sharpness": round(self.sharpness, 1), "blur": self.blur,
                "brightness": round(self.brightness, 1), "contrast": round(self.contrast, 1),
                "cropped_edges": list(self.cropped_edges), "small": self.small}


def grey_working_copy(image: Image.Image | np.ndarray) -> np.ndarray:
    """Luminance as float32, long side WORKING_SIDE (downscaling only)."""
    picture = image if isinstance(image, Image.Image) else Image.fromarray(np.asarray(image))
    grey = picture.convert("L")
    scale = WORKING_SIDE / max(grey.size)
    if scale < 1:
        size = (max(1, round(grey.width * scale)), max(1, round(grey.height * scale)))
        grey = grey.resize(size, Image.Resampling.BILINEAR)
    return np.asarray(grey, dtype=np.float32)


def laplacian_variance(grey: np.ndarray) -> float:
    if grey.shape[0] < 3 or grey.shape[1] < 3:
        return 0.0
    centre = grey[1:-1, 1:-1]
    laplacian = (grey[:-2, 1:-1] + grey[2:, 1:-1] + grey[1:-1, :-2] + grey[1:-1, 2:]) - 4 * centre
    return float(laplacian.var())


def blur_level(sharpness: float, contrast: float) -> str | None:
    # A flat, low-contrast scene has little detail to begin with; judge its edges relative to
    # its contrast so a plain wall is not called blurry for being plain.
    scaled = sharpness * (100.0 / max(contrast, 25.0)) ** 2 if contrast < 100 else sharpness
    if scaled < VERY_BLURRY:
        return "very blurry"
    if scaled < SLIGHTLY_BLURRY:
        return "slightly blurry"
    return None


def cropped_edges(box: Box | None) -> tuple[str, ...]:
    if box is None:
        return ()
    x0, y0, x1, y1 = box
    if (x1 - x0) > 1 - 2 * EDGE_MARGIN and (y1 - y0) > 1 - 2 * EDGE_MARGIN:
        return ()  # a subject filling the frame is a close-up, not a cut-off
    top, bottom = y0 <= EDGE_MARGIN, y1 >= 1 - EDGE_MARGIN
    left, right = x0 <= EDGE_MARGIN, x1 >= 1 - EDGE_MARGIN
    # Touching both opposite edges means the subject spans the frame (a close-up), not a cut.
    edges = [("top", top and not bottom), ("bottom", bottom and not top),
             ("left", left and not right), ("right", right and not left)]
    return tuple(name for name, touches in edges if touches)


def box_area(box: Box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def assess(image: Image.Image | np.ndarray, subject_box: Box | None = None) -> Quality:
    """Measure ``image``; ``subject_box`` is the main subject, if one was detected."""
    grey = grey_working_copy(image)
    low, high = np.percentile(grey, [5, 95])
    contrast = float(high - low)
    brightness = float(grey.mean())
    sharpness = laplacian_variance(grey)
    dark = brightness < DARK_MEAN or float((grey < DARK_LEVEL).mean()) > DARK_SHARE
    bright = brightness > BRIGHT_MEAN or float((grey > BRIGHT_LEVEL).mean()) > BRIGHT_SHARE
    return Quality(
        sharpness=sharpness, blur=blur_level(sharpness, contrast), brightness=brightness,
        contrast=contrast, dark=dark, bright=bright,
        low_contrast=contrast < LOW_CONTRAST_SPREAD and not (dark or bright),
        cropped_edges=cropped_edges(subject_box),
        small=subject_box is not None and box_area(subject_box) < SMALL_SUBJECT_AREA,
    )
