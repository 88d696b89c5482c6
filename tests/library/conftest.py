"""Real photo files of every kind the library reads, made with Pillow and pillow-heif."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))  # importlib mode: make library_photos importable

from library_photos import photo_pixels, save  # noqa: E402


@pytest.fixture
def good_folder(tmp_path) -> Path:
    """One good photo of every readable format, in nested folders."""
    root = tmp_path / "dataset"
    base = photo_pixels()
    save(base, root / "jpeg.jpg", "JPEG", quality=90)
    save(base, root / "png.png", "PNG")
    save(base, root / "nested" / "webp.webp", "WEBP")
    frames = [base, base.transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    save(frames[0], root / "nested" / "gif.gif", "GIF", save_all=True, append_images=frames[1:])
    save(base, root / "nested" / "deeper" / "bmp.bmp", "BMP")
    save(base, root / "tiff.tif", "TIFF")
    save(base, root / "phone.heic", "HEIF")
    return root
