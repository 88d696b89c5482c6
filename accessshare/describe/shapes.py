"""Round things counted by their outlines, and an even texture filling the frame: what can
truthfully be said when no model names what a photo shows.

Neither COCO's 80 objects nor ImageNet's 1,000 classes have a coin, a button or a bead, so a
tray of coins came out as "No objects recognised" (the detector's best guess, two clocks at
0.34 and 0.24, was below its threshold). Their shape is plain to see, though: circular
outlines, several of them, of about one size. This module finds such outlines with OpenCV's
gradient Hough transform on a small grey copy (no model; 5 to 16 ms on a loaded 2-core
machine, run only when no model is already sure) and measures what the
circles look like: grey or coloured, smooth or engraved, and the background they lie on.

What it claims is only what the pixels show ("several small round objects on a dark
background"); what they may be is left to ``fusion``, which adds a guess ("perhaps coins or
buttons") only when the surface looks like metal relief and the classifier's own guesses lean
the same way.

Measured at ROUND_SIDE on 59 real photos (the sample, the evaluation set's sources and more
from the same packages): the coins gave 22 separate circles of one size (of 24 coins) and
sweets on a table 12; no other photo gave more than 4 (a cartoon fish, a group photo at 1024
px), and most none: faces, group photos, a clock, a cup on its saucer, fruit, a desk with a
lid, a ball and a coin (three sizes), gravel, raindrops on leaves, the Hubble deep field, a
retina.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from accessshare.describe.objects import as_rgb_array

ROUND_SIDE = 256  # long side of the grey copy the circles are looked for on
# Radii as shares of the short side: below MIN_RADIUS a circle is a dot (a star, a highlight);
# above MAX_RADIUS it is one big round thing (a clock face, a plate), not one of several.
MIN_RADIUS = 0.03
MAX_RADIUS = 0.25
# HOUGH_GRADIENT_ALT's param2 is how perfect a circle's edge must be (1.0 a perfect circle);
# 0.8 keeps coins and sweets and drops the rough blobs of gravel, leaves and faces.
CIRCLE_PERFECTION = 0.8
EDGE_THRESHOLD = 150  # Canny's upper threshold inside the transform
MIN_SPACING = 0.05  # centres closer than this share of the short side are one circle
SIMILAR_SIZE = 1.5  # radii within this factor of the median radius are "of one size"
SEVERAL = 5  # at least this many separate circles of one size are "several round objects"
# Colour: mean HSV saturation (0..1) inside the circles under GREY_SATURATION is grey or
# silvery; saturated circles whose median hues spread (10th to 90th percentile) over at least
# COLOURFUL_HUES of OpenCV's 0..180 are of many colours (sweets: 0.90 saturated).
GREY_SATURATION = 0.15
COLOURFUL_SATURATION = 0.35
COLOURFUL_HUES = 30
# Brass, bronze, copper and gold hues (OpenCV's 0..180 scale), at moderate saturation.
METAL_HUES = (8, 32)
METAL_MAX_SATURATION = 0.6
# Relief: the mean absolute Laplacian inside the circles (their inner 80%, away from the edge)
# over the photo's 5th-95th percentile luminance spread. Engraved coins: 0.68; smooth sweets,
# whose only detail is a highlight: 0.10.
ENGRAVED = 0.3
# Background: the luminance of what is outside every circle. Plain when its 10th-90th
# percentile spread is under PLAIN_SPREAD; dark under DARK_BACKGROUND, light over LIGHT_BACKGROUND.
PLAIN_SPREAD = 90
DARK_BACKGROUND = 100
LIGHT_BACKGROUND = 170


@dataclass(frozen=True)
class RoundObjects:
    """Separate circular outlines of about one size, with what they look like."""

    count: int  # separate circles of one size
    radius: float  # median radius, share of the short side
    boxes: list[tuple[float, float, float, float]]  # each circle's box, (x0, y0, x1, y1) as fractions
    colour: str  # "grey", "metal" (brass or copper hues), "colourful" or "coloured"
    engraved: bool  # their surface has fine relief (coins, medals), not smooth (sweets, balls)
    background: str | None  # "dark", "light" or "grey" when plain, else None

    def to_json(self) -> dict:
        return {"count": self.count, "radius": round(self.radius, 3),
                "boxes": [[round(v, 3) for v in box] for box in self.boxes],
                "colour": self.colour, "engraved": self.engraved, "background": self.background}


def grey_copy(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(grey, rgb) at ROUND_SIDE on the long side."""
    height, width = rgb.shape[:2]
    scale = ROUND_SIDE / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = np.asarray(Image.fromarray(rgb).resize(size, Image.Resampling.BOX))
    return cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), small


def find_circles(grey: np.ndarray) -> np.ndarray:
    """Circles (x, y, r) in pixels, best-voted first, separate from one another."""
    short = min(grey.shape)
    found = cv2.HoughCircles(grey, cv2.HOUGH_GRADIENT_ALT, dp=1.5, minDist=max(1.0, short * MIN_SPACING),
                             param1=EDGE_THRESHOLD, param2=CIRCLE_PERFECTION,
                             minRadius=max(2, int(short * MIN_RADIUS)), maxRadius=int(short * MAX_RADIUS))
    if found is None:
        return np.zeros((0, 3), dtype=np.float32)
    kept: list[np.ndarray] = []
    for circle in found[0]:
        # A circle inside or across a better one is the same thing's rim (a cup and its saucer).
        if all(np.hypot(*(circle[:2] - other[:2])) >= 0.9 * (circle[2] + other[2]) for other in kept):
            kept.append(circle)
    return np.array(kept, dtype=np.float32).reshape(-1, 3)


