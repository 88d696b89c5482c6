"""Phrasing: sentence length, privacy always present, hedging, positions in detailed mode."""

import pytest

from accessshare.describe.phrasing import phrase, privacy_reminder


def obj(label, confidence, box=(0.3, 0.3, 0.7, 0.7)):
    return {"label": label, "confidence": confidence, "box": list(box)}


def findings(**overrides):
    base = {"caption": None, "objects": [], "faces": [], "text": [], "pii": [], "screens": [],
            "quality": {}, "metadata": {}, "label": None, "privacy": [], "quality_flags": []}
    base.update(overrides)
    return base


CROWDED = findings(
    objects=[obj(name, 0.9) for name in ("cup", "spoon", "bowl", "knife", "fork", "oven", "sink",
                                         "chair", "clock", "vase")],
    faces=[{"confidence": 0.99, "box": [0.1, 0.1, 0.2, 0.2]}] * 3,
    text=[{"text": "Jane Doe 07700 900123", "confidence": 0.9}], pii=["phone", "email"],
    screens=[{"kind": "laptop screen", "confidence": 0.8, "box": [0.5, 0.5, 0.9, 0.9]}],
    privacy=["face", "text", "pii-text", "screen", "nudity", "location", "device-id"],
    quality={"blur": "very blurry", "dark": True, "low_contrast": True, "small": True},
    metadata={"location": {"lat": 1.0, "lon": 2.0}, "identifiers": ["serial"]},
    caption="a very long caption of a kitchen table with many cups and plates and a person "
            "standing next to the window on a sunny day in summer",
)


@pytest.mark.parametrize("verbosity", ["brief", "detailed"])
def test_sentence_keeps_every_privacy_finding_within_25_words(verbosity):
    sentence, details = phrase(CROWDED, verbosity)
    assert len(sentence.split()) <= 25
    for words in ("face", "phone number", "laptop screen", "nudity", "its location",
                  "owner details"):
        assert words in sentence, words
    assert any("phone number" in line for line in details)


def test_brief_uses_words_and_detailed_uses_counts_and_positions():
    found = findings(objects=[obj("cup", 0.92, (0.0, 0.0, 0.3, 0.2))],
                     faces=[{"confidence": 0.99, "box": [0.7, 0.4, 0.9, 0.6]}], privacy=["face"],
                     quality={"blur": "slightly blurry"})
    brief, brief_details = phrase(found, "brief")
    assert "one face" in brief and "slightly blurry" in brief.lower()
    detailed, details = phrase(found, "detailed")
    assert "1 face" in detailed
    assert "A cup, high confidence, on the left, near the top edge." in details
    assert "1 face, on the right." in details


def test_uncertain_findings_are_hedged_and_guesses_never_stated():
    found = findings(objects=[obj("dog", 0.5), obj("bicycle", 0.45), obj("horse", 0.2)])
    sentence, details = phrase(found, "brief")
    assert sentence.startswith("May show a dog and a bicycle")
    assert "horse" not in sentence
    assert "Perhaps a horse." in details


def test_label_agreement_and_disagreement():
    agree = findings(objects=[obj("cup", 0.9)],
                     label={"label": "mug", "wanted": "cup", "agrees": True, "seen": "cup"})
    assert "Labelled 'mug'. A cup is visible." in phrase(agree)[1]
    unsure = findings(objects=[obj("cat", 0.45)],
                      label={"label": "my cat", "wanted": "cat", "agrees": True, "seen": "cat"})
    sentence, details = phrase(unsure)
    assert sentence.startswith("May show a cat")
    assert "Labelled 'my cat'. A cat may be visible." in details  # never surer than the sentence
    disagree = findings(label={"label": "dog", "wanted": "dog", "agrees": False, "seen": None})
    assert "Labelled 'dog', but no dog was recognised." in phrase(disagree)[1]


def test_caption_leads_the_sentence():
    sentence, _ = phrase(findings(caption="a cup of coffee", objects=[obj("cup", 0.9)]))
    assert sentence.startswith("A cup of coffee.")


def test_unknown_verbosity_is_refused():
    with pytest.raises(ValueError):
        phrase(findings(), "chatty")


def test_sharing_reminder_repeats_what_a_photo_gives_away_and_nothing_else():
    located = findings(faces=[{"confidence": 0.99, "box": [0.1, 0.1, 0.2, 0.2]}] * 2,
                       privacy=["face", "location"], metadata={"location": {"lat": 1.0, "lon": 2.0}})
    assert privacy_reminder(located) == "Remember, it reveals two faces and its location."
    assert privacy_reminder(findings(objects=[obj("cup", 0.9)], quality={"dark": True})) == ""
    unread = findings(privacy=["text"], text_unread=True)
    assert privacy_reminder(unread) == "It may show writing that could not be read."


def test_device_takes_the_right_article():
    _sentence, details = phrase(findings(metadata={"device": "Acme Phone 7"}), "detailed")
    assert "Taken with an Acme Phone 7." in details
    _sentence, details = phrase(findings(metadata={"device": "Google Pixel 8"}), "detailed")
    assert "Taken with a Google Pixel 8." in details
