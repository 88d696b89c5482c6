"""Real photos that scikit-image ships, and detectors shared by the tests in this folder."""

from __future__ import annotations

from pathlib import Path

import pytest
import skimage
from PIL import Image

PHOTOS = Path(skimage.__file__).parent / "data"


def load_photo(name: str) -> Image.Image:
    with Image.open(PHOTOS / name) as image:
        return image.convert("RGB")


@pytest.fixture(scope="session")
def photo():
    """photo("coffee.png") -> that scikit-image photo as an RGB PIL image."""
    return load_photo


@pytest.fixture(scope="session")
def object_detector():
    from accessshare.describe.objects import ObjectDetector

    return ObjectDetector()


@pytest.fixture(scope="session")
def face_detector():
    from accessshare.describe.faces import FaceDetector

    return FaceDetector()
