"""The object detector names what is in real photos, with boxes in 0..1 of the photo."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from PIL import Image

from accessshare.describe.objects import (
    COCO_LABELS,
    MODEL_FILE,
    MODEL_SHA256,
    DetectedObject,
    ObjectDetector,
    suppress_duplicates,
)
from accessshare.paths import asset


def labels(objects: list[DetectedObject]) -> list[str]:
    return [o.label for o in objects]


def test_committed_model_matches_its_recorded_checksum():
    path = asset("models", MODEL_FILE)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == MODEL_SHA256
    sums = asset("models", "SHA256SUMS").read_text()
    assert f"{MODEL_SHA256}  {MODEL_FILE}" in sums


@pytest.mark.parametrize(
    ("name", "expected"),
    [("coffee.png", "cup"), ("chelsea.png", "cat"), ("motorcycle_left.png", "motorcycle"),
     ("astronaut.png", "person")],
)
def test_finds_the_main_subject(object_detector, photo, name, expected):
    objects = object_detector.detect(photo(name))
    assert objects, f"nothing found in {name}"
    assert objects[0].label == expected, labels(objects)


def test_cat_is_not_called_a_dog(object_detector, photo):
    assert "dog" not in labels(object_detector.detect(photo("chelsea.png")))


def test_empty_sky_has_no_everyday_objects(object_detector, photo):
    assert object_detector.detect(photo("hubble_deep_field.jpg")) == []


def test_boxes_are_fractions_of_the_photo(object_detector, photo):
    for name in ("coffee.png", "motorcycle_left.png", "astronaut.png"):
        for found in object_detector.detect(photo(name)):
            x0, y0, x1, y1 = found.box
            assert 0.0 <= x0 < x1 <= 1.0 and 0.0 <= y0 < y1 <= 1.0, found
            assert 0.2 <= found.confidence <= 1.0
            assert found.label in COCO_LABELS


def test_box_follows_the_subject_in_a_wide_photo(object_detector, photo):
    """Letterbox mapping: the motorcycle sits in the same place whether the photo is padded
    on the left (subject pushed right) or not."""
    image = photo("motorcycle_left.png")
    plain = object_detector.detect(image)[0]
    padded = Image.new("RGB", (image.width * 2, image.height), (255, 255, 255))
    padded.paste(image, (image.width, 0))
    shifted = [o for o in object_detector.detect(padded) if o.label == "motorcycle"][0]
    assert shifted.box[0] == pytest.approx(0.5 + plain.box[0] / 2, abs=0.04)
    assert shifted.box[2] == pytest.approx(0.5 + plain.box[2] / 2, abs=0.04)
    # Vertical extent is only roughly stable: the padded photo reaches the model at half scale.
    assert shifted.box[1] == pytest.approx(plain.box[1], abs=0.08)
    assert shifted.box[3] == pytest.approx(plain.box[3], abs=0.08)


def test_accepts_numpy_arrays_and_grey_images(object_detector, photo):
    image = photo("coffee.png")
    from_array = object_detector.detect(np.asarray(image))
    assert labels(from_array) == labels(object_detector.detect(image))
    grey = object_detector.detect(image.convert("L"))
    assert "cup" in labels(grey)


def test_rejects_arrays_it_cannot_read(object_detector):
    with pytest.raises(ValueError):
        object_detector.detect(np.zeros((10, 10, 3), dtype=np.float32))


def test_score_floor_is_respected(photo):
    strict = ObjectDetector(min_confidence=0.55)
    found = strict.detect(photo("motorcycle_left.png"))
    assert labels(found) == ["motorcycle"]


def test_duplicate_boxes_of_one_class_collapse_but_different_objects_stay():
    boxes = np.array([[0.1, 0.1, 0.5, 0.5], [0.12, 0.1, 0.5, 0.52], [0.1, 0.1, 0.5, 0.5],
                      [0.6, 0.6, 0.9, 0.9]], np.float32)
    scores = np.array([0.9, 0.6, 0.5, 0.4], np.float32)
    classes = np.array([41, 41, 60, 41])  # cup, cup again, dining table on the same box, cup
    assert suppress_duplicates(boxes, scores, classes) == [0, 3]


def test_version_names_the_model_and_changes_with_the_score_floor():
    assert MODEL_SHA256[:8] in ObjectDetector().version
    assert ObjectDetector(min_confidence=0.3).version != ObjectDetector().version


def test_json_form_is_plain_data(object_detector, photo):
    import json

    found = object_detector.detect(photo("coffee.png"))[0]
    data = json.loads(json.dumps(found.to_json()))
    assert data["label"] == "cup" and len(data["box"]) == 4 and 0 < data["confidence"] <= 1
