"""Copies of photos that carry their pixels and nothing else, and the checks that prove it.

A redacted copy (describe.redaction) must not keep what the original's file holds besides its
pixels: EXIF (GPS, date, device, serial, owner, and the EXIF thumbnail, a small copy of the
unredacted picture), XMP (which can hold face regions with names), IPTC (captions, places),
ICC profiles (whose names can identify the device), comments and PNG text chunks.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageCms

JPEG_QUALITY = 95
LOSSLESS_FORMATS = frozenset({"PNG", "BMP", "TIFF", "GIF", "PPM", "TGA"})
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JFIF = b"JFIF\x00"  # APP0's only content in a clean JPEG: version, density, no thumbnail
PNG_IMAGE_CHUNKS = frozenset({b"IHDR", b"PLTE", b"IDAT", b"IEND"})
APP_SEGMENT_NAMES = {1: "EXIF or XMP", 2: "an ICC profile", 13: "IPTC"}


def copy_format(original_format: str | None) -> str:
    """"PNG" for a lossless original (PNG, TIFF, BMP, GIF...), else "JPEG" (JPEG, HEIC, WebP)."""
    return "PNG" if original_format in LOSSLESS_FORMATS else "JPEG"


def in_srgb(image: Image.Image, header: Image.Image) -> Image.Image:
    """Pixels converted from the photo's own RGB profile to sRGB, since the copy carries no
    profile; unchanged if there is none or it cannot be used (colours then as decoded, which
    is what the describer saw)."""
    profile = header.info.get("icc_profile")
    if not profile:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        if source.profile.xcolor_space.strip() != "RGB":
            return image
        converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"),
                                              outputMode="RGB")
        return converted if converted is not None else image
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image


def pixels_only(image: Image.Image, image_format: str) -> bytes:
    """The pixels encoded afresh as JPEG (quality 95) or PNG. The image is rebuilt from its
    pixel array, so it has no ``info``: Pillow copies an ICC profile, comment or EXIF from
    ``info`` into what it saves unless told not to."""
    pixels = Image.fromarray(np.asarray(image.convert("RGB")))
    buffer = io.BytesIO()
    if image_format == "PNG":
        pixels.save(buffer, "PNG")
    else:
        pixels.save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def metadata_left(data: bytes) -> list[str]:
    """What in the file's structure could hold anything but pixels, in words: in a JPEG, any
    application segment but JFIF, and comments; in a PNG, any chunk but the image's own.
    Empty for a clean copy. This reads the bytes themselves, not what Pillow chooses to show."""
    if data.startswith(PNG_SIGNATURE):
        return _png_extras(data)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_extras(data)
    return ["a structure that is neither JPEG nor PNG"]


def _jpeg_extras(data: bytes) -> list[str]:
    found: list[str] = []
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return found + ["a damaged segment"]
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            position += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, or start of scan: entropy-coded data follows
            return found
        length = int.from_bytes(data[position + 2:position + 4], "big")
        body = data[position + 4:position + 2 + length]
        if 0xE0 <= marker <= 0xEF and not (marker == 0xE0 and body.startswith(JFIF)):
            found.append(APP_SEGMENT_NAMES.get(marker - 0xE0, f"an APP{marker - 0xE0} segment"))
        elif marker == 0xFE:
            found.append("a comment")
        position += 2 + length
    return found


def _png_extras(data: bytes) -> list[str]:
    found, position = [], len(PNG_SIGNATURE)
    while position + 8 <= len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        kind = data[position + 4:position + 8]
        if kind not in PNG_IMAGE_CHUNKS:
            found.append(f"a PNG {kind.decode('latin-1')} chunk")
        if kind == b"IEND":
            break
        position += 12 + length
    return found
