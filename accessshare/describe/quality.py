"""Photo quality without a model: blur, exposure, contrast, and how the main subject is framed.

Blur is the variance of the Laplacian on a fixed-size grey copy, so the thresholds hold for any
photo size. Exposure and contrast come from the luminance histogram, judged against what the
photo shows: a page of print is meant to be mostly white and a sky to be bright, so neither is
"too bright"; a night scene with lights in it is dark by nature, not under-exposed; over-exposure
is detail blown out on the subject. Framing uses the main subject (``main_subject``: what the
sentence names, largest first) and its important part: for a person the face (a body cut at the
waist is a portrait, a face cut by the edge is not), for an object its box (as fractions 0..1 of
the upright photo).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from accessshare.describe import fusion
from accessshare.describe.phrasing import HEDGED, STATED

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
# Too bright: detail lost over a large area, and on the subject. Over BRIGHT_CLIPPED of the
# photo blown out (at or over CLIPPED_LEVEL, where nothing is left to see) or over BRIGHT_SHARE
# nearly so (over BRIGHT_LEVEL), and at least SUBJECT_CLIPPED of the subject's core blown (the
# middle half of its box, clear of the background in its corners; without a subject, of the
# frame). A pale photo is not blown: pale wood (mean 209, nothing over 235) keeps its grain,
# and was "too bright" when a high mean sufficed. A white background is not the subject:
# playing cards on white (58% blown, 3% of the frame's core; the cards themselves 245) are
# well exposed, as a cartoon on white (52%, 9%) or a bright window behind people is. Brightening
# a photo blows its subject: fruit x3 (20% blown, 17% of the core), a cameraman x1.6 (his
# face). The sky (when the top third is sky) is left out of the count, and a page of print
# whose text was read is never too bright for being white (a white receipt was before).
CLIPPED_LEVEL = 250
BRIGHT_CLIPPED = 0.15
BRIGHT_LEVEL = 235
BRIGHT_SHARE = 0.45
SUBJECT_CLIPPED = 0.13
# Without a subject found, things on a white surface that shows between them (sweets on a
# white table: 73% of the frame's core blown) are not too bright either: over WHITE_BACKGROUND of the photo blown, the frame's border nearly all white
# (WHITE_BORDER), and the rest (at least WHITE_CONTENT_MIN of the photo) keeping its contrast
# (5th-95th percentile spread of at least WHITE_CONTENT_SPREAD) without being light itself
# (mean under WHITE_CONTENT_MEAN). A photo brightened until it washes out fails one of them: an
# astronaut x3 has half its border blown, a card table x1.6 only 3% of it left unblown.
WHITE_BACKGROUND = 0.5
WHITE_BORDER = 0.8
WHITE_CONTENT_MIN = 0.1
WHITE_CONTENT_LEVEL = 235  # lighter than this is part of the white, not of the things on it
WHITE_CONTENT_SPREAD = 60
WHITE_CONTENT_MEAN = 150
# Low contrast: even the darkest and the lightest hundredth of the photo (1st and 99th
# percentiles of luminance) lie within LOW_CONTRAST_SPREAD levels, so everything in it is
# faint. Small details carry contrast too: the 5th-95th percentile spread called playing cards
# on white low contrast (27 levels; their red pips, under 5% of the photo, make it 162) once
# they were no longer "too bright"; pale wood's grain makes 53. A coffee cup at a fifth of its
# contrast spans 47.
LOW_CONTRAST_SPREAD = 50
# Cut off: judged by the main subject's important part (see main_subject) within EDGE_MARGIN
# of an edge, never by whatever box touches one.
# - A face: any edge it touches; a face or head cut by the frame is cut off.
# - A person whose face is not seen (turned away, or too small to find): the top, where the
#   head is, and a side only when little of the body is left inside: a box at that side
#   narrower than PERSON_SLIVER of its height (a standing person is a third to half as wide
#   as tall: a man turned away at the edge of a hall, his head and body inside, is 0.42), or
#   when the person fills a strip (below); the bottom is where portraits end.
# - An object: an edge it touches while not touching the opposite one, so it plainly
#   continues past the frame; a box spanning the frame is a close-up. An object spanning one
#   axis and nearly all (CLOSE_UP_OTHER) of the other is a close-up on every side (the sample
#   cat, whose back runs out of the left of a frame it fills).
# - Unless the frame is a strip, its short side under STRIP_ASPECT of its long one: no camera
#   frames one (the narrowest, 16:9, is 0.5625; a threshold above that called every 16:9
#   photo of a bird on a trunk cut at top and bottom), so it was cut from a wider photo, and a subject
#   spanning the strip continues past both long sides (the left third of a square photo of a
#   dog, 0.33, "May show a cat" with no flag before; a cat on its side, 0.67, is a close-up).
EDGE_MARGIN = 0.02
FACE_EDGE_MARGIN = 0.01  # face boxes are tight around the face: at the edge means cut
PERSON_SLIVER = 0.25
CLOSE_UP = 1 - 2 * EDGE_MARGIN
CLOSE_UP_OTHER = 0.85
STRIP_ASPECT = 0.54
PARTS = ("face", "person", "object", "unsure object")  # an unsure object is never "small"
SMALL_SUBJECT_AREA = 0.12  # a subject box under this share of the photo is small (MYCam)
# The main subject: of the boxes the sentence names (at least HEDGED), the largest that it states
# plainly and that covers SMALL_SUBJECT_AREA, else the largest named at all. A label is stated
# when the detector is sure, or when the classifier names the same thing and makes it sure;
# its likeliest box then counts as stated (a half cup, 0.33, is "A cup." and the subject, not
# the hedged table under it). The classifier speaks of the whole photo, so a label it leaves
# unsure adds nothing to any box (a cut lemon half in a pile of fruit stays unnamed). Two
# people: the one stated (0.8, wholly inside) before the larger one hedged (0.48, at the edge).
# An unsure subject under SMALL_SUBJECT_AREA is no subject: a small unsure box is a side thing
# (a keyboard in the corner below a man holding up a chessboard) or a false find, and the
# photo's framing is not judged by it.

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


def cropped_edges(box: Box | None, part: str = "object", aspect: float = 1.0) -> tuple[str, ...]:
    """The edges that cut the subject off. ``box`` is its important part, ``part`` says what
    that is: "face", "person" (a person whose face is not seen) or "object" (sure or not), and
    ``aspect`` is the photo's width over its height."""
    if box is None:
        return ()
    x0, y0, x1, y1 = box
    margin = FACE_EDGE_MARGIN if part == "face" else EDGE_MARGIN
    top, bottom = y0 <= margin, y1 >= 1 - margin
    left, right = x0 <= margin, x1 >= 1 - margin
    strip = strip_sides(top, bottom, left, right, aspect)
    if part == "face":  # any cut through a face counts, even a face so close it fills the frame
        edges = [("top", top), ("bottom", bottom), ("left", left), ("right", right)]
    elif part == "person":
        sliver = (x1 - x0) * aspect < PERSON_SLIVER * (y1 - y0)  # in pixels, not fractions
        edges = [("top", top), ("left", (left and not right and sliver) or "left" in strip),
                 ("right", (right and not left and sliver) or "right" in strip)]
    elif strip:
        edges = [(name, True) for name in strip]
    elif (x1 - x0 > CLOSE_UP and y1 - y0 > CLOSE_UP_OTHER) or (y1 - y0 > CLOSE_UP and x1 - x0 > CLOSE_UP_OTHER):
        edges = []  # an object filling the frame is a close-up, not a cut-off
    else:
        edges = [("top", top and not bottom), ("bottom", bottom and not top),
                 ("left", left and not right), ("right", right and not left)]
    return tuple(name for name, touches in edges if touches)


