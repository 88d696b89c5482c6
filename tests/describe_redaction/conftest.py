"""One real describer and redactor for the redaction tests, and the test photos as files."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import skimage.data
from PIL import Image

from accessshare.describe.pipeline import Describer
from accessshare.describe.redaction import Redactor

sys.path.insert(0, str(Path(__file__).parent))  # importlib mode: make redaction_photos importable
from redaction_photos import PHOTOS, far_group_photo, save_gps_jpeg, save_png_with_chunks, sign_photo  # noqa: E402


@pytest.fixture(scope="session")
def describer() -> Describer:
    made = Describer()
    made.load()
    return made


@pytest.fixture(scope="session")
def redactor(describer) -> Redactor:
    return Redactor(describer)


@pytest.fixture(scope="session")
def photo_files(tmp_path_factory) -> dict[str, Path]:
    """The test photos as files, by name."""
    folder = tmp_path_factory.mktemp("redaction-photos")
    files = {}
    Image.fromarray(skimage.data.astronaut()).save(folder / "astronaut.png")
    files["astronaut"] = folder / "astronaut.png"
    for name in ("group-sample2", "group-sample5"):
        files[name] = Path(shutil.copy(PHOTOS / f"{name}.jpg", folder / f"{name}.jpg"))
    sign_photo().save(folder / "sign.jpg", quality=92)
    files["sign"] = folder / "sign.jpg"
    files["gps"] = save_gps_jpeg(Image.fromarray(skimage.data.chelsea()), folder / "cat-with-gps.jpg")
    files["png-chunks"] = save_png_with_chunks(Image.fromarray(skimage.data.coffee()), folder / "coffee-chunks.png")
    far_group_photo().save(folder / "far-group.jpg", quality=92)
    files["far-group"] = folder / "far-group.jpg"
    return files


@pytest.fixture(scope="session")
def redacted(redactor, photo_files):
    """redacted(name, kinds) -> the RedactionResult, made once per test session."""
    done = {}

    def result(name: str, kinds: str = "faces,text,location"):
        if (name, kinds) not in done:
            done[name, kinds] = redactor.redact(photo_files[name], kinds)
        return done[name, kinds]

    return result
