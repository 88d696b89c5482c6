"""Photo quality without a model: blur, exposure, contrast, and how the main subject is framed.

Blur is the variance of the Laplacian on a fixed-size grey copy, so the thresholds hold for any
photo size. Exposure and contrast come from the luminance histogram, judged against what the
photo shows: a page of print is meant to be mostly white and a sky to be bright, so neither is
"too bright"; a night scene with lights in it is dark by nature, not under-exposed. Framing uses
the main subject's important part: for a person the face (a body cut at the waist is a portrait,
a face cut by the edge is not), for an object its box (as fractions 0..1 of the upright photo).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PIL import Image

WORKING_SIDE = 512  # long side of the grey copy every measure runs on
SLIGHTLY_BLURRY = 60.0  # Laplacian variance below this: soft; below VERY_BLURRY: no fine detail
VERY_BLURRY = 20.0
# Sharpness is that of the sharpest of 4x4 tiles (or of the whole, if sharper): a subject in
# focus before a soft background, or a field under a smooth sky, is not a blurry photo, while
# a blurred or shaken photo is soft everywhere. Whole-photo variance called a ladybird macro
# (449 in its sharpest tile) and a storm over a field (140) blurry.
SHARPNESS_TILES = 4
# Dark: mean luminance (0..255) under DARK_MEAN, or over DARK_SHARE of the pixels under
# DARK_LEVEL, and nothing in the photo bright: its 99.5th percentile under DARK_HIGHLIGHT. A
# night sky with stars (189) or a dim party lit by lamps (160) has highlights and is a dark
# scene, not a dark photo; an under-exposed photo has none (the darkened sample mug: 47).
DARK_MEAN = 60
DARK_SHARE = 0.70
DARK_LEVEL = 50
DARK_HIGHLIGHT_PERCENTILE = 99.5
DARK_HIGHLIGHT = 150
# Too bright: a mean over BRIGHT_MEAN, or over BRIGHT_SHARE of the pixels above BRIGHT_LEVEL,
# or over BRIGHT_CLIPPED blown out (at or over CLIPPED_LEVEL, where detail is lost). The sky
# (when the top third is sky) is left out of the count, and a page of print whose text was
# read is never too bright for being white (a white receipt was "too bright" before).
BRIGHT_MEAN = 200
BRIGHT_SHARE = 0.45
BRIGHT_LEVEL = 235
CLIPPED_LEVEL = 250
BRIGHT_CLIPPED = 0.20
# A white background: over WHITE_BACKGROUND of the photo blown out, while the rest keeps its
# contrast (5th-95th percentile spread of at least WHITE_CONTENT_SPREAD) and is not light
# itself (mean under WHITE_CONTENT_MEAN). Sweets and a drawing on white paper are meant to be
# so; a photo brightened until it washes out (the rest's mean 136, 24% blown) is not spared.
WHITE_BACKGROUND = 0.5
WHITE_CONTENT_SPREAD = 60
WHITE_CONTENT_MEAN = 150
LOW_CONTRAST_SPREAD = 40  # 5th to 95th percentile of luminance
# Cut off: the subject's important part within EDGE_MARGIN of an edge. For a face, any edge
# (a face or head cut by the frame). For a person whose face is not seen (cut away, or turned
# away), the person's box at the top or a side; the bottom is where portraits end. For an
# object, an edge it touches while not touching the opposite one: it plainly continues past
# the frame, where a box spanning the frame is a close-up. An object spanning one axis of the
# frame and nearly all (CLOSE_UP_OTHER) of the other is a close-up on every side (the sample
# cat, whose back runs out of the left of a frame it fills).
EDGE_MARGIN = 0.02
FACE_EDGE_MARGIN = 0.01  # face boxes are tight around the face: at the edge means cut
CLOSE_UP = 1 - 2 * EDGE_MARGIN
CLOSE_UP_OTHER = 0.85
PARTS = ("face", "person", "object", "unsure object")  # an unsure object is never "small"
SMALL_SUBJECT_AREA = 0.12  # a subject box under this share of the photo is small (MYCam)

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


def cropped_edges(box: Box | None, part: str = "object") -> tuple[str, ...]:
    """The edges that cut the subject off. ``box`` is its important part, and ``part`` says
    what that is: "face", "person" (a person whose face is not seen) or "object"."""
    if box is None:
        return ()
    x0, y0, x1, y1 = box
    margin = FACE_EDGE_MARGIN if part == "face" else EDGE_MARGIN
    top, bottom = y0 <= margin, y1 >= 1 - margin
    left, right = x0 <= margin, x1 >= 1 - margin
    if part == "face":  # any cut through a face counts, even a face so close it fills the frame
        edges = [("top", top), ("bottom", bottom), ("left", left), ("right", right)]
    elif part == "person":
        edges = [("top", top), ("left", left and not right), ("right", right and not left)]
    else:  # an object, sure or not
        width, height = x1 - x0, y1 - y0
        if (width > CLOSE_UP and height > CLOSE_UP_OTHER) or (height > CLOSE_UP and width > CLOSE_UP_OTHER):
            return ()  # a subject filling the frame is a close-up, not a cut-off
        edges = [("top", top and not bottom), ("bottom", bottom and not top),
                 ("left", left and not right), ("right", right and not left)]
    return tuple(name for name, touches in edges if touches)


def is_dark(grey: np.ndarray) -> bool:
    underexposed = float(grey.mean()) < DARK_MEAN or float((grey < DARK_LEVEL).mean()) > DARK_SHARE
    return underexposed and float(np.percentile(grey, DARK_HIGHLIGHT_PERCENTILE)) < DARK_HIGHLIGHT


def is_bright(grey: np.ndarray, sky: bool = False, printed: bool = False) -> bool:
    if printed:
        return False
    if sky:  # judge the land below the sky band, not the sky
        grey = grey[grey.shape[0] // 3:]
    clipped = float((grey >= CLIPPED_LEVEL).mean())
    washed = float(grey.mean()) > BRIGHT_MEAN or float((grey > BRIGHT_LEVEL).mean()) > BRIGHT_SHARE
    if not (clipped > BRIGHT_CLIPPED or washed):
        return False
    content = grey[grey < BRIGHT_LEVEL]
    if clipped > WHITE_BACKGROUND and content.size:
        low, high = np.percentile(content, [5, 95])
        if high - low >= WHITE_CONTENT_SPREAD and float(content.mean()) < WHITE_CONTENT_MEAN:
            return False  # things on a white background
    return True


def sharpest_tile(grey: np.ndarray) -> float:
    """Laplacian variance of the whole, or of the sharpest tile if that is sharper."""
    height, width = grey.shape
    tiles = [grey[row * height // SHARPNESS_TILES:(row + 1) * height // SHARPNESS_TILES,
                  col * width // SHARPNESS_TILES:(col + 1) * width // SHARPNESS_TILES]
             for row in range(SHARPNESS_TILES) for col in range(SHARPNESS_TILES)]
    return max([laplacian_variance(grey)] + [laplacian_variance(tile) for tile in tiles])


def box_area(box: Box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def assess(image: Image.Image | np.ndarray, subject_box: Box | None = None, *, part: str = "object",
           sky: bool = False, printed: bool = False) -> Quality:
    """Measure ``image``. ``subject_box`` is the main subject's important part, if one was
    detected, and ``part`` what that is (see ``cropped_edges``); ``sky``: the top third is sky;
    ``printed``: the photo is a page of print whose text was read."""
    grey = grey_working_copy(image)
    low, high = np.percentile(grey, [5, 95])
    contrast = float(high - low)
    sharpness = sharpest_tile(grey)
    dark, bright = is_dark(grey), is_bright(grey, sky, printed)
    # A face is small at any size a person would take it; "small" is about objects.
    small = (subject_box is not None and part in ("person", "object")
             and box_area(subject_box) < SMALL_SUBJECT_AREA)
    return Quality(
        sharpness=sharpness, blur=blur_level(sharpness, contrast), brightness=float(grey.mean()),
        contrast=contrast, dark=dark, bright=bright,
        low_contrast=contrast < LOW_CONTRAST_SPREAD and not (dark or bright),
        cropped_edges=cropped_edges(subject_box, part), small=small,
    )
