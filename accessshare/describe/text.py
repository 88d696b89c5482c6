"""Text in a photo (signs, letters, labels, screens) and the personal data it may reveal.

The models are PP-OCRv6 small detection and recognition plus the mobile angle classifier, as
shipped inside the ``rapidocr`` wheel (Apache-2.0). We run them ourselves through
``get_session`` rather than through rapidocr's engine: thread counts stay under our control,
nothing can be downloaded, and the photo decoded once by the pipeline is reused.

Steps: detection gives a text-probability map (DB); each connected region above a threshold is
boxed by its minimum-area rotated rectangle, grown back to the full text extent; each line is
cut out along that rectangle (so a slightly tilted page does not mix neighbouring lines),
scaled to 48 px high and read by the recogniser, whose per-column class scores are decoded
greedily (CTC). Photos arrive upright, so the angle classifier only has to catch lines printed
upside down. Reported boxes are the axis-aligned bounds of the rectangles.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from importlib import metadata
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from accessshare.describe.objects import as_rgb_array
from accessshare.describe.onnx_session import default_intra_op_threads, get_session, lane_threads

DETECTION_FILE = "PP-OCRv6_det_small.onnx"
RECOGNITION_FILE = "PP-OCRv6_rec_small.onnx"
ANGLE_FILE = "ch_ppocr_mobile_v2.0_cls_mobile.onnx"

# read() runs the pipeline only when text_likelihood() reaches this (the gate the pipeline uses).
TEXT_GATE_THRESHOLD = 0.5
GATE_LONG_SIDE = 480  # the cheap gate: detection only, at a small size
READ_LONG_SIDE = 960  # full reading: small print on a 1024-px photo stays legible
PIXEL_THRESHOLD = 0.3  # DB: a pixel belongs to text above this probability
BOX_THRESHOLD = 0.6  # a region's mean probability must reach this to count as text
UNCLIP_RATIO = 1.6  # DB shrinks text regions in training; grow them back (rapidocr's default)
MAX_ENLARGEMENT = 4.0
MAX_LINE_HEIGHT = 0.3  # of the photo: taller regions are objects (a cup), not one line of text
MIN_BOX_SIDE = 4  # pixels of the detection map; smaller regions are specks
REC_HEIGHT = 48
REC_BATCH = 8
UPSIDE_DOWN_CONFIDENCE = 0.9
# Gate: text covering this fraction of the photo, or this many lines, counts as certain text.
FULL_TEXT_COVERAGE = 0.02
FULL_TEXT_LINES = 6
LINE_ELONGATION = 1.5
BLOB_WEIGHT = 0.25

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class TextLine:
    """One line of text: what it says, the recogniser's confidence 0..1, and where it is.

    ``box`` is (x0, y0, x1, y1) as fractions 0..1 of the upright image.
    """

    text: str
    confidence: float
    box: Box

    def to_json(self) -> dict:
        return {"text": self.text, "confidence": self.confidence, "box": list(self.box)}


@dataclass(frozen=True)
class PersonalData:
    """A piece of text that identifies or locates someone: ``kind`` and the matched text."""

    kind: str
    text: str


def rapidocr_models_dir() -> Path:
    """The ``models`` folder inside the installed rapidocr package (found without importing it,
    since importing rapidocr pulls in its whole engine and logging setup)."""
    distribution = metadata.distribution("rapidocr")
    return Path(distribution.locate_file("rapidocr")) / "models"


def scaled_to_multiple_of_32(rgb: np.ndarray, long_side: int) -> np.ndarray:
    """Resize so the longest side is ``long_side`` and both sides are multiples of 32 (the
    detector halves the image five times). Small images are enlarged (at most 4x): the
    detector misses print whose letters are only a few pixels high."""
    height, width = rgb.shape[:2]
    scale = min(MAX_ENLARGEMENT, long_side / max(height, width))
    new_height = max(32, int(round(height * scale / 32)) * 32)
    new_width = max(32, int(round(width * scale / 32)) * 32)
    return cv2.resize(rgb, (new_width, new_height), interpolation=cv2.INTER_AREA)


def normalised_bgr_tensor(rgb_batch: np.ndarray) -> np.ndarray:
    """NHWC RGB uint8 -> NCHW BGR float in -1..1 (PaddleOCR trained on OpenCV's BGR)."""
    bgr = rgb_batch[..., ::-1].astype(np.float32)
    return np.ascontiguousarray(((bgr / 255.0 - 0.5) / 0.5).transpose(0, 3, 1, 2))


@dataclass(frozen=True)
class TextRegion:
    """One detected text region in detection-map pixels: its four corners (top-left,
    top-right, bottom-right, bottom-left of the rotated rectangle around it, grown back to the
    text's full extent), their axis-aligned bounds, and the region's mean text probability."""

    corners: np.ndarray
    score: float

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        (x0, y0), (x1, y1) = self.corners.min(axis=0), self.corners.max(axis=0)
        return float(x0), float(y0), float(x1), float(y1)


def text_regions(probability: np.ndarray) -> list[TextRegion]:
    """DB post-processing: connected regions of likely text, each boxed by its minimum-area
    rotated rectangle (a slightly tilted page keeps each line apart from its neighbours)."""
    mask = (probability > PIXEL_THRESHOLD).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=4)
    regions = []
    for index in range(1, count):
        x, y, w, h, area = stats[index]
        if min(w, h) < MIN_BOX_SIDE or (h > MAX_LINE_HEIGHT * probability.shape[0] and w < 2 * h):
            continue
        inside = labels[y:y + h, x:x + w] == index
        score = float(probability[y:y + h, x:x + w][inside].mean())
        if score < BOX_THRESHOLD:
            continue
        rows, columns = np.nonzero(inside)
        points = np.column_stack([columns + x, rows + y]).astype(np.float32)
        centre, (side_a, side_b), angle = cv2.minAreaRect(points)
        side_a, side_b = side_a + 1, side_b + 1  # pixel centres to pixel edges
        # Unclip as DB does: grow every side by area * ratio / perimeter.
        offset = area * UNCLIP_RATIO / (2 * (side_a + side_b))
        rectangle = (centre, (side_a + 2 * offset, side_b + 2 * offset), angle)
        regions.append(TextRegion(ordered_corners(cv2.boxPoints(rectangle)), score))
    return regions


