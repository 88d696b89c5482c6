"""The describer's use of the text, nudity and screens modules, through their agreed interface.

Stand-ins with known outputs replace those three modules here, so these tests check what the
pipeline does with their findings (flags, sentence, cache) whatever the real models find.
The real modules are exercised on real photos in test_describer.py.
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass
from pathlib import Path

import pytest

from accessshare.describe.pipeline import Describer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from describe_photos import save_jpeg, skimage_photo  # noqa: E402


@dataclass
class TextLine:
    text: str
    confidence: float
    box: tuple


@dataclass
class PersonalData:
    kind: str
    text: str


@dataclass
class ScreenOrDocument:
    kind: str
    box: tuple
    confidence: float


class TextReader:
    version = "stand-in-ocr"
    likelihood = 0.9

    def __init__(self, min_confidence=0.5):
        self.reads = 0

    def load(self):
        pass

    def text_likelihood(self, image):
        return self.likelihood

    def read(self, image):
        self.reads += 1
        return [TextLine("Call 0161 496 0000", 0.93, (10, 10, 200, 40)), TextLine("Dear Sam", 0.9, (10, 50, 120, 80))]


class NudityScorer:
    version = "stand-in-nudity"
    value = 0.1

    def load(self):
        pass

    def score(self, image):
        return self.value


@pytest.fixture
def stand_ins(monkeypatch):
    text = types.SimpleNamespace(TextLine=TextLine, PersonalData=PersonalData, TextReader=TextReader,
                                 TEXT_GATE_THRESHOLD=0.5,
                                 find_personal_data=lambda lines: [PersonalData("phone", "0161 496 0000")])
    nudity = types.SimpleNamespace(NudityScorer=NudityScorer, NUDITY_THRESHOLD=0.8)
    seen = {}

    def find_screens_and_documents(objects, text_lines, width, height):
        seen.update(objects=objects, lines=text_lines, size=(width, height))
        return [ScreenOrDocument("letter", (0.1, 0.1, 0.6, 0.9), 0.8)] if text_lines else []

    screens = types.SimpleNamespace(find_screens_and_documents=find_screens_and_documents)
    for name, module in (("text", text), ("nudity", nudity), ("screens", screens)):
        monkeypatch.setitem(sys.modules, f"accessshare.describe.{name}", module)
    return seen


def test_text_personal_data_and_documents_are_flagged_and_said(stand_ins, tmp_path):
    describer = Describer()
    described = describer.describe(save_jpeg(skimage_photo("coffee"), tmp_path / "coffee.jpg"))
    assert described.text == [{"text": "Call 0161 496 0000", "confidence": 0.93},
                              {"text": "Dear Sam", "confidence": 0.9}]
    assert {"text", "pii-text", "document"} <= set(described.privacy)
    assert "nudity" not in described.privacy and "screen" not in described.privacy
    assert "phone number" in described.sentence and "a letter" in described.sentence
    assert described.models["text"] == "stand-in-ocr" and described.models["nudity"] == "stand-in-nudity"
    assert stand_ins["size"] == (600, 400) and stand_ins["objects"][0].label


def test_ocr_runs_only_when_the_gate_passes(stand_ins, tmp_path, monkeypatch):
    monkeypatch.setattr(TextReader, "likelihood", 0.2)
    describer = Describer()
    described = describer.describe(save_jpeg(skimage_photo("chelsea"), tmp_path / "cat.jpg"))
    assert describer.text_reader.reads == 0
    assert described.text == [] and "text" not in described.privacy


def test_nudity_above_the_threshold_is_a_privacy_finding(stand_ins, tmp_path, monkeypatch):
    monkeypatch.setattr(NudityScorer, "value", 0.93)
    described = Describer().describe(save_jpeg(skimage_photo("chelsea"), tmp_path / "cat.jpg"))
    assert "nudity" in described.privacy and "nudity" in described.sentence
