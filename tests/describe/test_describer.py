"""Acceptance tests of the describer on real photos (scikit-image's), through the Python API."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageEnhance, ImageFilter

from accessshare.describe.pipeline import Describer, DescribeFailure, Description
from accessshare.library.errors import ImageProblem

sys.path.insert(0, str(Path(__file__).resolve().parent))
from describe_photos import gps_exif, orientation_exif, save_jpeg, skimage_photo, tiny_captioner_module

ISSUE_KEYS = {"id", "path", "sentence", "details", "objects", "faces", "text", "quality",
              "privacy", "metadata", "width", "height", "label", "models"}


def photo(tmp_path, name: str, image: Image.Image | None = None, **exif) -> str:
    return str(save_jpeg(image or skimage_photo(name), tmp_path / f"{name}.jpg", **exif))


def test_coffee_mentions_a_cup(describer, tmp_path):
    described = describer.describe(photo(tmp_path, "coffee"))
    assert "cup" in described.sentence.lower()
    assert any(o["label"] == "cup" for o in described.objects)
    assert set(described.to_json()) == ISSUE_KEYS


def test_astronaut_flags_a_face_in_the_sentence(describer, tmp_path):
    described = describer.describe(photo(tmp_path, "astronaut"))
    assert described.faces >= 1 and "face" in described.privacy
    assert "face" in described.sentence and described.flagged


def test_page_flags_text_and_reads_words(describer, tmp_path):
    pytest.importorskip("accessshare.describe.text")
    described = describer.describe(photo(tmp_path, "page"))
    assert "text" in described.privacy
    words = " ".join(line["text"] for line in described.text).lower()
    assert "region" in words or "image" in words


def test_writing_that_cannot_be_read_is_still_a_hedged_privacy_finding(describer, tmp_path):
    pytest.importorskip("accessshare.describe.text")
    # scikit-image's "text": handwritten maths on a tilted page; nothing reads, but it is text.
    described = describer.describe(photo(tmp_path, "text"))
    assert described.text == [] and "text" in described.privacy
    assert "May show writing it could not read." in described.sentence
    assert "Reveals" not in described.sentence  # never stated as fact
    assert any("could not be read" in line for line in described.details)
    coffee = describer.describe(photo(tmp_path, "coffee"))
    assert "text" not in coffee.privacy and "writing" not in coffee.sentence


def test_blurred_and_darkened_variants_are_flagged(describer, tmp_path):
    coffee = skimage_photo("coffee")
    blurred = describer.describe(photo(tmp_path, "blurred", coffee.filter(ImageFilter.GaussianBlur(8))))
    darkened = describer.describe(photo(tmp_path, "dark", ImageEnhance.Brightness(coffee).enhance(0.15)))
    assert "blurry" in blurred.quality and "blurry" in blurred.sentence
    assert "dark" in darkened.quality and "dark" in darkened.sentence.lower()
    assert "blurry" not in describer.describe(photo(tmp_path, "coffee")).quality


def test_gps_exif_gives_location(describer, tmp_path):
    described = describer.describe(photo(tmp_path, "chelsea", exif=gps_exif(51.5, -0.125)))
    assert "location" in described.privacy
    assert described.metadata["location"] == pytest.approx({"lat": 51.5, "lon": -0.125}, abs=1e-4)
    assert "location" in described.sentence


def test_exif_rotated_photo_is_described_upright(describer, tmp_path):
    upright = skimage_photo("astronaut").resize((512, 384))
    plain = describer.describe(photo(tmp_path, "upright", upright))
    # Stored turned a quarter clockwise, with orientation 8 telling viewers to turn it back.
    stored = upright.transpose(Image.Transpose.ROTATE_270)
    rotated = describer.describe(photo(tmp_path, "rotated", stored, exif=orientation_exif(8)))
    assert (rotated.width, rotated.height) == (512, 384)
    assert rotated.faces == plain.faces >= 1
    face_box = rotated.findings["faces"][0]["box"]
    assert face_box == pytest.approx(plain.findings["faces"][0]["box"], abs=0.03)


def test_unreadable_photo_raises_a_plain_problem(describer, tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8 not really a jpeg")
    with pytest.raises(ImageProblem) as problem:
        describer.describe(broken)
    assert "broken.jpg" in str(problem.value)
    results = list(describer.describe_many([broken, photo(tmp_path, "coffee")], workers=2))
    assert isinstance(results[0], DescribeFailure) and "broken.jpg" in results[0].error
    assert isinstance(results[1], Description)


def test_describing_opens_no_network_socket(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    fresh = Describer()  # loads every model inside the guard
    described = fresh.describe(photo(tmp_path, "astronaut"))
    assert described.sentence


class DictCache:
    def __init__(self):
        self.entries = {}

    def get(self, content_hash, models_key):
        return self.entries.get((content_hash, models_key))

    def put(self, content_hash, models_key, payload):
        self.entries[(content_hash, models_key)] = payload


def test_cache_hit_gives_the_same_description_without_models(tmp_path, monkeypatch):
    cache = DictCache()
    first = Describer(cache=cache).describe(photo(tmp_path, "chelsea"))
    again = Describer(cache=cache)
    monkeypatch.setattr(again.objects, "detect", lambda image: pytest.fail("model ran"))
    assert again.describe(first.path).to_json() == first.to_json()
    detailed = first.rephrased("detailed")
    assert detailed.verbosity == "detailed" and detailed.objects == first.objects
    assert any(place in " ".join(detailed.details) for place in ("left", "centre", "right"))


def test_near_duplicate_found_in_the_same_dataset_even_from_the_cache(tmp_path):
    cache = DictCache()
    coffee = skimage_photo("coffee")
    original = photo(tmp_path, "coffee", coffee)
    smaller = photo(tmp_path, "coffee-small", coffee.resize((300, 200)))
    other = photo(tmp_path, "chelsea")
    first = Describer(cache=cache)
    results = [first.describe(p) for p in (original, other, smaller)]
    assert [("duplicate" in r.quality) for r in results] == [False, False, True]
    reopened = Describer(cache=cache)
    again = [reopened.describe(p) for p in (original, other, smaller)]
    assert "duplicate" in again[2].quality and "coffee.jpg" in " ".join(again[2].details)


def test_describe_many_names_the_earlier_twin_on_the_later_whatever_the_timing(tmp_path):
    cache = DictCache()
    coffee = skimage_photo("coffee")
    order = [photo(tmp_path, "coffee", coffee), photo(tmp_path, "chelsea"),
             photo(tmp_path, "coffee-small", coffee.resize((300, 200)))]
    for _attempt in range(3):
        describer = Describer(cache=cache)
        results = list(describer.describe_many(order, workers=2))
        assert [("duplicate" in r.quality) for r in results] == [False, False, True]
        assert describer.twins_of(results[0].id) == [results[2].id]


def test_a_new_dataset_forgets_the_twins_of_the_last(tmp_path):
    cache = DictCache()
    coffee = skimage_photo("coffee")
    describer = Describer(cache=cache)
    describer.describe(photo(tmp_path, "coffee", coffee))
    describer.start_dataset()
    alone = describer.describe(photo(tmp_path, "coffee-small", coffee.resize((300, 200))))
    assert "duplicate" not in alone.quality


def test_caption_model_leads_the_sentence(tmp_path):
    folder = tiny_captioner_module().build_tiny_captioner(tmp_path / "tiny")
    captioned = Describer(caption_model=folder)
    described = captioned.describe(photo(tmp_path, "astronaut"))
    assert captioned.caption_problem is None
    assert described.sentence.startswith("A cup of coffee.")
    assert "face" in described.privacy and "face" in described.sentence
    assert "caption" in described.models


def test_broken_caption_folder_falls_back_with_a_clear_problem(tmp_path):
    broken = tmp_path / "not-a-model"
    broken.mkdir()
    (broken / "config.json").write_text("{}")
    fallback = Describer(caption_model=broken)
    assert fallback.caption_problem and "caption model" in fallback.caption_problem
    described = fallback.describe(photo(tmp_path, "coffee"))
    assert "cup" in described.sentence.lower() and "caption" not in described.models
