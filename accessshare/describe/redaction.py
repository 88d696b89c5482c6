"""Copies of photos with faces, text and location removed, checked by describing them again.

A contributor may share a photo on condition that its faces, its text or its location are
removed. ``Redactor.redact`` makes that copy in memory and hands over its bytes only once the
describer, run again on those bytes, finds none of what was removed:

1. The file is read once (its hash can be checked against the one decided on), decoded at full
   size and turned upright (EXIF orientation applied; an RGB ICC profile converted to sRGB).
2. Faces and text are searched for harder than the describer does: its detectors over the
   whole photo at its size and, in large photos, over overlapping tiles (a face 60 pixels high
   in a 12-MP photo is a speck at the describer's 1000 pixels); faces also with the photo
   turned. Text is every line that can be read; where the photo as a whole looks like text
   (the describer's gate), every line-shaped region too, and where nothing in it can be read
   (handwriting), every region the text detector proposes.
3. Each face is covered with its whole head (the detector's box runs from the eyebrows to the
   chin; the hair, ears and chin are added), each text region with a margin of its line
   height. Covered pixels are filled from the colours around them alone: nothing under them
   reaches the copy (not a blur or pixelation, which can be undone or matched).
4. The copy is encoded afresh from its pixels alone (library.clean_copy): no EXIF (GPS,
   device, serial, owner, and the EXIF thumbnail that holds the unredacted picture), XMP, IPTC,
   ICC profile, comment or PNG text chunk. JPEG stays JPEG; lossless formats become PNG.
5. The copy's bytes are checked: their structure holds nothing but the image; the describer
   (``Describer.describe_copy``) and the search find no face or text that was to be removed,
   and no location. What is still found is covered too, and the copy checked once more. A copy
   that still fails is "not verified": its result has a sentence naming the photo and why, and
   no bytes, so it cannot be written.

Location is removed from the file only; what the pixels show (a house front, a skyline) is not
covered, except text (docs/REDACTION.md).
"""

from __future__ import annotations

import hashlib
import io
import math
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageOps

from accessshare.library.removal import KINDS, parse_kinds
from accessshare.describe.faces import ROTATED_MIN_CONFIDENCE, DetectedFace
from accessshare.describe.phrasing import en
from accessshare.describe.pipeline import DETECTOR_SIDE, Describer, Description, shrunk
from accessshare.describe.text import GATE_LONG_SIDE, LINE_ELONGATION, READ_LONG_SIDE
from accessshare.library.clean_copy import copy_format, in_srgb, metadata_left, pixels_only
from accessshare.library.decode import decode_bytes, open_header, read_photo
from accessshare.library.files import write_atomically
from accessshare.library.errors import ImageProblem
from accessshare.library.scanner import PhotoInfo

# The head around a face box, in face-box widths and heights: the box runs from the eyebrows to
# the chin, so the hair and forehead above, the ears beside and the chin below are added. The
# head is covered by the ellipse inside that larger box, which still holds the face box whole
# (the box's corners lie at 0.59 and 0.74 of the ellipse's half-axes).
HEAD_SIDE = 0.35
HEAD_TOP = 0.7
HEAD_BOTTOM = 0.3
# (left, top, right, bottom) margins by the turn that made the face upright: a face found with
# the photo turned 90 degrees counterclockwise has the top of its head on the photo's right.
HEAD_MARGINS = {0: (HEAD_SIDE, HEAD_TOP, HEAD_SIDE, HEAD_BOTTOM), 90: (HEAD_BOTTOM, HEAD_SIDE, HEAD_TOP, HEAD_SIDE),
                180: (HEAD_SIDE, HEAD_BOTTOM, HEAD_SIDE, HEAD_TOP), 270: (HEAD_TOP, HEAD_SIDE, HEAD_BOTTOM, HEAD_SIDE)}
