"""Quality, duplicates, metadata and label checks on real photos (no models)."""

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageEnhance, ImageFilter
from skimage import data

from accessshare.describe.duplicates import DuplicateIndex, dhash, hamming
from accessshare.describe.labels import canonical, check_label
from accessshare.describe.metadata import read_metadata
from accessshare.describe.quality import assess
from accessshare.library.exif import ExifFacts


@pytest.fixture(scope="module")
def coffee():
    return Image.fromarray(data.coffee())


@pytest.mark.parametrize("name", ["coffee", "chelsea", "astronaut", "page"])
def test_sharp_well_exposed_photos_have_no_quality_flags(name):
    assert assess(Image.fromarray(getattr(data, name)())).flags == []


def test_blur_is_found_at_any_size(coffee):
    for photo in (coffee, coffee.resize((coffee.width * 4, coffee.height * 4))):
        assert assess(photo).blur is None
        assert assess(photo.filter(ImageFilter.GaussianBlur(photo.width / 100))).blur == "very blurry"


def test_darkened_and_brightened_variants(coffee):
    assert "dark" in assess(ImageEnhance.Brightness(coffee).enhance(0.15)).flags
    assert "bright" in assess(ImageEnhance.Brightness(coffee).enhance(3.0)).flags
    assert "low-contrast" in assess(ImageEnhance.Contrast(coffee).enhance(0.1)).flags


def test_cropped_and_small_subjects(coffee):
    assert assess(coffee, (0.0, 0.3, 0.4, 0.7)).cropped_edges == ("left",)
    assert assess(coffee, (0.4, 0.4, 0.5, 0.5)).small
    assert not assess(coffee, (0.2, 0.2, 0.8, 0.8)).flags
    # A face is judged by any edge it touches; a person without a face never by the bottom.
    assert assess(coffee, (0.0, 0.2, 0.2, 0.4), part="face").cropped_edges == ("left",)
    assert assess(coffee, (0.3, 0.2, 0.6, 1.0), part="person").cropped_edges == ()
    # An unsure object may be cut off but is never called small.
    assert not assess(coffee, (0.4, 0.4, 0.5, 0.5), part="unsure object").small


def test_exposure_is_judged_against_the_content(coffee):
    page = Image.fromarray(data.page()).convert("RGB")
    white = ImageEnhance.Brightness(page).enhance(1.6)
    assert "bright" in assess(white).flags and "bright" not in assess(white, printed=True).flags
    night = Image.fromarray(data.hubble_deep_field())  # dark, but with stars in it
    assert "dark" not in assess(night).flags
    assert "dark" in assess(ImageEnhance.Brightness(coffee).enhance(0.15)).flags


def test_near_duplicates_found_and_different_photos_not(coffee):
    index = DuplicateIndex()
    index.add("a", dhash(coffee))
    index.add("b", dhash(coffee.resize((300, 200)).filter(ImageFilter.GaussianBlur(1))))
    index.add("c", dhash(Image.fromarray(data.chelsea())))
    assert index.near_duplicates_of("a") == ["b"]
    assert index.near_duplicates_of("c") == []
    assert hamming(dhash(coffee), dhash(Image.fromarray(data.astronaut()))) > 10


def test_metadata_flags_location_and_device_ids():
    facts = ExifFacts(taken=datetime(2024, 5, 1, 12, 0), gps=(51.5, -0.12), make="Canon",
                      model="Canon EOS 5D", serial="123")
    found = read_metadata(facts)
    assert found.flags == ["location", "device-id"]
    assert found.to_json() == {"taken": "2024-05-01T12:00:00", "location": {"lat": 51.5, "lon": -0.12},
                               "device": "Canon EOS 5D"}
    assert read_metadata(ExifFacts()).flags == []


def test_labels_use_synonyms():
    assert canonical("Mugs") == "cup" and canonical("kitten") == "cat"
    assert canonical("motorbike") == "motorcycle" and canonical("mobile") == "cell phone"
    agree = check_label("my coffee mug", ["cup", "spoon"])
    assert agree.agrees and agree.seen == "cup"
    disagree = check_label("puppy", ["cat"])
    assert not disagree.agrees and disagree.wanted == "dog" and disagree.checkable
    assert not check_label("old coins", ["clock"]).checkable
    assert check_label(None, ["cat"]) is None
    assert check_label("kitty", [], caption="A cat on a sofa").agrees
    assert check_label("letter from the bank", ["document"]).agrees


@settings(max_examples=60, deadline=None)
@given(hashes=st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=300),
       flips=st.lists(st.tuples(st.integers(0, 299), st.integers(0, 63)), max_size=60),
       removed=st.sets(st.integers(0, 299), max_size=20))
def test_duplicate_index_finds_exactly_what_a_brute_force_search_finds(hashes, flips, removed):
    values = {f"p{i}": value for i, value in enumerate(hashes)}
    for offset, (source, bit) in enumerate(flips):  # near copies of earlier hashes
        values[f"copy{offset}"] = hashes[source % len(hashes)] ^ (1 << bit)
    index = DuplicateIndex()
    for photo_id, value in values.items():
        index.add(photo_id, value)
    for number in removed:
        index.remove(f"p{number}")
        values.pop(f"p{number}", None)
    assert len(index) == len(values)
    for photo_id, value in values.items():
        expected = sorted((hamming(value, other), other_id) for other_id, other in values.items()
                          if other_id != photo_id and hamming(value, other) <= index.max_distance)
        assert index.near_duplicates_of(photo_id) == [other_id for _d, other_id in expected]
