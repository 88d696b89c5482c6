"""Shared readers (their sessions are cached anyway) and the photos the text tests use."""

from __future__ import annotations

import pytest
import skimage.data
from PIL import Image, ImageDraw, ImageFont

from accessshare.describe.nudity import NudityScorer
from accessshare.describe.text import TextReader

@pytest.fixture(scope="session")
def reader() -> TextReader:
    text_reader = TextReader()
    text_reader.load()
    return text_reader


@pytest.fixture(scope="session")
def scorer() -> NudityScorer:
    nudity = NudityScorer()
    nudity.load()
    return nudity


@pytest.fixture(scope="session")
def sign_photo() -> Image.Image:
    """The coffee photo at 1024 px with a white notice printed on it (a known text to read)."""
    photo = Image.fromarray(skimage.data.coffee()).resize((1024, 683))
    draw = ImageDraw.Draw(photo)
    font = ImageFont.load_default(size=40)
    draw.rectangle((100, 60, 900, 260), fill="white")
    draw.text((120, 80), "FRESH BREAD DAILY", font=font, fill="black")
    draw.text((120, 150), "Call 0161 496 0123", font=font, fill="black")
    draw.text((120, 200), "jane@example.com", font=font, fill="black")
    return photo