TEXT_MARGIN = 0.35  # of the line's height, on every side (ascenders, descenders, the last letter)
# Faces are searched in tiles of 500, 1000, 2000... pixels, up to two thirds of the photo. The
# detector finds every face of at least 8 % of what it looks at (5 of 5 at 84 pixels in 1000,
# 2 of 5 at 60, none at 36), so faces from about 40 pixels high are found in any photo.
FACE_TILE_MIN_SIDE = 500
TEXT_TILE_SIDE = 2 * READ_LONG_SIDE  # large photos are also read in tiles at half size
TILE_OVERLAP = 0.25
TILE_EDGE = 0.01  # a face box this close to a tile's inner edge is cut by it
# Every tile is another chance of a false face, so a face found only in a tile must be surer,
# as one found only with the photo turned is (faces.ROTATED_MIN_CONFIDENCE). Measured on 12-MP
# copies of the test photos: five faces 80 pixels high scored 0.77 to 0.94 in tiles, a model
# rocket's nose 0.64.
TILE_MIN_CONFIDENCE = ROTATED_MIN_CONFIDENCE
SAME_FACE_OVERLAP = 0.5  # of the smaller head: found twice (two tiles, two turns), one face
COVERING_SHARE = 0.6  # an object found this much inside a covered area is the covering itself
FILL_SIDE = 1024  # covered areas are filled from a copy this long: a smooth wash needs no more
CHECKS = 2  # describe again after covering; cover what is still found; describe once more
Area = tuple[float, float, float, float]  # left, top, right, bottom
Tile = tuple[int, int, int, int]  # an area in whole pixels


class PhotoChanged(Exception):
    """The file's bytes are not those decided on; ``str()`` is one sentence naming it."""


@dataclass(frozen=True)
class CoveredRegion:
    """One covered area: ``kind`` "face" (a whole head) or "text" (lines that touch are one
    area), its bounds as fractions 0..1 of the upright photo, and ``found_by`` "search", or
    "check" when only a check of the copy found it."""

    kind: str
    box: Area
    found_by: str = "search"

    def to_json(self) -> dict:
        return {"kind": self.kind, "box": list(self.box), "found_by": self.found_by}


@dataclass
class RedactionResult:
    """The outcome for one photo. ``data``, the copy's bytes, is None unless ``verified``."""

    path: Path
    kinds: frozenset[str]
    verified: bool
    data: bytes | None = None
    format: str | None = None  # "JPEG" or "PNG"
    regions: list[CoveredRegion] = field(default_factory=list)
    covered_share: float = 0.0  # of the photo's pixels, 0..1
    checks: int = 0  # how many times the copy was described again
    reason: str | None = None  # why it is not verified: one sentence naming the photo
    after: Description | None = None  # the describer's description of the last copy checked

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def suffix(self) -> str:
        """The copy's file extension: ".jpg" or ".png"."""
        return ".png" if self.format == "PNG" else ".jpg"

    def hidden(self) -> dict[str, int]:
        """How many heads and text areas were covered."""
        return {"faces": sum(r.kind == "face" for r in self.regions),
                "text": sum(r.kind == "text" for r in self.regions)}

    def spoken(self, verbosity: str = "brief") -> tuple[str, list[str]]:
        """("After removal: a person, face hidden; no text; no location.", details), or the
        reason it is not verified and no details."""
        if not self.verified or self.after is None:
            return self.reason or en.redaction_unchecked(self.name), []
        findings = without_covering(self.after.findings, [r.box for r in self.regions])
        return en.after_removal(findings, self.hidden(), self.checks, verbosity)

    def to_json(self) -> dict:
        """For a manifest or a log: the condition, the outcome, what was covered (no pixels)."""
        return {"path": str(self.path), "redact": sorted(self.kinds), "verified": self.verified,
                "format": self.format, "covered_share": round(self.covered_share, 4),
                "checks": self.checks, "reason": self.reason,
                "regions": [r.to_json() for r in self.regions]}

    def write(self, target: str | Path) -> Path:
        """Write the verified copy to ``target`` (a temporary file in its folder, renamed).
        Refuses, with ValueError, a copy that is not verified."""
        if not self.verified or self.data is None:
            raise ValueError(self.reason or en.redaction_unchecked(self.name))
        write_atomically(Path(target), self.data)
        return Path(target)


@dataclass(frozen=True)
class RedactionJob:
    """One photo for ``Redactor.redact_many``: its path, the kinds to remove, and the content
    hash that was decided on (no copy is made if the file changed since)."""

    photo: str | Path | PhotoInfo
    kinds: frozenset[str]
    expected_hash: str | None = None


