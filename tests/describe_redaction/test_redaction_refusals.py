"""A copy that cannot be verified, a photo that changed or cannot be read, and a condition
that makes no sense: each is a result or an error in one sentence, and no bytes to write."""

from __future__ import annotations

import hashlib
import os

import pytest

from accessshare.describe.faces import DetectedFace
from accessshare.describe.redaction import KINDS, RedactionJob, parse_kinds


@pytest.fixture
def stubborn_face(monkeypatch, describer):
    """The real describer, but its face detector keeps finding a face in the middle of every
    image, covered or not."""
    face = DetectedFace(0.95, (0.4, 0.4, 0.6, 0.6))
    monkeypatch.setattr(describer.faces, "detect", lambda image: [face])
    monkeypatch.setattr(describer.faces, "detect_turned", lambda image: [])


def test_a_face_still_found_after_two_checks_is_not_verified_and_has_no_bytes(stubborn_face, redactor, photo_files, tmp_path):
    result = redactor.redact(photo_files["group-sample2"], "faces,text,location")
    assert not result.verified
    assert result.data is None
    assert result.checks == 2
    assert result.reason == ("The copy of group-sample2.jpg still shows a face after covering and checking "
                             "it twice, so it was not verified and will not be shared.")
    assert result.spoken() == (result.reason, [])
    with pytest.raises(ValueError, match="group-sample2.jpg still shows a face"):
        result.write(tmp_path / "copy.jpg")
    assert list(tmp_path.iterdir()) == []
    assert result.to_json()["verified"] is False


def test_a_photo_changed_since_it_was_decided_on_is_not_copied(redactor, photo_files):
    result = redactor.redact(photo_files["sign"], "text", expected_hash="0" * 64)
    assert not result.verified and result.data is None
    assert result.reason == "sign.jpg changed since it was decided on, so no copy was made."


def test_the_hash_decided_on_lets_the_copy_through(redactor, photo_files):
    digest = hashlib.sha256(photo_files["gps"].read_bytes()).hexdigest()
    assert redactor.redact(photo_files["gps"], "location", expected_hash=digest).verified


def test_a_file_that_is_not_a_photo_gets_one_sentence(redactor, tmp_path):
    fake = tmp_path / "holiday.jpg"
    fake.write_text("not a photo")
    result = redactor.redact(fake, "all")
    assert not result.verified and result.data is None
    assert result.reason == ("holiday.jpg is not a photo that AccessShare can read; it may be a different "
                             "kind of file with a photo's name.")


def test_a_missing_file_and_a_pipe_get_one_sentence_each(redactor, tmp_path):
    assert redactor.redact(tmp_path / "gone.jpg", "all").reason == (
        "The photo gone.jpg is missing; it may have been moved or deleted.")
    pipe = tmp_path / "pipe.jpg"
    os.mkfifo(pipe)
    assert redactor.redact(pipe, "all").reason == "pipe.jpg is not a regular file (it is a device, pipe or socket), so it was not read."


def test_redact_many_streams_results_in_the_order_given(redactor, photo_files):
    jobs = [RedactionJob(photo_files["gps"], frozenset({"location"})),
            RedactionJob(photo_files["sign"], frozenset({"text"}), expected_hash="f" * 64),
            RedactionJob(photo_files["png-chunks"], frozenset({"location"}))]
    results = redactor.redact_many(jobs, workers=2)
    first = next(results)
    assert first.name == "cat-with-gps.jpg" and first.verified
    rest = list(results)
    assert [r.name for r in rest] == ["sign.jpg", "coffee-chunks.png"]
    assert [r.verified for r in rest] == [False, True]


def test_a_verified_copy_is_written_whole_and_nothing_else_is_left(redacted, tmp_path):
    result = redacted("gps", "location")
    target = result.write(tmp_path / "cat.jpg")
    assert target.read_bytes() == result.data
    assert [p.name for p in tmp_path.iterdir()] == ["cat.jpg"]


@pytest.mark.parametrize(("text", "kinds"), [
    ("all", set(KINDS)), ("faces,text", {"faces", "text"}), (" Location ", {"location"}),
    (["faces"], {"faces"}),
])
def test_kinds_are_read_from_words(text, kinds):
    assert parse_kinds(text) == kinds


@pytest.mark.parametrize(("text", "message"), [
    ("face", "'face' is not something that can be removed; choose faces, text, location or all."),
    ("", "Say what to remove: faces, text, location or all."),
    ("faces,all", "'all' is not something that can be removed; choose faces, text, location or all."),
])
def test_a_kind_that_makes_no_sense_is_refused_in_one_sentence(text, message):
    with pytest.raises(ValueError) as raised:
        parse_kinds(text)
    assert str(raised.value) == message
