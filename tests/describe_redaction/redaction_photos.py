"""Test photos for redaction, made from real photos: a sign, and files that carry every kind of
metadata a camera or an editor writes (EXIF with GPS, device, serial, owner and an EXIF
thumbnail; XMP; IPTC; an ICC profile; a comment; PNG text chunks)."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import numpy as np
import skimage.data
from PIL import Image, ImageCms, ImageDraw, ImageFont, PngImagePlugin

PHOTOS = Path(__file__).resolve().parents[1] / "describe_models" / "photos"
ASCII, SHORT, LONG, RATIONAL = 2, 3, 4, 5
GPS_POSITION = (53.4808, -2.2426)  # Manchester
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       b'<rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:City="Manchester"'
       b' xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/" mwg-rs:Name="Sam Example"/>'
       b'</rdf:RDF></x:xmpmeta>')


SIGN_LINES = ("LOST CAT", "Answers to Chelsea", "Call 0161 496 0123")


def sign_photo() -> Image.Image:
    """scikit-image's photo of a cat at 1024 px, with a notice pinned up beside it."""
    photo = Image.fromarray(skimage.data.chelsea()).resize((1024, 681))
    draw = ImageDraw.Draw(photo)
    draw.rectangle((560, 40, 1000, 300), fill=(250, 248, 235), outline=(40, 40, 40), width=4)
    for row, line in enumerate(SIGN_LINES):
        size = 56 if row == 0 else 30
        draw.text((585, 60 + 80 * row), line, font=ImageFont.load_default(size=size), fill=(20, 20, 20))
    return photo


def far_group_photo() -> Image.Image:
    """A 2000 x 1500 dune landscape with the five-person group small at its foot: faces about
    75 pixels high, too small for the describer's 1000-pixel look."""
    canvas = Image.open(PHOTOS / "landscape-dune.jpg").convert("RGB").resize((2000, 1500), Image.Resampling.BICUBIC)
    group = Image.open(PHOTOS / "group-sample5.jpg").convert("RGB")
    group = group.resize((600, round(600 * group.height / group.width)))
    canvas.paste(group, (700, 1500 - group.height))
    return canvas


def _rational(value: float) -> tuple[int, int]:
    return round(value * 10000), 10000


def _dms(value: float) -> list[tuple[int, int]]:
    value = abs(value)
    degrees, minutes = int(value), int(value * 60) % 60
    return [(degrees, 1), (minutes, 1), _rational((value * 3600) % 60)]


def _ifd(entries: list[tuple[int, int, object]], start: int, next_ifd: int = 0) -> bytes:
    """One little-endian TIFF directory at offset ``start``, its long values after it."""
    head = struct.pack("<H", len(entries))
    data_start = start + 2 + 12 * len(entries) + 4
    data = b""
    for tag, kind, value in sorted(entries, key=lambda entry: entry[0]):
        if kind == ASCII:
            raw, count = value.encode() + b"\0", len(value) + 1
        elif kind == SHORT:
            raw, count = struct.pack("<H", value), 1
        elif kind == LONG:
            raw, count = struct.pack("<I", value), 1
        else:
            raw, count = b"".join(struct.pack("<II", *pair) for pair in value), len(value)
        if len(raw) <= 4:
            head += struct.pack("<HHI", tag, kind, count) + raw.ljust(4, b"\0")
        else:
            head += struct.pack("<HHII", tag, kind, count, data_start + len(data))
            data += raw + b"\0" * (len(raw) % 2)
    return head + struct.pack("<I", next_ifd) + data