@dataclass
class Found:
    """What a search found, in the photo's pixels, each with who found it ("search" or
    "check"): heads (boxes around faces) and text regions (four corners each)."""

    heads: list[tuple[Area, str]] = field(default_factory=list)
    text: list[tuple[np.ndarray, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.heads or self.text)


class Redactor:
    """Makes verified redacted copies with one describer; ``redact`` is thread-safe."""

    def __init__(self, describer: Describer):
        self.describer = describer

    def redact(self, photo: str | Path | PhotoInfo | Image.Image, kinds: str | Iterable[str], *,
               expected_hash: str | None = None) -> RedactionResult:
        """A copy of ``photo`` without ``kinds`` ("faces", "text", "location"), described again
        before its bytes are handed over. A bad photo is a result that says why, not an error."""
        kinds = parse_kinds(kinds)
        path = photo_path(photo)
        try:
            image, image_format = self._upright(photo, path, expected_hash)
            return self._redact_upright(image, image_format, path, kinds)
        except (ImageProblem, PhotoChanged) as problem:
            return RedactionResult(path, kinds, verified=False, reason=str(problem))

    def redact_many(self, jobs: Iterable[RedactionJob], workers: int = 1) -> Iterator[RedactionResult]:
        """Results in the order of ``jobs``, each as soon as it and those before it are done,
        so that an export can write and report one photo at a time. Each worker holds about
        ten bytes a pixel of one photo while it works (150 MB for 12 MP)."""
        def one(job: RedactionJob) -> RedactionResult:
            return self.redact(job.photo, job.kinds, expected_hash=job.expected_hash)

        if workers <= 1:
            yield from map(one, jobs)
            return
        with ThreadPoolExecutor(max_workers=workers) as pool:
            yield from pool.map(one, jobs)

    # ---- the steps -----------------------------------------------------------------------

    def _upright(self, photo, path: Path, expected_hash: str | None) -> tuple[Image.Image, str]:
        if isinstance(photo, Image.Image):
            return decode_bytes(png_bytes(photo), path), copy_format(photo.format or "PNG")
        data = read_photo(path)
        if expected_hash is not None and hashlib.sha256(data).hexdigest() != expected_hash:
            raise PhotoChanged(en.redaction_changed(path.name))
        header = open_header(data, path)
        return in_srgb(decode_bytes(data, path), header), copy_format(header.format)

    def _redact_upright(self, image: Image.Image, image_format: str, path: Path,
                        kinds: frozenset[str]) -> RedactionResult:
        found = self._search(image, kinds)
        for check in range(1, CHECKS + 1):
            covered, regions, share = cover(image, found)
            data = pixels_only(covered, image_format)
            left = metadata_left(data)
            if left:  # cannot happen with Pillow as it is; if it ever does, nothing leaves
                return RedactionResult(path, kinds, False, checks=check,
                                       reason=en.redaction_metadata_left(path.name, left))
            after = self.describer.describe_copy(data, path.name)
            still = self._still_found(after, data, path, kinds, regions)
            problems = still_flagged(after, kinds, still)
            if not still and not problems:
                return RedactionResult(path, kinds, True, data, image_format, regions, share, check, after=after)
            if check == CHECKS or not still:
                reason = en.redaction_not_verified(path.name, problems, check)
                return RedactionResult(path, kinds, False, format=image_format, regions=regions,
                                       covered_share=share, checks=check, reason=reason, after=after)
            found.heads += still.heads
            found.text += still.text
        raise AssertionError("unreachable")

    def _search(self, image: Image.Image, kinds: frozenset[str]) -> Found:
        width, height = image.size
        found = Found()
        with self.describer.model_run():
            self.describer.load()
            if "faces" in kinds:
                faces = find_faces(self.describer.faces, image)
                found.heads = [(head_box(face, width, height), "search") for face in faces]
            if "text" in kinds and self.describer.text_reader is not None:
                with self.describer.ocr_lock:
                    regions = find_text(self.describer.text_reader, image, self.describer.text_gate)
                found.text = [(corners, "search") for corners in regions]
        return found

    def _still_found(self, after: Description, data: bytes, path: Path, kinds: frozenset[str],
                     covered: list[CoveredRegion]) -> Found:
        """What is still found in the copy's own bytes: by the describer; by the face search
        and the reader over the whole copy; and, in large photos, in each tile that meets an
        area covered for that kind (no other tile's pixels changed, and the search has seen
        them). Text counts where it can be read, whatever the describer's gate says: a filled
        line can still look like a line to the detector. Where the describer says there seems
        to be writing it could not read, everything the detector proposes counts."""
        if not kinds & {"faces", "text"}:
            return Found()
        copy = decode_bytes(data, path)
        width, height = copy.size
        near: dict[str, list[Area]] = {"face": [], "text": []}
        for region in covered:
            near[region.kind].append(in_pixels(region.box, width, height))
        still = Found()
        reader = self.describer.text_reader
        with self.describer.model_run():
            if "faces" in kinds:
                faces = find_faces(self.describer.faces, copy, near["face"])
                faces += [DetectedFace(f["confidence"], tuple(f["box"])) for f in after.findings["faces"]]
                still.heads = [(head_box(face, width, height), "check") for face in faces]
            if "text" in kinds and reader is not None:
                with self.describer.ocr_lock:
                    regions = read_text(reader, copy, near["text"])
                    if after.findings.get("text_unread"):
                        regions += find_text(reader, copy, gate=0.0)
                regions += [box_corners(t["box"], width, height) for t in after.findings["text"]]
                still.text = [(corners, "check") for corners in regions]
        return still


def redact(photo: str | Path | PhotoInfo | Image.Image, kinds: str | Iterable[str], describer: Describer,
           *, expected_hash: str | None = None) -> RedactionResult:
    """One verified redacted copy (see ``Redactor.redact``)."""
    return Redactor(describer).redact(photo, kinds, expected_hash=expected_hash)


def photo_path(photo: str | Path | PhotoInfo | Image.Image) -> Path:
    """The path a photo is known by (an image in memory: its file name, if it has one)."""
    if isinstance(photo, PhotoInfo):
        return Path(photo.path)
    if isinstance(photo, Image.Image):
        return Path(getattr(photo, "filename", "") or "photo.png")
    return Path(photo)


def png_bytes(image: Image.Image) -> bytes:
    """An image in memory as PNG bytes (upright, pixels only), to be decoded as a file is."""
    upright = ImageOps.exif_transpose(image)
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(upright.convert("RGBA" if "A" in upright.mode else "RGB"))).save(buffer, "PNG")
    return buffer.getvalue()


