"""Screens and documents in a photo, inferred from detected objects and the text read.

No model of its own: COCO already names tvs, laptops, phones and books, and the text reader
tells where print covers the photo. Screens and documents are privacy findings (they may show
someone's messages, letters or card), so each rule asks for clear evidence before it fires.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

VERSION = "1"

Box = tuple[float, float, float, float]

MIN_OBJECT_CONFIDENCE = 0.45  # below this a detected tv or phone is too often a window or a box
MIN_LINE_CONFIDENCE = 0.5
SCREEN_KINDS = {"tv": "tv screen", "laptop": "laptop screen", "cell phone": "phone screen"}
COMPUTER_PERIPHERALS = ("keyboard", "mouse")
NEAR_MARGIN = 0.5  # a peripheral within half the tv's size of it counts as beside it
DOCUMENT_COVERAGE = 0.12  # text boxes covering this much of the photo make it a document
DOCUMENT_MIN_LINES = 4
CARD_ASPECT = 1.586  # ISO/IEC 7810 ID-1: bank cards, driving licences, ID cards
CARD_ASPECT_TOLERANCE = 0.2
CARD_MIN_LINES = 3
CARD_MIN_DENSITY = 0.25  # text boxes cover at least this much of the block
CARD_MAX_AREA = 0.5  # of the photo: a larger block is a page, not a card
LETTER_WORDS = re.compile(r"\b(dear|yours sincerely|yours faithfully|kind regards|best regards)\b", re.I)
MEDICINE_WORDS = re.compile(r"\b(\d+ ?mg|tablets?|capsules?|take|dose|daily|rx|pharmacy|prescription)\b", re.I)


@dataclass(frozen=True)
class ScreenOrDocument:
    """A screen or a document: its kind, where it is (0..1 of the photo) and confidence 0..1."""

    kind: str
    box: Box | None
    confidence: float


def box_of(item) -> Box:
    box = item["box"] if isinstance(item, dict) else item.box
    return tuple(float(v) for v in box)


def field(item, name: str):
    return item[name] if isinstance(item, dict) else getattr(item, name)


def area(box: Box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def union(boxes: Iterable[Box]) -> Box:
    boxes = list(boxes)
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def grown(box: Box, margin: float) -> Box:
    dx, dy = (box[2] - box[0]) * margin, (box[3] - box[1]) * margin
    return (box[0] - dx, box[1] - dy, box[2] + dx, box[3] + dy)


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def centre_inside(inner: Box, outer: Box) -> bool:
    x, y = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2
    return outer[0] <= x <= outer[2] and outer[1] <= y <= outer[3]


def find_screens_and_documents(objects, text_lines, width: int, height: int) -> list[ScreenOrDocument]:
    """Screens (tv, laptop, phone, computer), books, pill bottles, cards, letters and documents,
    most confident first. ``objects`` are DetectedObjects, ``text_lines`` TextLines."""
    objects = [o for o in objects if field(o, "confidence") >= MIN_OBJECT_CONFIDENCE]
    lines = [line for line in text_lines if field(line, "confidence") >= MIN_LINE_CONFIDENCE]
    found = screens(objects, lines) + books(objects) + pill_bottles(objects, lines)
    found += printed_matter(lines, width, height, found)
    return sorted(found, key=lambda f: -f.confidence)


def screens(objects, lines) -> list[ScreenOrDocument]:
    peripherals = [box_of(o) for o in objects if field(o, "label") in COMPUTER_PERIPHERALS]
    found = []
    for item in objects:
        kind = SCREEN_KINDS.get(field(item, "label"))
        if kind is None:
            continue
        box = box_of(item)
        if kind == "tv screen" and any(overlaps(p, grown(box, NEAR_MARGIN)) for p in peripherals):
            kind = "computer screen"
        confidence = float(field(item, "confidence"))
        if any(centre_inside(box_of(line), box) for line in lines):
            confidence = min(1.0, confidence + 0.1)  # legible text on it: surely a lit screen
        found.append(ScreenOrDocument(kind, box, round(confidence, 4)))
    return found


def books(objects) -> list[ScreenOrDocument]:
    return [ScreenOrDocument("book", box_of(o), round(float(field(o, "confidence")), 4))
            for o in objects if field(o, "label") == "book"]


def pill_bottles(objects, lines) -> list[ScreenOrDocument]:
    """A bottle with a printed label; words like "mg" or "tablets" make it surely medicine."""
    found = []
    for item in objects:
        if field(item, "label") != "bottle":
            continue
        box = box_of(item)
        label = " ".join(field(line, "text") for line in lines if centre_inside(box_of(line), box))
        if not label:
            continue
        certainty = 1.0 if MEDICINE_WORDS.search(label) else 0.6
        found.append(ScreenOrDocument("pill bottle", box, round(float(field(item, "confidence")) * certainty, 4)))
    return found


def printed_matter(lines, width: int, height: int, already: list[ScreenOrDocument]) -> list[ScreenOrDocument]:
    """Text not on a screen, book or bottle: a card (small dense block shaped like a bank
    card), a letter (a document with a greeting or sign-off) or a document (much text)."""
    taken = [f.box for f in already if f.box is not None]
    free = [line for line in lines if not any(centre_inside(box_of(line), box) for box in taken)]
    if not free:
        return []
    block = union(box_of(line) for line in free)
    text_area = sum(area(box_of(line)) for line in free)
    confidence = sum(float(field(line, "confidence")) for line in free) / len(free)
    if looks_like_card(free, block, text_area, width, height):
        return [ScreenOrDocument("card", block, round(confidence * 0.8, 4))]
    if len(free) < DOCUMENT_MIN_LINES or text_area < DOCUMENT_COVERAGE:
        return []
    text = " ".join(field(line, "text") for line in free)
    kind = "letter" if LETTER_WORDS.search(text) else "document"
    coverage = min(1.0, text_area / (2 * DOCUMENT_COVERAGE))
    return [ScreenOrDocument(kind, block, round(confidence * (0.5 + 0.5 * coverage), 4))]


def looks_like_card(lines, block: Box, text_area: float, width: int, height: int) -> bool:
    block_width, block_height = (block[2] - block[0]) * width, (block[3] - block[1]) * height
    if len(lines) < CARD_MIN_LINES or min(block_width, block_height) <= 0:
        return False
    aspect = max(block_width, block_height) / min(block_width, block_height)
    return (abs(aspect - CARD_ASPECT) <= CARD_ASPECT_TOLERANCE and area(block) <= CARD_MAX_AREA
            and text_area / area(block) >= CARD_MIN_DENSITY)
