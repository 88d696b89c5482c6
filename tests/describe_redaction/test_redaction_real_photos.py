"""Redaction of real photos, checked as a steward would: the copy, written to a file, is
described again by the real describer and read with Pillow's EXIF reader. What was removed is
gone, what was not asked for stays, and most of each photo is untouched."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import ExifTags, Image

from accessshare.library.clean_copy import metadata_left
from accessshare.library.exif import EXIF_IFD, GPS_IFD

from redaction_photos import upright_pixels  # noqa: E402 (conftest puts this folder on the path)

ACCEPTANCE = ["astronaut", "group-sample2", "group-sample5", "sign", "gps"]
# What the describer found in each original, so each test below is one that can fail.
FOUND_BEFORE = {"astronaut": "face", "group-sample2": "face", "group-sample5": "face",
                "sign": "text", "gps": "location"}
# A pixel counts as changed when a channel moved by more than this: re-encoding a JPEG at
# quality 95 moves pixels by a few levels, covering moves them by far more.
CHANGE_LEVEL = 24
METADATA_KEYS = {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "photoshop", "Author",
                 "Location", "dpi"}


def written(result, folder: Path) -> Path:
    assert result.verified, result.reason
    return result.write(folder / f"{result.path.stem}-redacted{result.suffix}")


def changed_share(original: Path, copy: Path) -> float:
    before, after = upright_pixels(original).astype(np.int16), upright_pixels(copy).astype(np.int16)
    assert before.shape == after.shape
    return float((np.abs(before - after).max(axis=2) > CHANGE_LEVEL).mean())


@pytest.mark.parametrize("name", ACCEPTANCE)
def test_the_describer_found_it_in_the_original(name, describer, photo_files):
    assert FOUND_BEFORE[name] in describer.describe(photo_files[name]).privacy


@pytest.mark.parametrize("name", ACCEPTANCE)
def test_the_describer_finds_no_face_text_or_location_in_the_written_copy(name, redacted, describer, tmp_path):
    copy = written(redacted(name), tmp_path)
    after = describer.describe(copy)
    assert after.faces == 0
    assert after.text == []
    assert not {"face", "text", "pii-text", "location", "device-id"} & set(after.privacy), after.sentence


@pytest.mark.parametrize("name", [*ACCEPTANCE, "png-chunks"])
def test_pillow_finds_no_exif_gps_device_thumbnail_or_other_metadata(name, redacted, tmp_path):
    copy = written(redacted(name), tmp_path)
    with Image.open(copy) as image:
        exif = image.getexif()
        assert dict(exif) == {}
        for ifd in (GPS_IFD, EXIF_IFD, ExifTags.IFD.IFD1):
            assert exif.get_ifd(ifd) == {}
        assert not METADATA_KEYS & set(image.info), sorted(image.info)
        assert getattr(image, "text", {}) == {}
    assert metadata_left(copy.read_bytes()) == []


def test_the_gps_photo_really_carried_all_of_it(photo_files):
    """The fixture holds what a phone writes, so the test above can fail."""
    with Image.open(photo_files["gps"]) as image:
        exif = image.getexif()
        assert exif.get_ifd(GPS_IFD)[2] and exif.get_ifd(EXIF_IFD)[0xA431] == "SN-0042-7731"
        assert exif.get_ifd(ExifTags.IFD.IFD1)[0x0202] > 0  # the thumbnail's length
        assert {"exif", "xmp", "icc_profile", "comment", "photoshop"} <= set(image.info)
    assert len(metadata_left(photo_files["gps"].read_bytes())) == 5


@pytest.mark.parametrize("name", ACCEPTANCE)
def test_less_than_a_third_of_each_photos_pixels_change(name, redacted, photo_files, tmp_path):
    result = redacted(name)
    share = changed_share(photo_files[name], written(result, tmp_path))
    print(f"{name}: {share:.1%} of pixels changed, {result.covered_share:.1%} covered")
    assert share < 1 / 3
    assert result.covered_share < 1 / 3
    assert share <= result.covered_share + 0.01  # nothing changes much outside what was covered


@pytest.mark.parametrize("name", ["astronaut", "group-sample2", "group-sample5", "sign"])
def test_every_face_and_line_the_describer_found_lies_inside_what_was_covered(name, redacted, describer, photo_files):
    before = describer.describe(photo_files[name]).findings
    result = redacted(name)
    heads = [r.box for r in result.regions if r.kind == "face"]
    areas = [r.box for r in result.regions if r.kind == "text"]
    assert len(heads) == len(before["faces"])
    for face in before["faces"]:
        assert any(inside(face["box"], head) for head in heads), face
    for line in before["text"]:
        assert any(inside(line["box"], area) for area in areas), line


def inside(box, area) -> bool:
    return area[0] <= box[0] and area[1] <= box[1] and box[2] <= area[2] and box[3] <= area[3]


def test_what_was_not_asked_for_stays(redacted, describer, tmp_path):
    """Faces removed from the sign: there are none, so nothing is covered, and its text is
    still there and said to be."""
    result = redacted("sign", "faces")
    assert result.verified and result.regions == []
    assert result.covered_share == 0
    after = describer.describe(written(result, tmp_path))
    assert "LOST CAT" in [line["text"] for line in after.text]
    assert "still shows readable text" in result.spoken()[0]


def test_the_copy_is_upright_and_only_its_metadata_goes_when_only_location_is_removed(redacted, photo_files, tmp_path):
    result = redacted("gps", "location")
    copy = written(result, tmp_path)
    assert result.regions == [] and result.format == "JPEG" and copy.suffix == ".jpg"
    with Image.open(copy) as image:
        assert image.size == (451, 300)  # stored turned, with EXIF orientation 6
    assert changed_share(photo_files["gps"], copy) < 0.001


def test_a_png_stays_a_png_with_every_pixel_kept(redacted, photo_files, tmp_path):
    result = redacted("png-chunks", "location")
    copy = written(result, tmp_path)
    assert result.format == "PNG" and copy.suffix == ".png"
    assert np.array_equal(upright_pixels(copy), upright_pixels(photo_files["png-chunks"]))
    assert metadata_left(photo_files["png-chunks"].read_bytes())  # the original had chunks


def test_faces_too_small_for_the_describer_are_found_in_tiles_and_covered(redacted, describer, photo_files, tmp_path):
    assert describer.describe(photo_files["far-group"]).faces == 0
    result = redacted("far-group", "faces")
    assert result.hidden()["faces"] == 5
    copy = written(result, tmp_path)
    assert describer.describe(copy).faces == 0
    assert changed_share(photo_files["far-group"], copy) < 0.05


@pytest.mark.parametrize(("name", "sentence"), [
    ("astronaut", "After removal: a person, face hidden; no text; no location."),
    ("group-sample5", "After removal: five people, faces hidden; no text; no location."),
    ("group-sample2", "After removal: three people, faces hidden; no text; no location."),
])
def test_the_copy_is_heard_before_it_is_shared(name, sentence, redacted):
    assert redacted(name).spoken("brief")[0] == sentence


def test_the_sign_copy_says_its_text_is_hidden_and_the_details_say_how(redacted):
    sentence, details = redacted("sign").spoken("detailed")
    assert sentence.endswith("; text hidden; no location.")
    assert any(d.startswith("Covered text in") for d in details)
    assert "Described again after covering, to check it: no face, no text and no location found." in details