def still_flagged(after: Description, kinds: frozenset[str], still: Found) -> list[str]:
    """What the copy still shows, in words for the reason it is not verified: stored location
    or camera details (cannot happen: the copy has no metadata), faces, text, or writing that
    could not be read and that no region could be found for."""
    problems = []
    if {"location", "device-id"} & set(after.privacy):
        problems.append("its location or camera details")
    if still.heads:
        problems.append("a face")
    if still.text:
        problems.append("text")
    elif "text" in kinds and after.findings.get("text_unread"):
        problems.append("writing it could not read")
    return problems


def without_covering(findings: dict, covered: list[Area]) -> dict:
    """The findings without objects that lie mostly within one covered area: a filled disc
    where a head was is no frisbee."""
    kept = [o for o in findings.get("objects", [])
            if not any(share_inside(o["box"], area) > COVERING_SHARE for area in covered)]
    return {**findings, "objects": kept}


# ---- searching -------------------------------------------------------------------------------

def tiles(width: int, height: int, side: int, near: list[Area] | None = None,
          overlap: float = TILE_OVERLAP) -> list[Tile]:
    """Overlapping squares of ``side`` pixels (left, top, right, bottom) covering the image;
    with ``near``, only those that meet one of those areas."""
    def starts(length: int) -> list[int]:
        if length <= side:
            return [0]
        count = math.ceil((length - side) / (side * (1 - overlap))) + 1
        return [round(i * (length - side) / (count - 1)) for i in range(count)]

    every: list[Tile] = [(x, y, min(width, x + side), min(height, y + side))
                         for y in starts(height) for x in starts(width)]
    if near is None:
        return every
    return [tile for tile in every if any(share_inside(area, tile) > 0 for area in near)]


def face_tile_sides(width: int, height: int) -> list[int]:
    """Tile sides from FACE_TILE_MIN_SIDE up, doubling, while a tile is at most two thirds of
    the photo's long side (a larger one sees about what the whole photo shows)."""
    sides, side = [], FACE_TILE_MIN_SIDE
    while side * 1.5 <= max(width, height):
        sides.append(side)
        side *= 2
    return sides


