"""The words for a redacted copy, from its findings (no model runs here)."""

from __future__ import annotations

import pytest

from accessshare.describe.phrasing import en


def findings(**overrides) -> dict:
    base = {"objects": [], "things": [], "kinds": {}, "faces": [], "text": [], "text_unread": False,
            "pii": [], "screens": [], "privacy": [], "metadata": {"location": None}, "sky": 0.0, "green": 0.0}
    return {**base, **overrides}


PERSON = {"label": "person", "confidence": 0.9, "box": [0.1, 0.1, 0.9, 0.9]}
DOG = {"label": "dog", "confidence": 0.9, "box": [0.5, 0.5, 0.9, 0.9]}


def test_a_person_whose_face_was_hidden():
    sentence, _details = en.after_removal(findings(objects=[PERSON]), {"faces": 1, "text": 0}, 1, "brief")
    assert sentence == "After removal: a person, face hidden; no text; no location."


def test_people_and_a_dog_with_text_hidden():
    sentence, details = en.after_removal(findings(objects=[PERSON, PERSON, DOG]), {"faces": 2, "text": 3}, 1, "brief")
    assert sentence == "After removal: two people, faces hidden, and a dog; text hidden; no location."
    assert details[:2] == ["Covered two heads, hair and all, filled in from the colours around.",
                           "Covered text in three places, filled in from the colours around."]


def test_the_detailed_variant_says_what_was_done_and_checked():
    _sentence, details = en.after_removal(findings(objects=[PERSON]), {"faces": 1, "text": 0}, 2, "detailed")
    assert details == [
        "Covered the head, hair and all, filled in from the colours around.",
        "Removed every detail stored in the file: location, date, camera, owner and the small preview picture.",
        "The first check still found something; that was covered too, and the copy checked again.",
        "Described again after covering, to check it: no face, no text and no location found.",
    ]


@pytest.mark.parametrize(("overrides", "words"), [
    ({"text": [{"text": "OPEN", "confidence": 0.9}]}, "still shows readable text"),
    ({"text_unread": True}, "may still show writing it could not read"),
    ({"faces": [{"confidence": 0.9, "box": [0, 0, 1, 1]}]}, "still shows one face"),
    ({"screens": [{"kind": "laptop screen", "confidence": 0.9, "box": [0, 0, 1, 1]}]}, "still shows a laptop screen"),
])
def test_what_was_not_removed_is_said(overrides, words):
    sentence, _details = en.after_removal(findings(**overrides), {"faces": 0, "text": 0}, 1, "brief")
    assert words in sentence

