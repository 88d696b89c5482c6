"""Truer quality flags and details on real photos (issue 15): exposure judged against what the
photo shows, cut off judged by the main subject's important part, details that agree with the
sentence."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageEnhance
from skimage import data

from accessshare.describe.quality import assess

sys.path.insert(0, str(Path(__file__).resolve().parent))
from describe_photos import save_jpeg, skimage_photo

PHOTOS = Path(__file__).resolve().parent.parent / "describe_models" / "photos"


def described(describer, tmp_path, name: str, image: Image.Image):
    return describer.describe(str(save_jpeg(image, tmp_path / f"{name}.jpg")))


def left_third(image: Image.Image) -> Image.Image:
    return image.crop((0, 0, image.width // 3, image.height))


# ---- exposure ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["cards-on-white.jpg", "pale-wood.jpg"])
def test_white_cards_and_pale_wood_are_not_too_bright(describer, name):
    """Cards on a white table (58% blown, none of it on the cards) and pale wood (nothing
    blown) were "Too bright"; nor are they low contrast (the cards' red pips, the grain)."""
    found = describer.describe(str(PHOTOS / name))
    assert found.quality == []
    assert "bright" not in found.sentence.lower() and "contrast" not in found.sentence.lower()
    stored = json.loads(json.dumps(found.findings))  # as the description cache keeps them
    assert stored["quality"]["bright"] is False and stored["quality"]["low_contrast"] is False


@pytest.mark.parametrize("name, factor", [("camera", 1.6), ("chelsea", 3.0), ("coffee", 3.0)])
def test_a_brightened_photo_is_still_too_bright(describer, tmp_path, name, factor):
    washed = ImageEnhance.Brightness(skimage_photo(name)).enhance(factor)
    found = described(describer, tmp_path, f"{name}-x{factor}", washed)
    assert "bright" in found.quality and "Too bright" in found.sentence
    assert "Too bright; parts are washed out." in found.details


def test_blown_cards_are_too_bright_though_a_white_background_is_not():
    cards = Image.open(PHOTOS / "cards-on-white.jpg")
    assert not assess(cards).bright
    assert assess(ImageEnhance.Brightness(cards).enhance(1.6)).bright  # the cards themselves blown


# ---- cut off -------------------------------------------------------------------------------

def test_two_people_in_a_hall_are_not_cut_off(describer):
    """The man on the right is at the edge, his head and body inside; the sure person on the
    left is the subject."""
    found = describer.describe(str(PHOTOS / "two-people-in-a-hall.jpg"))
    assert "cropped" not in found.quality and "cut off" not in found.sentence.lower()
    assert not any("cut off" in line for line in found.details)


def test_a_keyboard_in_the_corner_is_not_the_subject(describer):
    found = describer.describe(str(PHOTOS / "chessboard-held-up.jpg"))
    assert "keyboard" in found.sentence  # named, but the framing is not judged by it
    assert "cropped" not in found.quality


def test_a_person_turned_away_is_cut_off_only_when_little_of_them_is_inside():
    hall = Image.open(PHOTOS / "two-people-in-a-hall.jpg")
    man_at_the_edge = (0.703, 0.043, 1.0, 0.986)  # the detector's box: a third as wide as tall
    assert assess(hall, man_at_the_edge, part="person").cropped_edges == ()
    assert assess(hall, (0.9, 0.04, 1.0, 0.98), part="person").cropped_edges == ("right",)
    assert assess(hall, (0.3, 0.0, 0.6, 0.9), part="person").cropped_edges == ("top",)  # the head


def test_a_subject_spanning_a_16_by_9_photo_is_a_close_up_not_a_strip():
    """Cameras and phones frame 16:9 (0.5625): a bird on a trunk from top to bottom of such a
    photo is framed, not cut; the left third of a 4:3 or 3:2 photo (0.44, 0.5) is a strip."""
    wide = Image.new("RGB", (1600, 900), "grey")
    bird = (0.4, 0.0, 0.6, 1.0)
    assert assess(wide, bird, part="object").cropped_edges == ()
    third = Image.new("RGB", (150, 300), "grey")
    assert assess(third, (0.0, 0.0, 1.0, 1.0), part="object").cropped_edges == ("left", "right")


@pytest.mark.parametrize("keep, edge", [((0.42, 1.0), "left"), ((0.0, 0.5), "right")])
def test_a_face_cut_by_either_edge_is_cut_off(describer, tmp_path, keep, edge):
    astronaut = skimage_photo("astronaut")
    width = astronaut.width
    cut = astronaut.crop((int(width * keep[0]), 0, int(width * keep[1]), astronaut.height))
    found = described(describer, tmp_path, f"face-{edge}", cut)
    assert "cropped" in found.quality and f"Cut off at the {edge} edge." in found.sentence
    assert f"The face is cut off at the {edge} edge." in found.details


def test_the_left_third_of_an_animal_photo_is_cut_off(describer, tmp_path):
    """Issue 15: the left third of a photo of a dog was "May show a cat" with no flag. A close-up
    fills a camera's frame; a strip cut from a photo, filled by the animal, shows a part."""
    dog = Image.open(PHOTOS / "dog-close-up.jpg").convert("RGB")
    assert describer.describe(str(PHOTOS / "dog-close-up.jpg")).quality == []
    found = described(describer, tmp_path, "dog-third", left_third(dog))
    assert "dog" in found.sentence and "cropped" in found.quality
    assert "Cut off at the left and right edges." in found.sentence
    cat = described(describer, tmp_path, "cat-third", left_third(skimage_photo("chelsea")))
    assert cat.sentence.startswith("A cat.") and "cropped" in cat.quality
    assert "The cat is cut off at the left and right edges." in cat.details


def test_half_a_cup_is_the_cup_cut_off_not_the_table(describer, tmp_path):
    coffee = skimage_photo("coffee")
    found = described(describer, tmp_path, "half-cup", coffee.crop((0, 0, coffee.width // 2, coffee.height)))
    assert "The cup is cut off at the right edge." in found.details


# ---- details that agree with the sentence --------------------------------------------------

def test_the_coins_details_say_round_objects_not_clocks(describer, tmp_path):
    coins = Image.fromarray(data.coins()).convert("RGB")
    found = described(describer, tmp_path, "coins", coins)
    assert found.sentence == "Many small round objects, perhaps coins or buttons, on a dark background."
    assert found.details[0].startswith("Many round objects of about one size")
    for word in ("clock", "table", "golf ball"):
        assert word not in " ".join(found.details), word
    detailed = found.rephrased("detailed").details  # guesses kept, marked as set aside
    assert any("clocks" in line and "of the round objects" in line for line in detailed)
    assert any(line.startswith("Set aside: a golf ball") for line in detailed)


def test_a_page_of_print_is_not_also_a_pill_bottle_in_the_details(describer, tmp_path):
    pytest.importorskip("accessshare.describe.text")
    found = described(describer, tmp_path, "page", skimage_photo("page"))
    assert found.sentence.startswith("A page of print.")
    assert "pill bottle" not in " ".join(found.details)


def test_a_label_the_sentence_bears_out_is_not_called_uncheckable(describer, tmp_path):
    """The sample's coins are labelled 'old coins' and its rocket 'rocket launch': no model
    knows either, but the sentence says "perhaps coins" and "or a rocket"."""
    from accessshare.describe.phrasing import phrase

    coins = described(describer, tmp_path, "coins", Image.fromarray(data.coins()).convert("RGB"))
    label = {"label": "old coins", "wanted": "old coins", "agrees": False, "seen": None, "checkable": False}
    assert phrase({**coins.findings, "label": label})[1][-1] == "Labelled 'old coins', as the description suggests."
    puppy = {"label": "my puppy", "wanted": "dog", "agrees": False, "seen": None, "checkable": True}
    assert phrase({**coins.findings, "label": puppy})[1][-1] == "Labelled 'my puppy', but no dog was recognised."