def find_faces(detector, image: Image.Image, near: list[Area] | None = None) -> list[DetectedFace]:
    """Faces in the upright photo, boxes as fractions of it: the whole photo at the describer's
    size, also turned (a sideways face beside an upright one), then tiles (with ``near``, only
    those meeting one of those areas)."""
    small = shrunk(image, DETECTOR_SIDE)
    faces = detector.detect(small) + detector.detect_turned(small)
    rgb = np.asarray(image)
    width, height = image.size
    for side in face_tile_sides(width, height):
        for tile in tiles(width, height, side, near):
            faces += faces_in_tile(detector, rgb, tile)
    return faces


def faces_in_tile(detector, rgb: np.ndarray, tile: Area) -> list[DetectedFace]:
    """Faces in one tile, as fractions of the whole photo. A face cut by the tile's edge is
    left to the neighbouring tile, which holds it whole (tiles overlap by a quarter)."""
    height, width = rgb.shape[:2]
    left, top, right, bottom = tile
    found = []
    for face in detector.detect(rgb[top:bottom, left:right]):
        x0, y0, x1, y1 = face.box
        cut = ((x0 <= TILE_EDGE and left > 0) or (y0 <= TILE_EDGE and top > 0)
               or (x1 >= 1 - TILE_EDGE and right < width) or (y1 >= 1 - TILE_EDGE and bottom < height))
        if face.confidence < TILE_MIN_CONFIDENCE or cut:
            continue
        box = ((left + x0 * (right - left)) / width, (top + y0 * (bottom - top)) / height,
               (left + x1 * (right - left)) / width, (top + y1 * (bottom - top)) / height)
        found.append(DetectedFace(face.confidence, box, face.rotation))
    return found


def find_text(reader, image: Image.Image, gate: float) -> list[np.ndarray]:
    """Text to cover, as four corners in the photo's pixels, from the reader over the whole
    photo at the describer's size and, in large photos, over tiles at half size:
    - every line that can be read (``readable``);
    - where the photo as a whole passes the describer's ``gate`` (it would say there is
      writing), every line-shaped region too, read or not (smaller print of the same text);
    - where it passes the gate but nothing can be read (handwriting: the describer would say
      "writing it could not read"), every region the detector proposes, at the gate's size too.
    Elsewhere, squarish regions that nothing can be read in are fur, knees and shadows."""
    width, height = image.size
    small = shrunk(image, DETECTOR_SIDE)
    scale = width / small.width
    regions = [(corners * scale, line) for corners, line in reader.read_regions(small)]
    for left, top, crop in text_tiles(image):
        regions += [(corners + [left, top], line) for corners, line in reader.read_regions(crop)]
    if reader.text_likelihood(small) < gate:
        return [corners for corners, line in regions if readable(line)]
    if not any(readable(line) for _corners, line in regions):
        gate_regions = [corners * scale for corners in reader.region_corners(small, GATE_LONG_SIDE)]
        return gate_regions + [corners for corners, _line in regions]
    return [corners for corners, line in regions if readable(line) or line_shaped(corners)]


def read_text(reader, image: Image.Image, near: list[Area] | None = None) -> list[np.ndarray]:
    """Lines that can be read (``readable``), as four corners in the photo's pixels, over the
    whole photo at the describer's size and in tiles of large photos (with ``near``, only
    those meeting one of those areas), whatever the describer's gate says."""
    width, height = image.size
    small = shrunk(image, DETECTOR_SIDE)
    scale = width / small.width
    lines = [corners * scale for corners, line in reader.read_regions(small) if readable(line)]
    for left, top, crop in text_tiles(image, near):
        lines += [corners + [left, top] for corners, line in reader.read_regions(crop) if readable(line)]
    return lines


def readable(line) -> bool:
    """A line read with at least two letters or digits. Asked about every region, without the
    describer's gate, the reader reads single letters into fur, knees and shadows ("D", "Y")."""
    return line is not None and sum(character.isalnum() for character in line.text) >= 2


def line_shaped(corners: np.ndarray) -> bool:
    """A region at least LINE_ELONGATION times longer than high, in any direction (the text
    gate's test for a line rather than a blob)."""
    top_left, top_right, _bottom_right, bottom_left = corners
    along, across = np.linalg.norm(top_right - top_left), np.linalg.norm(bottom_left - top_left)
    return max(along, across) >= LINE_ELONGATION * min(along, across)