def strip_sides(top: bool, bottom: bool, left: bool, right: bool, aspect: float) -> tuple[str, ...]:
    """The long sides of a strip cut from a photo, when the subject spans it (see STRIP_ASPECT)."""
    if min(aspect, 1 / aspect) >= STRIP_ASPECT:
        return ()
    if aspect < 1:
        return ("left", "right") if left and right else ()
    return ("top", "bottom") if top and bottom else ()


def is_dark(grey: np.ndarray) -> bool:
    underexposed = float(grey.mean()) < DARK_MEAN or float((grey < DARK_LEVEL).mean()) > DARK_SHARE
    return underexposed and float(np.percentile(grey, DARK_HIGHLIGHT_PERCENTILE)) < DARK_HIGHLIGHT


def is_bright(grey: np.ndarray, sky: bool = False, printed: bool = False, subject_box: Box | None = None) -> bool:
    """Detail lost to over-exposure over a large area and on the subject (see BRIGHT_CLIPPED)."""
    if printed:
        return False
    blown = grey >= CLIPPED_LEVEL
    land = slice(grey.shape[0] // 3 if sky else 0, None)  # judge the land below the sky band
    lost = float(blown[land].mean()) > BRIGHT_CLIPPED or float((grey[land] > BRIGHT_LEVEL).mean()) > BRIGHT_SHARE
    if not lost or float(core(blown, subject_box).mean()) < SUBJECT_CLIPPED:
        return False  # nothing much blown, or only around the subject: a white background, a window
    return subject_box is not None or not white_background(grey, blown)


def core(mask: np.ndarray, box: Box | None) -> np.ndarray:
    """The middle half (in each direction) of ``box`` (fractions) in ``mask``, or of the whole
    frame without a box: the subject's core, clear of the background its box's corners hold."""
    height, width = mask.shape
    x0, y0, x1, y1 = box if box is not None else (0.0, 0.0, 1.0, 1.0)
    x0, x1 = x0 + (x1 - x0) / 4, x1 - (x1 - x0) / 4
    y0, y1 = y0 + (y1 - y0) / 4, y1 - (y1 - y0) / 4
    top, left = min(int(y0 * height), height - 1), min(int(x0 * width), width - 1)
    return mask[top:max(top + 1, round(y1 * height)), left:max(left + 1, round(x1 * width))]


def white_background(grey: np.ndarray, blown: np.ndarray) -> bool:
    """Things on a white surface that shows between them (see WHITE_BACKGROUND)."""
    border = np.concatenate([blown[0], blown[-1], blown[:, 0], blown[:, -1]])
    content = grey[grey < WHITE_CONTENT_LEVEL]
    if float(blown.mean()) <= WHITE_BACKGROUND or float(border.mean()) < WHITE_BORDER:
        return False
    if content.size < WHITE_CONTENT_MIN * grey.size:
        return False
    low, high = np.percentile(content, [5, 95])
    return bool(high - low >= WHITE_CONTENT_SPREAD) and float(content.mean()) < WHITE_CONTENT_MEAN


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
    darkest, low, high, lightest = np.percentile(grey, [1, 5, 95, 99])
    contrast = float(high - low)
    sharpness = sharpest_tile(grey)
    dark, bright = is_dark(grey), is_bright(grey, sky, printed, subject_box)
    # A face is small at any size a person would take it; "small" is about objects.
    small = (subject_box is not None and part in ("person", "object")
             and box_area(subject_box) < SMALL_SUBJECT_AREA)
    return Quality(
        sharpness=sharpness, blur=blur_level(sharpness, contrast), brightness=float(grey.mean()),
        contrast=contrast, dark=dark, bright=bright,
        low_contrast=float(lightest - darkest) < LOW_CONTRAST_SPREAD and not (dark or bright),
        cropped_edges=cropped_edges(subject_box, part, grey.shape[1] / grey.shape[0]), small=small,
    )


def main_subject(objects: list[dict], faces: list[dict], things: list[dict] = ()) -> dict | None:
    """The likely subject and the part of it that framing is judged by, or None.

    ``objects``, ``faces`` and ``things`` are the detectors' and the classifier's findings as
    stored (see ``phrasing``); the subject is chosen as the comment above SMALL_SUBJECT_AREA
    says. For a person the part that matters is the face: a body cut at the waist is a
    portrait, a face cut by the edge is not. Returns {label, box, part}: ``box`` is what
    framing is judged by, ``part`` what that is (PARTS).
    """
    named = named_boxes(objects, faces, things)
    stated = [o for o in named if o["confidence"] >= STATED and box_area(o["box"]) >= SMALL_SUBJECT_AREA]
    subject = max(stated or named, key=lambda o: box_area(o["box"]), default=None)
    if subject is not None and subject["confidence"] < STATED and box_area(subject["box"]) < SMALL_SUBJECT_AREA:
        subject = None  # a small unsure box: a side thing or a false find
    largest_face = max(faces, key=lambda f: box_area(f["box"]), default=None)
    if subject is None and largest_face is None:
        return None
    if subject is None or subject["label"] == "person":
        if largest_face is not None:
            return {"label": "face", "box": largest_face["box"], "part": "face"}
        return {"label": "person", "box": subject["box"], "part": "person"}
    # An unsure object can be cut off, but "subject small" asks for a sure subject.
    return {"label": subject["label"], "box": subject["box"],
            "part": "object" if subject["confidence"] >= STATED else "unsure object"}


def named_boxes(objects: list[dict], faces: list[dict], things: list[dict]) -> list[dict]:
    """The boxes the sentence names, each as sure as it is said: at least HEDGED by the
    detector, or the likeliest box of a label the sentence states (``fusion.mentions``)."""
    said = {m.name: m.confidence for m in fusion.mentions({"objects": objects, "faces": faces, "things": things})
            if m.coco and m.confidence >= STATED}
    boxes, labels = [], set()
    for item in sorted(objects, key=lambda o: -o["confidence"]):
        if item["label"] not in labels:
            labels.add(item["label"])
            item = {**item, "confidence": max(item["confidence"], said.get(item["label"], 0.0))}
        if item["confidence"] >= HEDGED:
            boxes.append(item)
    return boxes