def ordered_corners(corners: np.ndarray) -> np.ndarray:
    """Top-left, top-right, bottom-right, bottom-left (for the near-level lines of an upright
    photo: the smallest and largest x+y and y-x)."""
    total, difference = corners.sum(axis=1), corners[:, 1] - corners[:, 0]
    return corners[[total.argmin(), difference.argmin(), total.argmax(), difference.argmax()]]


def reading_order(boxes: list[Box]) -> list[int]:
    """Indices top to bottom, left to right within a row. A box joins the current row when its
    centre lies within half the smaller of its and the row's last box's heights (so one tall
    region cannot swallow the lines beside it)."""
    order = sorted(range(len(boxes)), key=lambda i: (boxes[i][1] + boxes[i][3]) / 2)
    rows: list[list[int]] = []
    for index in order:
        x0, y0, x1, y1 = boxes[index]
        if rows:
            last = boxes[rows[-1][-1]]
            distance = abs((y0 + y1) / 2 - (last[1] + last[3]) / 2)
            if distance < min(y1 - y0, last[3] - last[1]) / 2:
                rows[-1].append(index)
                continue
        rows.append([index])
    return [i for row in rows for i in sorted(row, key=lambda i: boxes[i][0])]


class TextReader:
    """Reads the lines of text in an upright photo; sessions are built on first use."""

    def __init__(self, min_confidence: float = 0.5, models_dir: str | Path | None = None):
        self.min_confidence = min_confidence
        self._models_dir = Path(models_dir) if models_dir else None

    @cached_property
    def models_dir(self) -> Path:
        return self._models_dir or rapidocr_models_dir()

    @property
    def version(self) -> str:
        try:
            package = metadata.version("rapidocr")
        except metadata.PackageNotFoundError:
            package = "unknown"
        return f"rapidocr-{package}-ppocrv6-small"

    def load(self) -> None:
        self._gate_detector, self._detector, self._recogniser, self._angle  # noqa: B018 (builds the sessions)
        self._characters  # noqa: B018

    # Input sizes change with every photo's aspect ratio and every line's length: no memory
    # arena. The gate runs in one of the describer's lanes, beside other models, so it gets a
    # lane's threads; reading runs alone, after them, with every thread.
    @cached_property
    def _gate_detector(self):
        return get_session(self.models_dir / DETECTION_FILE, lane_threads(), memory_arena=False)

    @cached_property
    def _detector(self):
        return get_session(self.models_dir / DETECTION_FILE, default_intra_op_threads(), memory_arena=False)

    @cached_property
    def _recogniser(self):
        return get_session(self.models_dir / RECOGNITION_FILE, default_intra_op_threads(), memory_arena=False)

    @cached_property
    def _angle(self):
        return get_session(self.models_dir / ANGLE_FILE, default_intra_op_threads(), memory_arena=False)

    @cached_property
    def _characters(self) -> list[str]:
        """CTC classes: 0 is blank, then the model's own character list, then a space."""
        listed = self._recogniser.get_modelmeta().custom_metadata_map["character"].splitlines()
        return ["", *listed, " "]

    def _text_probability(self, rgb: np.ndarray, long_side: int, session=None) -> np.ndarray:
        resized = scaled_to_multiple_of_32(rgb, long_side)
        output = (session or self._detector).run(None, {"x": normalised_bgr_tensor(resized[None])})[0]
        return output[0, 0]

    def text_likelihood(self, image: Image.Image | np.ndarray) -> float:
        """0..1: how likely the photo holds text worth reading, from detection alone at a small
        size. Lines (regions at least 1.5 times wider than tall) covering 2 % of the photo, or
        six of them, give 1; squarish or tall regions (a cat's ear, a zip) count a quarter of a
        line and never as area, since fur and fabric make such blobs on photos without text."""
        probability = self._text_probability(as_rgb_array(image), GATE_LONG_SIDE, self._gate_detector)
        line_area, evidence = 0.0, 0.0
        for region in text_regions(probability):
            x0, y0, x1, y1 = region.bounds
            if (x1 - x0) >= LINE_ELONGATION * (y1 - y0):
                line_area += (x1 - x0) * (y1 - y0) / probability.size
                evidence += 1.0
            else:
                evidence += BLOB_WEIGHT
        return float(min(1.0, max(line_area / FULL_TEXT_COVERAGE, evidence / FULL_TEXT_LINES)))

    def region_corners(self, image: Image.Image | np.ndarray, long_side: int = READ_LONG_SIDE
                       ) -> list[np.ndarray]:
        """Every region the detector takes for text, as four corners (top-left, top-right,
        bottom-right, bottom-left) in the pixels of ``image``, seen at ``long_side``."""
        rgb = as_rgb_array(image)
        height, width = rgb.shape[:2]
        probability = self._text_probability(rgb, long_side)
        map_height, map_width = probability.shape
        # Corners from detection-map pixels to photo pixels.
        return [r.corners * [width / map_width, height / map_height] for r in text_regions(probability)]

    def read_regions(self, image: Image.Image | np.ndarray) -> list[tuple[np.ndarray, TextLine | None]]:
        """Every region the detector takes for text, in reading order: its corners in the
        pixels of ``image`` and the line read in it, or None where nothing could be read at
        ``min_confidence``. Covering text (describe.redaction) needs those regions too."""
        rgb = as_rgb_array(image)
        height, width = rgb.shape[:2]
        corners = self.region_corners(rgb)
        boxes = [clipped_bounds(c, width, height) for c in corners]
        order = reading_order(boxes)
        crops = [straightened_crop(rgb, corners[i]) for i in order]
        regions = []
        for index, (text, confidence) in zip(order, self._read_lines(crops)):
            line = None
            if text.strip() and confidence >= self.min_confidence:
                rounded = tuple(round(v, 4) for v in boxes[index])
                line = TextLine(text.strip(), round(confidence, 4), rounded)
            regions.append((corners[index], line))
        return regions

    def read(self, image: Image.Image | np.ndarray) -> list[TextLine]:
        """Lines of text in reading order, those below ``min_confidence`` left out."""
        return [line for _corners, line in self.read_regions(image) if line is not None]

    def _maybe_upside_down(self, crops: list[np.ndarray]) -> list[bool]:
        """The angle classifier (48x192 input) on each line's left end, at its natural shape
        (squeezing a whole long line into 192 px fooled it into calling level lines turned)."""
        if not crops:
            return []
        starts = [c[:, : max(1, 4 * c.shape[0])] for c in crops]
        batch = np.stack([padded_line(c, 48, 192) for c in starts])
        scores = self._angle.run(None, {"x": normalised_bgr_tensor(batch)})[0]
        return [bool(s[1] > UPSIDE_DOWN_CONFIDENCE) for s in scores]

    def _read_lines(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Text of each crop; a line the classifier thinks upside down is read both ways and
        the more confident reading wins, so one misjudged line cannot turn into nonsense."""
        suspects = [i for i, turned in enumerate(self._maybe_upside_down(crops)) if turned]
        readings = self._recognise(crops + [crops[i][::-1, ::-1] for i in suspects])
        results = readings[: len(crops)]
        for position, index in enumerate(suspects):
            flipped = readings[len(crops) + position]
            if flipped[1] > results[index][1]:
                results[index] = flipped
        return results

    def _recognise(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        results: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        # Batch lines of similar width so the padding stays small.
        order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / crops[i].shape[0])
        for start in range(0, len(order), REC_BATCH):
            chunk = order[start:start + REC_BATCH]
            ratio = max(crops[i].shape[1] / crops[i].shape[0] for i in chunk)
            target_width = max(REC_HEIGHT * 4, int(math.ceil(REC_HEIGHT * ratio)))
            batch = np.stack([padded_line(crops[i], REC_HEIGHT, target_width) for i in chunk])
            output = self._recogniser.run(None, {"x": normalised_bgr_tensor(batch)})[0]
            for index, scores in zip(chunk, output):
                results[index] = self._decode(scores)
        return results

    def _decode(self, scores: np.ndarray) -> tuple[str, float]:
        """Greedy CTC: best class per column, repeats merged, blanks dropped."""
        best = scores.argmax(axis=1)
        probabilities = scores.max(axis=1)
        keep = best != 0
        keep[1:] &= best[1:] != best[:-1]
        if not keep.any():
            return "", 0.0
        text = "".join(self._characters[i] for i in best[keep])
        return text, float(probabilities[keep].mean())


def clipped_bounds(corners: np.ndarray, width: int, height: int) -> Box:
    """Axis-aligned bounds of the corners, as fractions 0..1 of the photo."""
    (x0, y0), (x1, y1) = corners.min(axis=0), corners.max(axis=0)
    return (max(0.0, float(x0) / width), max(0.0, float(y0) / height),
            min(1.0, float(x1) / width), min(1.0, float(y1) / height))


def straightened_crop(rgb: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The line inside the four corners, warped level; a line standing on end (much taller
    than wide) is turned to read left to right."""
    top_left, top_right, _, bottom_left = corners
    crop_width = max(1, int(round(np.linalg.norm(top_right - top_left))))
    crop_height = max(1, int(round(np.linalg.norm(bottom_left - top_left))))
    target = np.float32([[0, 0], [crop_width, 0], [crop_width, crop_height], [0, crop_height]])
    transform = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    line = cv2.warpPerspective(rgb, transform, (crop_width, crop_height),
                               flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    if crop_height >= 1.5 * crop_width:
        line = np.rot90(line)
    return line


def padded_line(line: np.ndarray, height: int, width: int) -> np.ndarray:
    """Scale a line crop to ``height`` keeping its aspect (at most ``width`` wide); pad right
    with mid-grey, which normalises to 0 like the padding PaddleOCR trained with."""
    scaled_width = min(width, max(1, int(math.ceil(height * line.shape[1] / line.shape[0]))))
    scaled = cv2.resize(np.ascontiguousarray(line), (scaled_width, height), interpolation=cv2.INTER_LINEAR)
    padded = np.full((height, width, 3), 128, dtype=np.uint8)
    padded[:, :scaled_width] = scaled
    return padded


# ---- Personal data in the text read --------------------------------------------------------

PERSONAL_DATA_KINDS = ("phone", "email", "card-number", "account-number", "street-address", "birth-date")

EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
# International (+44 20 7946 0958), US ((555) 123-4567, 555-123-4567) and UK (020 7946 0958,
# 07700 900123) styles: digits in groups joined by spaces, dots or dashes, 10 to 15 digits.
PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?)?\d{1,5}(?:[\s.-]\d{2,6}){1,4}(?!\w)"
    r"|(?<![\w+])(?:\+\d{1,3}[\s.-]?)?\(\d{2,5}\)[\s.-]?\d{3,8}(?!\w)"
    r"|(?<![\w+])(?:\+\d{1,3}[\s.-]?)?\d{10,13}(?!\w)"
)
CARD = re.compile(r"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
ACCOUNT = re.compile(
    r"\b(?:account|acct|a/c|sort code)\s*(?:no\.?|number|#)?\s*[:.]?\s*(\d[\d -]{4,20}\d)", re.IGNORECASE
)
STREET_TYPES = (
    "street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|close|court|ct|place|pl|way|"
    "terrace|crescent|gardens|square|sq|highway|hwy|parkway|pkwy"
)
STREET = re.compile(
    # Name words capitalised (case-sensitive), so "3 miles down the road" is not an address.
    rf"\b\d{{1,5}}[A-Za-z]?,?\s+(?:[A-Z][\w'-]*\s+){{1,3}}(?i:{STREET_TYPES})\b\.?"
)
MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
DATE = (
    rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})[a-z]*\.?,?\s+\d{{4}}"
    rf"|(?:{MONTHS})[a-z]*\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
)
BIRTH_DATE = re.compile(rf"\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?|birth ?date)\s*[:.-]?\s*{DATE}", re.IGNORECASE)


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def card_numbers(line: str) -> list[str]:
    """13-19 digits (spaces or dashes allowed) passing the Luhn check that every card carries;
    a run of one repeated digit passes Luhn by accident and is rejected."""
    found = []
    for match in CARD.finditer(line):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_valid(digits) and len(set(digits)) > 1:
            found.append(match.group())
    return found


