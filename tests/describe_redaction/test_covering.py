"""Covering cannot be undone: what fills a covered area is worked out from the pixels around it
alone, so a copy is the same whatever was under it. And heads and tiles are where they should be."""

from __future__ import annotations

import numpy as np
import pytest
import skimage.data
from PIL import Image

from accessshare.describe.faces import DetectedFace
from accessshare.describe.redaction import (Found, cover, coverage, fill_from_surroundings, head_box,
                                            tiles)


@pytest.fixture(scope="module")
def astronaut_found(redactor):
    photo = Image.fromarray(skimage.data.astronaut())
    return photo, redactor._search(photo, frozenset({"faces", "text"}))


def test_the_copy_is_the_same_whatever_was_under_the_covering(astronaut_found):
    photo, found = astronaut_found
    mask, _regions = coverage(photo.size, found)
    assert mask.mean() > 0.05  # the head is covered
    other = np.array(photo)
    other[mask] = np.random.default_rng(7).integers(0, 256, size=(int(mask.sum()), 3), dtype=np.uint8)
    first = np.asarray(fill_from_surroundings(photo, mask))
    second = np.asarray(fill_from_surroundings(Image.fromarray(other), mask))
    assert np.array_equal(first, second)
    assert np.array_equal(first[~mask], np.asarray(photo)[~mask])  # nothing else changes


def test_a_large_photo_is_filled_without_anything_from_under_the_covering():
    """At 12 MP the fill is worked out on a smaller copy; a pixel of it that any covered pixel
    falls into counts as covered, so nothing from under the covering leaks in there either."""
    photo = np.asarray(Image.fromarray(skimage.data.coffee()).resize((4000, 3000)))
    mask = np.zeros(photo.shape[:2], bool)
    mask[1001:1999, 1503:2777] = True  # edges that do not fall on the smaller copy's grid
    other = photo.copy()
    other[mask] = 255 - other[mask]
    assert np.array_equal(np.asarray(fill_from_surroundings(Image.fromarray(photo), mask)),
                          np.asarray(fill_from_surroundings(Image.fromarray(other), mask)))


def test_the_detector_finds_no_face_where_the_head_was(astronaut_found, describer):
    photo, found = astronaut_found
    covered, regions, share = cover(photo, found)
    assert [r.kind for r in regions] == ["face"]
    assert describer.faces.detect(covered) == []
    assert describer.faces.detect(photo)  # and it did before


def test_a_flat_colour_around_a_hole_fills_it_with_that_colour():
    photo = Image.new("RGB", (300, 200), (10, 120, 240))
    pixels = np.array(photo)
    pixels[50:150, 100:200] = 0
    mask = np.zeros((200, 300), bool)
    mask[50:150, 100:200] = True
    filled = np.asarray(fill_from_surroundings(Image.fromarray(pixels), mask))
    assert np.abs(filled.astype(int) - [10, 120, 240]).max() <= 1


@pytest.mark.parametrize(("rotation", "hair_side"), [(0, "top"), (90, "right"), (180, "bottom"), (270, "left")])
def test_the_head_reaches_furthest_on_the_side_the_hair_is(rotation, hair_side):
    x0, y0, x1, y1 = head_box(DetectedFace(0.9, (0.4, 0.4, 0.6, 0.6), rotation), 1000, 1000)
    margins = {"left": 400 - x0, "top": 400 - y0, "right": x1 - 600, "bottom": y1 - 600}
    assert max(margins, key=margins.get) == hair_side


def test_a_head_found_twice_is_covered_once():
    found = Found(heads=[((100, 100, 200, 220), "search"), ((105, 98, 204, 225), "search"),
                         ((400, 100, 500, 220), "search")])
    _mask, regions = coverage((600, 400), found)
    assert len(regions) == 2


def test_tiles_overlap_and_cover_the_whole_photo():
    covered = np.zeros((3000, 4000), bool)
    for left, top, right, bottom in tiles(4000, 3000, 1000):
        assert right - left == 1000 and bottom - top == 1000
        covered[top:bottom, left:right] = True
    assert covered.all()
    near = tiles(4000, 3000, 1000, near=[(3900, 2900, 3950, 2950)])
    assert near == [(3000, 2000, 4000, 3000)]
