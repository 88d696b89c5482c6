"""The thing-and-scene classifier names real photos in plain words, from its committed model."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from PIL import Image

from accessshare.describe.things import (
    MODEL_FILE, MODEL_SHA256, WORDS_FILE, ThingClassifier, green_share, sky_share, words)
from accessshare.paths import asset

PHOTOS = Path(__file__).resolve().parent / "photos"


def test_the_committed_model_is_the_recorded_one():
    assert hashlib.sha256(asset("models", MODEL_FILE).read_bytes()).hexdigest() == MODEL_SHA256


def test_every_imagenet_class_has_plain_words_and_a_kind():
    table = words()
    assert len(table) == 1000
    assert all(row.word and row.kind for row in table)
    by_name = {row.imagenet: row for row in table}
    assert by_name["tabby"].word == "a cat" and by_name["tabby"].coco == "cat"
    assert by_name["alp"].word == "mountains" and by_name["alp"].kind == "landscape"
    assert by_name["web site"].word == "a web page" and by_name["web site"].kind == "screen"
    assert by_name["envelope"].kind == "document" and by_name["menu"].word == "a menu"
    assert by_name["golden retriever"].word == "a dog"
    # kinds a person names, not one broad "object"
    assert by_name["modem"].kind == by_name["oscilloscope"].kind == "electronics"
    assert by_name["daisy"].kind == "flower" and by_name["hammer"].kind == "tool"
    assert by_name["teddy"].kind == "toy" and by_name["hamper"].kind == "container"
    assert by_name["desk"].kind == by_name["studio couch"].kind == "furniture"
    assert len({(row.word, row.kind) for row in table}) == len({row.word for row in table})  # one kind a word
    with open(WORDS_FILE, encoding="utf-8") as handle:  # one table: no class twice
        indices = [row[0] for row in csv.reader(handle, delimiter="\t") if not row[0].startswith("#")]
    assert indices == [str(i) for i in range(1000)]


def test_a_cat_is_a_cat(photo):
    found = ThingClassifier().classify(photo("chelsea.png"))
    assert found.things[0].word == "a cat" and found.things[0].confidence > 0.8
    assert found.things[0].imagenet in {"tabby", "tiger cat", "Egyptian cat"}
    assert next(iter(found.kinds)) == "animal"


def test_coffee_is_food_and_drink(photo):
    found = ThingClassifier().classify(photo("coffee.png"))
    assert found.things[0].word == "coffee" and found.things[0].coco == "cup"
    assert next(iter(found.kinds)) == "food"


def test_a_painting_comes_out_as_pictures_of_some_kind():
    """ImageNet has no painting; the Starry Night's likeliest words are all picture-like."""
    with Image.open(PHOTOS / "painting-starry-night.jpg") as image:
        found = ThingClassifier().classify(image.convert("RGB"))
    assert {t.word for t in found.things[:3]} <= {"a book cover", "a jigsaw puzzle", "a comic"}
    assert found.kinds["artwork"] >= 0.3


def test_a_landscape_has_sky_and_a_document_and_a_cat_have_none(photo):
    with Image.open(PHOTOS / "landscape-dune.jpg") as image:
        assert sky_share(image) > 0.6
    for name in ("page.png", "chelsea.png", "coffee.png", "astronaut.png"):
        assert sky_share(photo(name)) < 0.2, name
    assert green_share(photo("chelsea.png")) < 0.2