def exif_with_thumbnail(thumbnail: bytes, orientation: int = 1) -> bytes:
    """An EXIF block with IFD0 (orientation, make, model, artist), the EXIF IFD (date, serial,
    owner), the GPS IFD and IFD1 holding ``thumbnail`` (a JPEG): what a phone writes. Pillow
    cannot write IFD1, so the directories are laid out here."""
    lat, lon = GPS_POSITION
    gps = [(1, ASCII, "N" if lat >= 0 else "S"), (2, RATIONAL, _dms(lat)),
           (3, ASCII, "E" if lon >= 0 else "W"), (4, RATIONAL, _dms(lon))]
    detail = [(0x9003, ASCII, "2024:05:01 10:30:00"), (0xA430, ASCII, "Sam Example"),
              (0xA431, ASCII, "SN-0042-7731")]
    sizes = {}
    for _round in range(2):  # sizes do not depend on offsets: lay out once to learn them
        ifd0_start = 8
        exif_start = ifd0_start + sizes.get("ifd0", 0)
        gps_start = exif_start + sizes.get("exif", 0)
        ifd1_start = gps_start + sizes.get("gps", 0)
        thumb_start = ifd1_start + sizes.get("ifd1", 0)
        ifd0 = _ifd([(0x0112, SHORT, orientation), (0x010F, ASCII, "Acme"), (0x0110, ASCII, "Acme Phone 7"),
                     (0x013B, ASCII, "Sam Example"), (0x8769, LONG, exif_start), (0x8825, LONG, gps_start)],
                    ifd0_start, next_ifd=ifd1_start)
        exif = _ifd(detail, exif_start)
        gps_ifd = _ifd(gps, gps_start)
        ifd1 = _ifd([(0x0103, SHORT, 6), (0x0201, LONG, thumb_start), (0x0202, LONG, len(thumbnail))], ifd1_start)
        sizes = {"ifd0": len(ifd0), "exif": len(exif), "gps": len(gps_ifd), "ifd1": len(ifd1)}
    return b"Exif\0\0" + b"II*\0" + struct.pack("<I", 8) + ifd0 + exif + gps_ifd + ifd1 + thumbnail


def _segment(marker: int, body: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(body) + 2) + body


def iptc_segment() -> bytes:
    """APP13 with an IPTC block naming a photographer and a city."""
    records = b"".join(b"\x1c\x02" + bytes([dataset]) + struct.pack(">H", len(text)) + text
                       for dataset, text in ((80, b"Sam Example"), (90, b"Manchester")))
    resource = b"8BIM\x04\x04\0\0" + struct.pack(">I", len(records)) + records
    return _segment(0xED, b"Photoshop 3.0\0" + resource)


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def save_gps_jpeg(upright: Image.Image, path: Path) -> Path:
    """``upright`` saved as a phone would: pixels stored a quarter turn off with EXIF
    orientation 6, GPS, device, serial and owner EXIF, an EXIF thumbnail of the whole picture,
    XMP, IPTC, an ICC profile and a comment."""
    thumbnail = io.BytesIO()
    small = upright.copy()
    small.thumbnail((160, 120))
    small.save(thumbnail, "JPEG", quality=80)
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # orientation 6 turns it back
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", quality=92, exif=exif_with_thumbnail(thumbnail.getvalue(), orientation=6),
                icc_profile=srgb_profile(), comment=b"Sam's kitchen, 12 Example Street")
    data = buffer.getvalue()
    extra = _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + XMP) + iptc_segment()
    path.write_bytes(data[:2] + extra + data[2:])
    return path


def save_png_with_chunks(image: Image.Image, path: Path) -> Path:
    """A PNG with text chunks (tEXt, zTXt, iTXt), an eXIf chunk with GPS and an ICC profile."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Sam Example")
    info.add_text("Location", "12 Example Street, Manchester", zip=True)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (53.0, 28.0, 50.88), "W", (2.0, 14.0, 33.36)
    image.save(path, "PNG", pnginfo=info, exif=exif.tobytes(), icc_profile=srgb_profile())
    return path


def upright_pixels(path: Path) -> np.ndarray:
    from PIL import ImageOps

    with Image.open(path) as image:
        return np.asarray(ImageOps.exif_transpose(image).convert("RGB"))