def text_tiles(image: Image.Image, near: list[Area] | None = None) -> Iterator[tuple[int, int, np.ndarray]]:
    """(left, top, pixels) of each tile a large photo is read in; none for a small photo."""
    width, height = image.size
    if max(width, height) <= TEXT_TILE_SIDE:
        return
    rgb = np.asarray(image)
    for left, top, right, bottom in tiles(width, height, TEXT_TILE_SIDE, near):
        yield left, top, rgb[top:bottom, left:right]


# ---- covering --------------------------------------------------------------------------------

def head_box(face: DetectedFace, width: int, height: int) -> Area:
    """The whole head around a face box, in pixels, its margins turned with the face."""
    x0, y0, x1, y1 = in_pixels(face.box, width, height)
    w, h = x1 - x0, y1 - y0
    left, top, right, bottom = HEAD_MARGINS[face.rotation % 360]
    return (max(0.0, x0 - left * w), max(0.0, y0 - top * h), min(width, x1 + right * w), min(height, y1 + bottom * h))


def padded_quad(corners: np.ndarray) -> np.ndarray:
    """A text region's four corners moved out along its own axes by TEXT_MARGIN of its height."""
    top_left, top_right, bottom_right, bottom_left = corners.astype(np.float64)
    along, across = top_right - top_left, bottom_left - top_left
    length, line_height = np.linalg.norm(along), np.linalg.norm(across)
    if length == 0 or line_height == 0:
        return corners
    margin = TEXT_MARGIN * min(length, line_height)
    u, v = along / length * margin, across / line_height * margin
    return np.array([top_left - u - v, top_right + u - v, bottom_right + u + v, bottom_left - u + v])


def coverage(size: tuple[int, int], found: Found) -> tuple[np.ndarray, list[CoveredRegion]]:
    """The pixels to cover (a boolean mask) and the regions they make: each head (heads found
    twice merged), and each connected area of text."""
    width, height = size
    heads = merged_heads(found.heads)
    heads_mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(heads_mask)
    for box, _origin in heads:
        draw.ellipse(box, fill=255)
    text_mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(text_mask)
    for corners, _origin in found.text:
        draw.polygon([tuple(point) for point in padded_quad(corners)], fill=255)
    text_pixels = np.asarray(text_mask) > 0
    regions = [CoveredRegion("face", fractions(box, width, height), origin) for box, origin in heads]
    regions += [CoveredRegion("text", fractions(box, width, height), origin)
                for box, origin in text_areas(text_pixels, found.text)]
    return (np.asarray(heads_mask) > 0) | text_pixels, regions


def cover(image: Image.Image, found: Found) -> tuple[Image.Image, list[CoveredRegion], float]:
    """A copy with every head and text region filled from its surroundings, the regions, and
    the share of the photo's pixels covered."""
    mask, regions = coverage(image.size, found)
    return fill_from_surroundings(image, mask), regions, float(mask.mean())


def fill_from_surroundings(image: Image.Image, mask: np.ndarray) -> Image.Image:
    """``image`` with the pixels under ``mask`` replaced by a smooth wash of the colours around
    them, worked out from the unmasked pixels alone (push-pull hole filling on a copy at most
    FILL_SIDE pixels long, in which a pixel that any masked pixel falls into counts as masked).
    So the same surroundings give the same fill, whatever was under it. (A flat grey fill hid
    as well, but the text detector took grey bars where lines had been for lines of text, so
    the describer said there was writing it could not read, and no check could pass.)"""
    width, height = image.size
    scale = min(1.0, FILL_SIDE / max(width, height))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    work = np.asarray(image.resize(size, Image.Resampling.BOX), dtype=np.float32)
    touched = np.asarray(Image.fromarray(mask.astype(np.float32)).resize(size, Image.Resampling.BOX)) > 0
    known = (~touched).astype(np.float32)
    filled = np.clip(push_pull(work * known[..., None], known) + 0.5, 0, 255).astype(np.uint8)
    if scale < 1.0:
        filled = np.asarray(cv2.resize(filled, (width, height), interpolation=cv2.INTER_LINEAR),
                            dtype=np.uint8)
    pixels = np.array(image)
    pixels[mask] = filled[mask]
    return Image.fromarray(pixels)


