"""Helpers for the describer tests: real photos from scikit-image saved as JPEG files, with EXIF."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from PIL import Image
from skimage import data

TESTS = Path(__file__).resolve().parent.parent
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def skimage_photo(name: str) -> Image.Image:
    return Image.fromarray(getattr(data, name)()).convert("RGB")


def save_jpeg(image: Image.Image, path: Path, exif: Image.Exif | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=92, **({"exif": exif} if exif is not None else {}))
    return path


def gps_exif(lat: float, lon: float) -> Image.Exif:
    exif = Image.Exif()
    info = exif.get_ifd(GPS_IFD)
    info[1], info[2] = ("N" if lat >= 0 else "S"), degrees_minutes_seconds(abs(lat))
    info[3], info[4] = ("E" if lon >= 0 else "W"), degrees_minutes_seconds(abs(lon))
    return exif


def degrees_minutes_seconds(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    return float(degrees), float(minutes), round(((value - degrees) * 60 - minutes) * 60, 4)


def orientation_exif(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return exif


def tiny_captioner_module():
    spec = importlib.util.spec_from_file_location(
        "tiny_captioner", TESTS / "describe_caption" / "tiny_captioner.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("tiny_captioner", module)
    spec.loader.exec_module(module)
    return module