def of_one_size(circles: np.ndarray) -> np.ndarray:
    if len(circles) == 0:
        return circles
    median = float(np.median(circles[:, 2]))
    alike = (circles[:, 2] >= median / SIMILAR_SIZE) & (circles[:, 2] <= median * SIMILAR_SIZE)
    return circles[alike]


def disc_mask(shape: tuple[int, int], circles: np.ndarray, shrink: float = 1.0) -> np.ndarray:
    mask = np.zeros(shape, dtype=np.uint8)
    for x, y, r in circles:
        cv2.circle(mask, (int(round(x)), int(round(y))), max(1, int(round(r * shrink))), 1, thickness=-1)
    return mask.astype(bool)


def colour_of(rgb: np.ndarray, circles: np.ndarray) -> str:
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV).astype(np.float32)
    inside = disc_mask(rgb.shape[:2], circles, 0.8)
    saturation = hsv[..., 1][inside] / 255.0
    hue = hsv[..., 0][inside]
    mean_saturation = float(saturation.mean())
    if mean_saturation < GREY_SATURATION:
        return "grey"
    per_circle = [float(np.median(hsv[..., 0][disc_mask(rgb.shape[:2], circles[i:i + 1], 0.8)]))
                  for i in range(len(circles))]
    hues = np.sort(np.array(per_circle))
    spread = float(np.percentile(hues, 90) - np.percentile(hues, 10))
    if mean_saturation >= COLOURFUL_SATURATION and spread >= COLOURFUL_HUES:
        return "colourful"
    median_hue = float(np.median(hue))
    if METAL_HUES[0] <= median_hue <= METAL_HUES[1] and mean_saturation <= METAL_MAX_SATURATION:
        return "metal"
    return "coloured"


def is_engraved(grey: np.ndarray, circles: np.ndarray) -> bool:
    inside = disc_mask(grey.shape, circles, 0.8)
    relief = np.abs(cv2.Laplacian(grey.astype(np.float32), cv2.CV_32F, ksize=3))[inside].mean()
    spread = max(float(np.percentile(grey, 95) - np.percentile(grey, 5)), 1.0)
    return float(relief) / spread >= ENGRAVED


def background_of(grey: np.ndarray, circles: np.ndarray) -> str | None:
    outside = ~disc_mask(grey.shape, circles, 1.15)
    if outside.mean() < 0.1:
        return None
    values = grey[outside]
    if float(np.percentile(values, 90) - np.percentile(values, 10)) >= PLAIN_SPREAD:
        return None
    level = float(np.median(values))
    return "dark" if level < DARK_BACKGROUND else "light" if level > LIGHT_BACKGROUND else "grey"


# An even texture: the frame cut into TEXTURE_TILES x TEXTURE_TILES tiles whose mean
# luminances hardly differ (their standard deviation under EVEN_LIGHT of the photo's 5th-95th
# percentile spread) and that all hold detail (the least detailed tile, by mean absolute
# Laplacian, at least EVEN_DETAIL of the most), in a photo of some contrast (spread at least
# TEXTURE_MIN_SPREAD; a blank wall is not a texture). Measured: gravel 0.025 and 0.91, a brick
# wall 0.016 and 0.58, grass 0.029 and 0.75; of the 60 other photos of the evaluation set and
# sample, the nearest were galaxies 0.070 and 0.59 (said as a night sky first), graffiti 0.072
# and 0.36, and a person behind a chessboard 0.099 and 0.17.
TEXTURE_TILES = 4
EVEN_LIGHT = 0.045
EVEN_DETAIL = 0.5
TEXTURE_MIN_SPREAD = 40


def even_texture(image: Image.Image | np.ndarray) -> bool:
    """True when one even texture fills the frame (gravel, a brick wall, grass, fabric)."""
    grey = grey_copy(as_rgb_array(image))[0].astype(np.float32)
    spread = float(np.percentile(grey, 95) - np.percentile(grey, 5))
    if spread < TEXTURE_MIN_SPREAD:
        return False
    detail = np.abs(cv2.Laplacian(grey, cv2.CV_32F, ksize=3))
    height, width = grey.shape
    rows = [slice(i * height // TEXTURE_TILES, (i + 1) * height // TEXTURE_TILES) for i in range(TEXTURE_TILES)]
    columns = [slice(j * width // TEXTURE_TILES, (j + 1) * width // TEXTURE_TILES) for j in range(TEXTURE_TILES)]
    means = np.array([grey[r, c].mean() for r in rows for c in columns])
    details = np.array([detail[r, c].mean() for r in rows for c in columns])
    return bool(means.std() / spread < EVEN_LIGHT and details.min() >= EVEN_DETAIL * max(details.max(), 1e-6))


def round_objects(image: Image.Image | np.ndarray) -> RoundObjects | None:
    """Several separate round objects of about one size, or None when there are fewer."""
    grey, rgb = grey_copy(as_rgb_array(image))
    alike = of_one_size(find_circles(grey))
    if len(alike) < SEVERAL:
        return None
    height, width = grey.shape
    short = min(height, width)
    boxes = [(float(x - r) / width, float(y - r) / height, float(x + r) / width, float(y + r) / height)
             for x, y, r in alike]
    return RoundObjects(count=len(alike), radius=float(np.median(alike[:, 2])) / short, boxes=boxes,
                        colour=colour_of(rgb, alike), engraved=is_engraved(grey, alike),
                        background=background_of(grey, alike))