def phone_numbers(line: str) -> list[str]:
    """Digit groups that add up to 10-15 digits (7-digit local numbers are too like other
    figures); dates and card numbers are matched by their own patterns and skipped here."""
    found = []
    for match in PHONE.finditer(line):
        text = match.group().strip()
        digits = re.sub(r"\D", "", text)
        if 10 <= len(digits) <= 15 and not re.fullmatch(r"\d{1,4}([/.-])\d{1,2}\1\d{1,4}", text):
            found.append(text)
    return found


def find_personal_data(lines: Iterable[str]) -> list[PersonalData]:
    """Personal data in each line of text: phone numbers, e-mail addresses, card numbers,
    account numbers and IBANs, street addresses and dates of birth, in line order."""
    found: list[PersonalData] = []
    for line in lines:
        line = line.text if isinstance(line, TextLine) else str(line)
        cards = card_numbers(line)
        ibans = [m.group() for m in IBAN.finditer(line)]
        accounts = [m.group(1) for m in ACCOUNT.finditer(line)]
        numbers_claimed = "".join(cards + ibans + accounts)
        found += [PersonalData("email", m.group()) for m in EMAIL.finditer(line)]
        found += [PersonalData("phone", p) for p in phone_numbers(line)
                  if re.sub(r"\D", "", p) not in re.sub(r"\D", "", numbers_claimed)]
        found += [PersonalData("card-number", c) for c in cards]
        found += [PersonalData("account-number", a) for a in ibans + accounts]
        found += [PersonalData("street-address", m.group().rstrip(".")) for m in STREET.finditer(line)]
        found += [PersonalData("birth-date", m.group()) for m in BIRTH_DATE.finditer(line)]
    return found
