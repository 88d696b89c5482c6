"""One photo's models run in two lanes at once; what they find must not depend on it."""

from __future__ import annotations

import sys
from pathlib import Path

from accessshare.describe import pipeline
from accessshare.describe.pipeline import DescribeFailure, Describer
from accessshare.library.decode import open_upright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from describe_photos import save_jpeg, skimage_photo  # noqa: E402

# A face, a page of print, a cup and a cat: every lane has something to find.
PHOTOS = ("astronaut", "page", "coffee", "chelsea")


def findings_of(describer: Describer, path: Path) -> dict:
    return describer._run_models(open_upright(path, max_side=pipeline.DETECTOR_SIDE))


def test_two_lanes_find_what_one_lane_finds(describer, tmp_path, monkeypatch):
    paths = [save_jpeg(skimage_photo(name), tmp_path / f"{name}.jpg") for name in PHOTOS]
    monkeypatch.setattr(pipeline, "lane_count", lambda: 2)  # as on two cores or more
    side_by_side = [findings_of(describer, path) for path in paths]
    monkeypatch.setattr(pipeline, "lane_count", lambda: 1)
    one_after_another = [findings_of(describer, path) for path in paths]
    assert side_by_side == one_after_another
    astronaut, page = side_by_side[0], side_by_side[1]
    assert len(astronaut["faces"]) == 1 and astronaut["nudity"] < 0.1
    assert any("the" in line["text"].lower() for line in page["text"])


class BrokenScorer:
    version = "broken"

    def load(self):
        pass

    def score(self, image):
        raise RuntimeError("the nudity model stopped")


def test_a_failure_in_the_second_lane_is_the_photos_failure_and_the_rest_go_on(tmp_path):
    first = save_jpeg(skimage_photo("coffee"), tmp_path / "coffee.jpg")
    second = save_jpeg(skimage_photo("chelsea"), tmp_path / "chelsea.jpg")
    describer = Describer()
    working = describer.nudity
    describer.nudity = BrokenScorer()
    (failed,) = describer.describe_many([first])
    assert isinstance(failed, DescribeFailure)
    assert failed.error == "The photo coffee.jpg could not be described: the nudity model stopped"
    describer.nudity = working
    assert "cat" in describer.describe(second).sentence.lower()
