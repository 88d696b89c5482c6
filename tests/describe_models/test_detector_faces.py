"""The face detector counts and places faces in real photos, and finds none where there are none."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import skimage
from PIL import Image

import hashlib

from accessshare.describe.faces import MODEL_FILE, MODEL_SHA256, FaceDetector, unrotate_box, weighted_nms
from accessshare.paths import asset

PHOTOS = Path(skimage.__file__).parent / "data"
GROUPS = Path(__file__).resolve().parent / "photos"  # from npm @vladmandic/face-api (MIT)


def test_the_committed_model_is_the_recorded_one():
    assert hashlib.sha256(asset("models", MODEL_FILE).read_bytes()).hexdigest() == MODEL_SHA256


@pytest.mark.parametrize("name, truth", [("group-sample2.jpg", 3), ("group-sample5.jpg", 5)])
def test_group_photos_count_every_face(face_detector, name, truth):
    """Real group photos: MTCNN, the detector before this one, counted the three women on a
    sofa as one face; each face is found once, left to right across the photo."""
    with Image.open(GROUPS / name) as image:
        faces = face_detector.detect(image.convert("RGB"))
    assert len(faces) == truth
    centres = sorted((f.box[0] + f.box[2]) / 2 for f in faces)
    assert all(later - earlier > 0.05 for earlier, later in zip(centres, centres[1:]))
    assert all(f.confidence >= 0.6 for f in faces)


def test_astronaut_has_exactly_one_face_in_the_upper_half(face_detector, photo):
    faces = face_detector.detect(photo("astronaut.png"))
    assert len(faces) == 1
    x0, y0, x1, y1 = faces[0].box
    assert 0.0 <= x0 < x1 <= 1.0 and 0.0 <= y0 < y1 <= 1.0
    assert y1 < 0.5, "her face is in the upper half of the photo"
    assert 0.3 < (x0 + x1) / 2 < 0.6, "and near the middle, left to right"
    assert 0.02 < (x1 - x0) * (y1 - y0) < 0.1, "a head-and-shoulders face, not the whole body"
    assert faces[0].confidence > 0.85 and faces[0].rotation == 0
    assert faces[0].to_json() == {"confidence": faces[0].confidence, "box": list(faces[0].box), "rotation": 0}


def test_cameraman_has_one_face(face_detector, photo):
    assert len(face_detector.detect(photo("camera.png"))) == 1


@pytest.mark.parametrize("name", ["coffee.png", "chelsea.png", "motorcycle_left.png", "page.png", "grass.png"])
def test_no_faces_where_there_are_none(face_detector, photo, name):
    assert face_detector.detect(photo(name)) == []


def test_tilted_photo_still_finds_the_face(face_detector, photo):
    for angle in (-20, 20):
        tilted = photo("astronaut.png").rotate(angle, expand=True)
        assert len(face_detector.detect(tilted)) == 1, angle


def test_upside_down_face_needs_the_rotation_search(face_detector, photo):
    """The detector sees upright and somewhat sideways faces; an upside-down photo shows none
    unless the rotation search is on, which finds the face and reports the turn."""
    upright = np.asarray(photo("astronaut.png"))
    upside_down = np.ascontiguousarray(np.rot90(upright, 2))
    assert face_detector.detect(upside_down) == []
    faces = FaceDetector(search_rotations=True).detect(upside_down)
    assert len(faces) == 1 and faces[0].rotation == 180
    # Her face, upper middle when upright, is in the lower middle of the turned photo.
    x0, y0, x1, y1 = faces[0].box
    assert y0 > 0.5 and 0.35 < (x0 + x1) / 2 < 0.75


def test_rotation_search_adds_no_false_faces(photo):
    searching = FaceDetector(search_rotations=True)
    assert searching.detect(photo("coffee.png")) == []


def test_unrotate_box_inverts_a_quarter_turn():
    # A box at the top-left of an image is at the bottom-left after a counterclockwise turn.
    assert unrotate_box((0.0, 0.8, 0.2, 1.0), 1) == (0.0, 0.0, 0.2, 0.2)
    assert unrotate_box((0.1, 0.2, 0.3, 0.4), 2) == (0.7, 0.6, 0.9, 0.8)
    for turns in range(4):
        box = (0.1, 0.2, 0.3, 0.5)
        back = unrotate_box(unrotate_box(box, turns), (4 - turns) % 4)
        assert back == pytest.approx(box)


def test_weighted_nms_merges_overlapping_boxes_into_their_weighted_mean():
    boxes = np.array([[0, 0, 10, 10], [2, 0, 12, 10], [20, 20, 30, 30]], float)
    scores = np.array([0.6, 0.9, 0.7])
    merged = weighted_nms(boxes, scores, 0.3)
    # The two left boxes overlap by IoU 0.67: one face, pulled towards the surer box.
    assert len(merged) == 2
    (first, first_score), (second, second_score) = merged
    assert first_score == 0.9 and np.allclose(first, [1.2, 0, 11.2, 10])
    assert second_score == 0.7 and np.allclose(second, [20, 20, 30, 30])


def test_tiny_and_grey_inputs_are_fine(face_detector):
    assert face_detector.detect(np.zeros((8, 8, 3), np.uint8)) == []
    assert face_detector.detect(Image.new("L", (300, 200), 128)) == []


def test_no_faces_in_labelled_faces_in_the_wilds_non_faces():
    """scikit-image's LFW subset: its 100 non-face patches (25x25 grey, enlarged and framed)
    hold no face. (Its face patches are cut tight inside the face, without hair or chin,
    which this detector, trained on whole heads in photos, does not take for faces.)"""
    detector = FaceDetector()
    patches = np.load(PHOTOS / "lfw_subset.npy")

    def framed(patch):
        face = Image.fromarray((patch * 255).astype(np.uint8)).resize((100, 100), Image.Resampling.BICUBIC)
        canvas = Image.new("L", (160, 160), 128)
        canvas.paste(face, (30, 30))
        return canvas

    assert sum(len(detector.detect(framed(p))) > 0 for p in patches[100:]) == 0


def test_version_changes_with_settings_that_change_results():
    plain = FaceDetector().version
    assert plain.startswith(FaceDetector.MODEL_VERSION)
    assert FaceDetector(search_rotations=True).version != plain
    assert FaceDetector(min_confidence=0.8).version != plain