def push_pull(colour: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Fill where ``weight`` is 0 (``colour`` holds colour times weight): each coarser level
    sums 2x2 blocks, and on the way back a pixel keeps its own colour as far as it is known and
    takes the coarser level's for the rest (Gortler et al., "The Lumigraph", 1996)."""
    height, width = weight.shape
    if height <= 1 and width <= 1:
        total = float(weight.sum())
        mean = colour.reshape(-1, 3).sum(axis=0) / total if total > 0 else np.full(3, 128.0)
        return np.broadcast_to(mean.astype(np.float32), colour.shape).copy()
    even_height, even_width = height + height % 2, width + width % 2
    padded_colour = np.zeros((even_height, even_width, 3), np.float32)
    padded_weight = np.zeros((even_height, even_width), np.float32)
    padded_colour[:height, :width], padded_weight[:height, :width] = colour, weight
    coarse = push_pull(padded_colour.reshape(even_height // 2, 2, even_width // 2, 2, 3).sum(axis=(1, 3)),
                       padded_weight.reshape(even_height // 2, 2, even_width // 2, 2).sum(axis=(1, 3)))
    finer = cv2.resize(coarse, (even_width, even_height), interpolation=cv2.INTER_LINEAR)[:height, :width]
    own = colour / np.maximum(weight, 1e-6)[..., None]
    share = np.clip(weight, 0.0, 1.0)[..., None]
    return share * own + (1.0 - share) * finer


def merged_heads(heads: list[tuple[Area, str]]) -> list[tuple[Area, str]]:
    """Heads overlapping by more than SAME_FACE_OVERLAP of the smaller joined into their union
    (one face found in two tiles or two turns is one face); a head the search found keeps
    "search" as its origin."""
    merged: list[tuple[Area, str]] = []
    for box, origin in sorted(heads, key=lambda head: head[1] != "search"):
        for index, (existing, kept) in enumerate(merged):
            if overlap_of_smaller(existing, box) > SAME_FACE_OVERLAP:
                merged[index] = ((min(existing[0], box[0]), min(existing[1], box[1]),
                                  max(existing[2], box[2]), max(existing[3], box[3])), kept)
                break
        else:
            merged.append((box, origin))
    return merged


def text_areas(mask: np.ndarray, regions: list[tuple[np.ndarray, str]]) -> list[tuple[Area, str]]:
    """Each connected area of covered text (a paragraph's padded lines join into one), found
    by the search if any region in it was."""
    count, _labels, stats, _centres = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    areas = []
    for index in range(1, count):
        x, y, w, h, _area = stats[index]
        box = (float(x), float(y), float(x + w), float(y + h))
        origins = {origin for corners, origin in regions if overlap_of_smaller(box, quad_bounds(corners)) > 0}
        areas.append((box, "check" if origins == {"check"} else "search"))
    return areas


# ---- geometry --------------------------------------------------------------------------------

def in_pixels(box: Area, width: int, height: int) -> Area:
    return box[0] * width, box[1] * height, box[2] * width, box[3] * height


def fractions(box: Area, width: int, height: int) -> Area:
    x0, y0, x1, y1 = box
    return (round(max(0.0, x0 / width), 4), round(max(0.0, y0 / height), 4),
            round(min(1.0, x1 / width), 4), round(min(1.0, y1 / height), 4))


def box_corners(box: Area, width: int, height: int) -> np.ndarray:
    """A box in fractions as four corners in pixels (top-left, top-right, bottom-right, bottom-left)."""
    x0, y0, x1, y1 = in_pixels(box, width, height)
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])


def quad_bounds(corners: np.ndarray) -> Area:
    (x0, y0), (x1, y1) = corners.min(axis=0), corners.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


def overlap_of_smaller(a: Area, b: Area) -> float:
    """The overlap of two boxes as a share of the smaller one's area, 0..1."""
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return intersection(a, b) / smaller if smaller > 0 else 0.0


def share_inside(box: Area, area: Area) -> float:
    """How much of ``box`` lies inside ``area``, 0..1."""
    size = (box[2] - box[0]) * (box[3] - box[1])
    return intersection(box, area) / size if size > 0 else 0.0


def intersection(a: Area, b: Area) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


__all__ = ["KINDS", "CoveredRegion", "RedactionJob", "RedactionResult", "Redactor", "parse_kinds", "redact"]
