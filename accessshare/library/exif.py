"""The EXIF facts that matter to a contributor: when, where, and which device or owner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PIL import Image

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
TAG_ORIENTATION = 0x0112
TAG_MAKE = 0x010F
TAG_MODEL = 0x0110
TAG_DATETIME = 0x0132
TAG_ARTIST = 0x013B
TAG_DATETIME_ORIGINAL = 0x9003
TAG_CAMERA_OWNER = 0xA430
TAG_BODY_SERIAL = 0xA431
TAG_LENS_SERIAL = 0xA435
TAG_MAKER_SERIAL = 0xC62F  # DNG CameraSerialNumber
GPS_LAT_REF, GPS_LAT, GPS_LON_REF, GPS_LON = 1, 2, 3, 4


@dataclass(frozen=True)
class ExifFacts:
    taken: datetime | None = None
    gps: tuple[float, float] | None = None
    make: str | None = None
    model: str | None = None
    owner: str | None = None
    artist: str | None = None
    serial: str | None = None
    orientation: int = 1

    @property
    def has_device_id(self) -> bool:
        """Owner, artist or serial number: fields that can identify a person or their device."""
        return bool(self.owner or self.artist or self.serial)

    @property
    def device(self) -> str | None:
        parts = [p for p in (self.make, self.model) if p]
        if len(parts) == 2 and parts[1].lower().startswith(parts[0].lower()):
            return parts[1]
        return " ".join(parts) or None

    def to_json(self) -> dict[str, Any]:
        return {
            "taken": self.taken.isoformat() if self.taken else None,
            "gps": {"lat": self.gps[0], "lon": self.gps[1]} if self.gps else None,
            "make": self.make, "model": self.model, "owner": self.owner,
            "artist": self.artist, "serial": self.serial, "orientation": self.orientation,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ExifFacts":
        if not data:  # most photos of a folder: the scan index keeps their facts as {}
            return NO_FACTS
        gps = data.get("gps")
        taken = data.get("taken")
        return cls(
            taken=datetime.fromisoformat(taken) if taken else None,
            gps=(gps["lat"], gps["lon"]) if gps else None,
            make=data.get("make"), model=data.get("model"), owner=data.get("owner"),
            artist=data.get("artist"), serial=data.get("serial"),
            orientation=int(data.get("orientation") or 1),
        )


NO_FACTS = ExifFacts()


def read_facts(image: Image.Image) -> ExifFacts:
    """Read the facts from an opened image; a damaged EXIF block yields what could be read.

    Pillow's PNG reader decodes every pixel to look for an EXIF block after the image data
    (a 291 KB PNG of 9999 by 9999 pixels costs half a gigabyte), so the base method is used:
    it reads only the header's blocks."""
    try:
        exif = Image.Image.getexif(image)
    except Exception:  # noqa: BLE001 - Pillow raises many types for broken EXIF; the photo is still usable
        return ExifFacts()
    return facts_from_exif(exif)


def facts_from_exif(exif: Image.Exif) -> ExifFacts:
    main = dict(exif)
    detail = _sub_ifd(exif, EXIF_IFD)
    return ExifFacts(
        taken=_parse_time(detail.get(TAG_DATETIME_ORIGINAL) or main.get(TAG_DATETIME)),
        gps=_gps(_sub_ifd(exif, GPS_IFD)),
        make=_text(main.get(TAG_MAKE)),
        model=_text(main.get(TAG_MODEL)),
        owner=_text(detail.get(TAG_CAMERA_OWNER)),
        artist=_text(main.get(TAG_ARTIST)),
        serial=_text(detail.get(TAG_BODY_SERIAL) or main.get(TAG_MAKER_SERIAL)
                     or detail.get(TAG_LENS_SERIAL)),
        orientation=_orientation(main.get(TAG_ORIENTATION)),
    )


def _sub_ifd(exif: Image.Exif, tag: int) -> dict:
    try:
        return dict(exif.get_ifd(tag))
    except Exception:  # noqa: BLE001 - as above: a broken block, a usable photo
        return {}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = str(value).replace("\x00", "").strip()
    return text or None


def _orientation(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= 8 else 1


def _parse_time(value: Any) -> datetime | None:
    text = _text(value)
    if not text:
        return None
    for pattern in ("%Y:%m:%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y:%m:%d %H:%M"):
        try:
            return datetime.strptime(text[:19], pattern)
        except ValueError:
            continue
    return None


def _gps(gps: dict) -> tuple[float, float] | None:
    try:
        lat = _degrees(gps[GPS_LAT], gps.get(GPS_LAT_REF, "N"), "S")
        lon = _degrees(gps[GPS_LON], gps.get(GPS_LON_REF, "E"), "W")
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return (round(lat, 7), round(lon, 7))


def _degrees(parts: Any, ref: Any, negative_ref: str) -> float:
    degrees, minutes, seconds = (float(p) for p in parts)
    value = degrees + minutes / 60 + seconds / 3600
    return -value if _text(ref) == negative_ref else value
