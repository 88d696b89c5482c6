"""Round objects counted by their outlines and even textures, on real photos: coins and sweets,
and round things that are not several small objects (a clock face, a retina, a cup on its
saucer, faces); gravel, bricks and grass, and photos that are no texture."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from accessshare.describe.shapes import even_texture, round_objects

PHOTOS = Path(__file__).resolve().parent / "photos"


def committed(name: str) -> Image.Image:
    with Image.open(PHOTOS / name) as image:
        return image.convert("RGB")


def test_coins_are_many_grey_engraved_round_objects_on_a_dark_background(photo):
    found = round_objects(photo("coins.png"))  # 24 Greek coins
    assert found is not None
    assert 18 <= found.count <= 24
    assert found.colour == "grey" and found.engraved and found.background == "dark"
    assert all(0 <= x0 < x1 <= 1.01 and 0 <= y0 < y1 <= 1.01 for x0, y0, x1, y1 in found.boxes)


def test_sweets_are_smooth_round_objects_of_many_colours():
    found = round_objects(committed("sweets-smarties.jpg"))
    assert found is not None and found.count >= 8
    assert found.colour == "colourful" and not found.engraved and found.background == "light"


@pytest.mark.parametrize("name", ["clock_motion.png", "retina.jpg", "coffee.png", "astronaut.png",
                                  "chelsea.png", "hubble_deep_field.jpg", "gravel.png", "moon.png"])
def test_one_round_thing_points_of_light_or_rough_stones_are_not_several_round_objects(photo, name):
    assert round_objects(photo(name)) is None, name


@pytest.mark.parametrize("name", ["group-sample2.jpg", "group-sample5.jpg", "landscape-dune.jpg"])
def test_faces_in_a_group_and_a_landscape_are_not_round_objects(name):
    assert round_objects(committed(name)) is None



@pytest.mark.parametrize("name", ["gravel.png", "brick.png", "grass.png"])
def test_gravel_bricks_and_grass_are_one_even_texture(photo, name):
    assert even_texture(photo(name))


@pytest.mark.parametrize("name", ["coins.png", "hubble_deep_field.jpg", "astronaut.png", "page.png", "moon.png",
                                  "coffee.png", "text.png"])
def test_photos_of_things_and_pages_are_not_an_even_texture(photo, name):
    assert not even_texture(photo(name))


@pytest.mark.parametrize("name", ["landscape-dune.jpg", "painting-starry-night.jpg", "sweets-smarties.jpg"])
def test_a_landscape_a_painting_and_sweets_are_not_an_even_texture(name):
    assert not even_texture(committed(name))
