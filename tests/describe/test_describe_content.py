"""What the describer says a real photo shows, and which quality flags it raises (issue 15)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PIL import Image, ImageEnhance

from accessshare.describe.pipeline import Describer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from describe_photos import save_jpeg, skimage_photo

PHOTOS = Path(__file__).resolve().parent.parent / "describe_models" / "photos"


def saved(tmp_path, name: str, image: Image.Image) -> str:
    return str(save_jpeg(image, tmp_path / f"{name}.jpg"))


def committed(name: str) -> str:
    return str(PHOTOS / name)


def test_a_cat_is_said_plainly_because_both_models_agree(describer, tmp_path):
    described = describer.describe(saved(tmp_path, "chelsea", skimage_photo("chelsea")))
    assert described.sentence.startswith("A cat.")
    assert described.quality == []  # a cat filling the frame is a close-up, not cut off


def test_a_landscape_is_an_outdoor_scene(describer):
    described = describer.describe(committed("landscape-dune.jpg"))
    assert described.sentence.startswith("An outdoor scene; nothing recognised in it.")
    assert "dog" not in described.sentence  # the classifier's unsure guess is not said
    assert described.quality == []


def test_a_painting_is_a_picture(describer):
    described = describer.describe(committed("painting-starry-night.jpg"))
    assert described.sentence.startswith("Perhaps a picture or painting")
    assert "No objects recognised" not in described.sentence


def test_the_kind_comes_first_when_the_classes_agree_on_it_but_not_on_one_class(describer):
    """A circuit board: a modem 0.70, a hard drive and an oscilloscope; electronics 0.98. It
    was "A modem."."""
    described = describer.describe(committed("circuit-board.jpg"))
    assert described.sentence.startswith("Electronics, perhaps a modem.")


def test_an_unsure_daisy_is_still_a_flower(describer):
    """One orange flower, a daisy at 0.5: it was "May show a daisy.", which never says flower."""
    described = describer.describe(committed("flower-orange.jpg"))
    assert described.sentence.startswith("May show a flower, perhaps a daisy.")


def test_a_green_leaf_gets_its_kind_before_an_unsure_guess(describer):
    """A leaf filling the frame: the detector's unsure banana was all it said."""
    described = describer.describe(committed("leaf-green.jpg"))
    assert described.sentence.startswith("Plants or greenery. May show")


def test_a_document_is_a_page_of_print_not_a_pill_bottle(describer, tmp_path):
    pytest.importorskip("accessshare.describe.text")
    described = describer.describe(saved(tmp_path, "page", skimage_photo("page")))
    assert described.sentence.startswith("A page of print. Reveals readable text and a document.")
    assert "pill bottle" not in described.sentence


def test_a_white_page_is_not_too_bright(describer, tmp_path):
    pytest.importorskip("accessshare.describe.text")
    white = ImageEnhance.Brightness(skimage_photo("page")).enhance(1.5)
    assert "bright" not in describer.describe(saved(tmp_path, "white", white)).quality
    washed = ImageEnhance.Brightness(skimage_photo("coffee")).enhance(3.0)
    assert "bright" in describer.describe(saved(tmp_path, "washed", washed)).quality


def test_a_portrait_cut_at_the_waist_is_not_cut_off(describer, tmp_path):
    """The astronaut was 'cut off at the left edge' (her body's box touches it); her face,
    the part that matters, is well inside the frame."""
    described = describer.describe(saved(tmp_path, "astronaut", skimage_photo("astronaut")))
    assert "cropped" not in described.quality and "cut off" not in described.sentence


def test_a_face_cut_by_the_edge_is_cut_off(describer, tmp_path):
    astronaut = skimage_photo("astronaut")
    width, height = astronaut.size
    cut = astronaut.crop((int(width * 0.42), 0, width, height))  # through her face
    described = describer.describe(saved(tmp_path, "face-cut", cut))
    assert "cropped" in described.quality and "Cut off at the" in described.sentence


def test_a_clipped_object_is_cut_off_on_the_side_it_continues(describer, tmp_path):
    coffee = skimage_photo("coffee")
    width, height = coffee.size
    described = describer.describe(saved(tmp_path, "half-cup", coffee.crop((0, 0, width // 2, height))))
    assert described.sentence.startswith("A cup.")
    assert "Cut off at the right edge." in described.sentence


def test_a_group_photo_counts_every_face_and_person(describer):
    described = describer.describe(committed("group-sample2.jpg"))
    assert described.faces == 3
    assert described.sentence.startswith("Three people.") and "Reveals three faces" in described.sentence


def test_coins_are_many_small_round_objects_perhaps_coins(describer, tmp_path):
    """Neither COCO nor ImageNet has a coin: the outlines, the engraved grey surface and the
    classifier's small round guesses (a golf ball, a thimble) together say what can be said."""
    described = describer.describe(saved(tmp_path, "coins", skimage_photo("coins")))
    assert described.sentence == "Many small round objects, perhaps coins or buttons, on a dark background."
    assert "clock" not in described.sentence  # the detector's unsure clock is one of the coins
    assert any("round objects of about one size, found by their outlines" in line and "coins or buttons" in line
               for line in described.details)
    assert described.quality == []


def test_sweets_are_round_objects_of_many_colours_but_not_coins(describer):
    described = describer.describe(committed("sweets-smarties.jpg"))
    assert described.sentence.startswith("Many small round objects of many colours")
    assert "coins" not in described.sentence and "No objects recognised" not in described.sentence


@pytest.mark.parametrize("name", ["clock", "retina", "coffee", "astronaut", "hubble_deep_field", "gravel"])
def test_a_clock_face_an_eye_a_cup_and_saucer_or_a_face_are_not_round_objects(describer, tmp_path, name):
    described = describer.describe(saved(tmp_path, name, skimage_photo(name)))
    assert "round objects" not in described.sentence and "coins" not in described.sentence
    assert not any("round objects" in line for line in described.details)


def test_gravel_is_an_even_texture_rather_than_nothing(describer, tmp_path):
    described = describer.describe(saved(tmp_path, "gravel", skimage_photo("gravel")))
    assert described.sentence == "An even texture fills the frame; nothing recognised in it."


def test_stale_cached_findings_are_described_again(tmp_path, monkeypatch):
    """A cache entry of older models or phrasing is not used: the photo is described anew
    (in the app, by its background describer) and stored under the current key."""

    class Cache(dict):
        def get(self, content_hash, models_key):
            return super().get((content_hash, models_key))

        def put(self, content_hash, models_key, payload):
            self[(content_hash, models_key)] = payload

    cache = Cache()
    path = saved(tmp_path, "chelsea", skimage_photo("chelsea"))
    describer = Describer(cache=cache)
    first = describer.describe(path)
    old_key = describer.models_key.replace("phrasing=", "phrasing=old-")
    cache[(first.id, old_key)] = {**cache.pop((first.id, describer.models_key)), "objects": []}
    ran = []
    original = describer.things.classify
    monkeypatch.setattr(describer.things, "classify", lambda image: ran.append(1) or original(image))
    again = describer.describe(path)
    assert ran and again.sentence.startswith("A cat.")
    assert (first.id, describer.models_key) in cache
