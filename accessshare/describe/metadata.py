"""What a photo's EXIF gives away: where it was taken, and who or which device took it."""

from __future__ import annotations

from dataclasses import dataclass

from accessshare.library.exif import ExifFacts


@dataclass(frozen=True)
class MetadataFindings:
    taken: str | None  # ISO 8601
    location: tuple[float, float] | None
    device: str | None
    identifiers: tuple[str, ...]  # which identifying fields are present: owner, artist, serial

    @property
    def flags(self) -> list[str]:
        flags = []
        if self.location is not None:
            flags.append("location")
        if self.identifiers:
            flags.append("device-id")
        return flags

    def to_json(self) -> dict:
        location = {"lat": self.location[0], "lon": self.location[1]} if self.location else None
        return {"taken": self.taken, "location": location, "device": self.device}


def read_metadata(facts: ExifFacts | None) -> MetadataFindings:
    facts = facts or ExifFacts()
    identifiers = tuple(name for name in ("owner", "artist", "serial") if getattr(facts, name))
    return MetadataFindings(
        taken=facts.taken.isoformat() if facts.taken else None,
        location=tuple(facts.gps) if facts.gps else None,
        device=facts.device,
        identifiers=identifiers,
    )


def from_json(data: dict, identifiers: tuple[str, ...] = ()) -> MetadataFindings:
    location = data.get("location")
    return MetadataFindings(taken=data.get("taken"),
                            location=(location["lat"], location["lon"]) if location else None,
                            device=data.get("device"), identifiers=tuple(identifiers))
