"""Helpers that make real photo files of every kind the library reads."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

from accessshare.library.exif import (EXIF_IFD, GPS_IFD, TAG_ARTIST, TAG_BODY_SERIAL,
                                      TAG_CAMERA_OWNER, TAG_DATETIME_ORIGINAL, TAG_MAKE, TAG_MODEL,
                                      TAG_ORIENTATION)


def photo_pixels(width: int = 120, height: int = 80) -> Image.Image:
    """A photo-like gradient with a bright square near the top-left corner."""
    y, x = np.mgrid[0:height, 0:width]
    pixels = np.stack([x * 255 // width, y * 255 // height, (x + y) % 256], axis=-1)
    pixels[5:25, 5:25] = 255
    return Image.fromarray(pixels.astype(np.uint8), "RGB")


def exif_block(*, orientation: int | None = None, gps: tuple[float, float] | None = None,
               device: bool = False) -> Image.Exif:
    exif = Image.Exif()
    if orientation:
        exif[TAG_ORIENTATION] = orientation
    if device:
        exif[TAG_MAKE] = "Acme"
        exif[TAG_MODEL] = "Acme Phone 7"
        exif[TAG_ARTIST] = "Sam Example"
        detail = exif.get_ifd(EXIF_IFD)
        detail[TAG_DATETIME_ORIGINAL] = "2024:03:03 10:15:00"
        detail[TAG_CAMERA_OWNER] = "Sam Example"
        detail[TAG_BODY_SERIAL] = "SN-12345"
    if gps:
        lat, lon = gps
        info = exif.get_ifd(GPS_IFD)
        info[1], info[2] = ("N" if lat >= 0 else "S"), _dms(abs(lat))
        info[3], info[4] = ("E" if lon >= 0 else "W"), _dms(abs(lon))
    return exif


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 4)
    return (float(degrees), float(minutes), seconds)


def save(image: Image.Image, path: Path, fmt: str, **options) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "HEIF":
        from pillow_heif import register_heif_opener
        register_heif_opener()
    image.save(path, fmt, **options)
    return path


def jpeg_bytes(image: Image.Image, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue()


