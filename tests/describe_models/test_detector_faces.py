"""The face detector counts and places faces in real photos, and finds none where there are none."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import skimage
from PIL import Image

from accessshare.describe.faces import FaceDetector, model_dir, nms, unrotate_box

PHOTOS = Path(skimage.__file__).parent / "data"


def test_models_come_from_the_installed_package():
    folder = model_dir()
    assert {"pnet.onnx", "rnet.onnx", "onet.onnx"} <= {p.name for p in folder.iterdir()}


def test_astronaut_has_exactly_one_face_in_the_upper_half(face_detector, photo):
    faces = face_detector.detect(photo("astronaut.png"))
    assert len(faces) == 1
    x0, y0, x1, y1 = faces[0].box
    assert 0.0 <= x0 < x1 <= 1.0 and 0.0 <= y0 < y1 <= 1.0
    assert y1 < 0.5, "her face is in the upper half of the photo"
    assert 0.3 < (x0 + x1) / 2 < 0.6, "and near the middle, left to right"
    assert 0.02 < (x1 - x0) * (y1 - y0) < 0.1, "a head-and-shoulders face, not the whole body"
    assert faces[0].confidence > 0.95 and faces[0].rotation == 0
    assert faces[0].to_json() == {"confidence": faces[0].confidence, "box": list(faces[0].box), "rotation": 0}


def test_cameraman_has_one_face(face_detector, photo):
    assert len(face_detector.detect(photo("camera.png"))) == 1


@pytest.mark.parametrize("name", ["coffee.png", "chelsea.png", "motorcycle_left.png", "page.png", "grass.png"])
def test_no_faces_where_there_are_none(face_detector, photo, name):
    assert face_detector.detect(photo(name)) == []


def test_counts_several_faces(face_detector, photo):
    """Three copies of two different people's heads on one canvas make three faces."""
    astronaut = photo("astronaut.png").crop((140, 20, 300, 220))
    cameraman = photo("camera.png").crop((170, 70, 290, 230)).resize((150, 200))
    canvas = Image.new("RGB", (900, 400), (200, 200, 200))
    for x, head in ((20, astronaut), (330, cameraman), (640, astronaut)):
        canvas.paste(head, (x, 100))
    faces = face_detector.detect(canvas)
    assert len(faces) == 3
    centres = sorted((f.box[0] + f.box[2]) / 2 for f in faces)
    assert centres[0] < 0.3 and 0.35 < centres[1] < 0.65 and centres[2] > 0.7


def test_tilted_photo_still_finds_the_face(face_detector, photo):
    for angle in (-20, 20):
        tilted = photo("astronaut.png").rotate(angle, expand=True)
        assert len(face_detector.detect(tilted)) == 1, angle


def test_sideways_face_needs_the_rotation_search(face_detector, photo):
    """MTCNN only sees upright faces (up to about 45 degrees of tilt): a quarter-turned photo
    shows none unless the rotation search is on, which finds it and reports the turn."""
    upright = np.asarray(photo("astronaut.png"))
    sideways = np.ascontiguousarray(np.rot90(upright))  # turned a quarter counterclockwise
    assert face_detector.detect(sideways) == []
    faces = FaceDetector(search_rotations=True).detect(sideways)
    assert len(faces) == 1 and faces[0].rotation == 270
    # Her face, upper middle when upright, is at the left-middle of the turned photo.
    x0, y0, x1, y1 = faces[0].box
    assert x1 < 0.5 and 0.3 < (y0 + y1) / 2 < 0.7


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


def test_nms_keeps_the_best_of_overlapping_windows():
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30], [2, 2, 6, 6]], float)
    scores = np.array([0.8, 0.9, 0.7, 0.95])
    # IoU of the two big windows is 0.68: the better (1) stays; the small one (3) overlaps
    # neither by union, so it stays too.
    assert list(nms(boxes, scores, 0.5)) == [3, 1, 2]
    nested = list(nms(boxes, scores, 0.7, by_smaller=True))
    assert 3 in nested and 1 not in nested and 0 not in nested


def test_tiny_and_grey_inputs_are_fine(face_detector):
    assert face_detector.detect(np.zeros((8, 8, 3), np.uint8)) == []
    assert face_detector.detect(Image.new("L", (300, 200), 128)) == []


def test_finds_faces_in_labelled_faces_in_the_wild_and_none_in_its_non_faces():
    """scikit-image's LFW subset: 100 face crops and 100 non-face patches, 25x25 grey. Each is
    enlarged to 100 px and framed in grey so the face is not the whole picture."""
    detector = FaceDetector()
    patches = np.load(PHOTOS / "lfw_subset.npy")

    def framed(patch):
        face = Image.fromarray((patch * 255).astype(np.uint8)).resize((100, 100), Image.Resampling.BICUBIC)
        canvas = Image.new("L", (160, 160), 128)
        canvas.paste(face, (30, 30))
        return canvas

    found_in_faces = sum(len(detector.detect(framed(p))) == 1 for p in patches[:100])
    found_in_others = sum(len(detector.detect(framed(p))) > 0 for p in patches[100:])
    assert found_in_faces >= 95
    assert found_in_others <= 2


def test_version_changes_with_settings_that_change_results():
    plain = FaceDetector().version
    assert plain.startswith(FaceDetector.MODEL_VERSION)
    assert FaceDetector(max_side=640).version != plain
    assert FaceDetector(search_rotations=True).version != plain
    assert FaceDetector(min_confidence=0.8).version != plain


def test_window_sampling_reproduces_pixels_and_is_black_outside():
    from accessshare.describe.faces import sample_windows

    image = np.random.default_rng(0).integers(0, 256, (30, 40, 3), dtype=np.uint8)
    whole = sample_windows(image, np.array([[0.0, 0.0, 40.0, 30.0]]), 30)[0]
    # Same height: rows map one to one; a 40-wide row squeezed to 30 samples is interpolated.
    same = sample_windows(image, np.array([[5.0, 5.0, 25.0, 25.0]]), 20)[0]
    assert np.allclose(same, image[5:25, 5:25], atol=1e-3)
    assert whole.shape == (30, 30, 3)
    outside = sample_windows(image, np.array([[100.0, 100.0, 120.0, 120.0]]), 8)[0]
    assert not outside.any()
    half_out = sample_windows(image, np.array([[-20.0, 0.0, 20.0, 40.0]]), 8)[0]
    assert not half_out[:, :3].any() and half_out[:4, 5:].any()
