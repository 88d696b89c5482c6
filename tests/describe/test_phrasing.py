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


def test_uncertain_findings_are_hedged_and_guesses_only_in_the_detailed_list():
    found = findings(objects=[obj("dog", 0.5), obj("bicycle", 0.45), obj("horse", 0.2)])
    sentence, details = phrase(found, "brief")
    assert sentence.startswith("May show a dog and a bicycle")
    assert "horse" not in sentence
    assert details == ["May show a dog.", "May show a bicycle."]  # the brief list says no more than it trusts
    assert "Perhaps a horse, a low-confidence guess, in the centre." in phrase(found, "detailed")[1]


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


def thing(word, confidence, kind="animal", coco=""):
    return {"word": word, "kind": kind, "confidence": confidence, "coco": coco, "imagenet": word}


def test_two_models_agreeing_make_a_finding_sure():
    # Each alone is only hedged; together (1 - 0.5 * 0.6 = 0.7) the dog is stated.
    alone = findings(objects=[obj("dog", 0.5)])
    both = findings(objects=[obj("dog", 0.5)], things=[thing("a dog", 0.4, coco="dog")])
    assert phrase(alone)[0].startswith("May show a dog.")
    assert phrase(both)[0].startswith("A dog.")


def test_close_alternatives_are_said_as_a_doubt():
    close = findings(things=[thing("a dog", 0.45, coco="dog"), thing("a wolf", 0.3)])
    assert phrase(close)[0].startswith("May show a dog, or a wolf.")
    disagree = findings(objects=[obj("cat", 0.7)], things=[thing("a dog", 0.65, coco="dog")])
    sentence = phrase(disagree)[0]
    assert sentence.startswith("May show a cat, or a dog.") or sentence.startswith("May show a dog, or a cat.")


def test_nothing_recognised_only_when_nothing_passes_and_then_the_kind():
    assert phrase(findings())[0] == "No objects recognised."
    guesses = findings(things=[thing("a dog", 0.2, coco="dog"), thing("a fox", 0.1)])
    assert phrase(guesses)[0] == "No objects recognised."  # two unsure animals are no animal
    outdoors = findings(things=[thing("a dog", 0.2, coco="dog")], sky=0.8)
    assert phrase(outdoors)[0] == "An outdoor scene; nothing recognised in it."
    animals = findings(things=[thing("a dog", 0.28, coco="dog"), thing("a fox", 0.25)])
    assert phrase(animals)[0].startswith("An animal")


def test_the_kind_is_said_first_when_surer_than_the_word():
    modem = findings(things=[thing("a modem", 0.7, "electronics"), thing("a hard drive", 0.15, "electronics")],
                     kinds={"electronics": 0.98})
    assert phrase(modem)[0] == "Electronics, perhaps a modem."
    # a sure word keeps its plain words; so does one whose kind adds little to it
    assert phrase({**modem, "things": [thing("a modem", 0.85, "electronics")]})[0] == "A modem."
    assert phrase({**modem, "kinds": {"electronics": 0.75}})[0] == "A modem."
    # the kind unsure too: said with "may"
    daisy = findings(things=[thing("a daisy", 0.5, "flower")], kinds={"flower": 0.52})
    assert phrase(daisy)[0] == "May show a flower, perhaps a daisy."
    # an alternative of another kind: no kind is said for the two
    mixed = findings(things=[thing("a butterfly", 0.3), thing("a daisy", 0.2, "flower")],
                     kinds={"animal": 0.63, "flower": 0.25})
    assert phrase(mixed)[0] == "May show a butterfly, or a daisy."
    # a kind that names the word already is not said twice
    clock = findings(things=[thing("a digital clock", 0.4, "clock")], kinds={"clock": 0.7})
    assert phrase(clock)[0] == "May show a digital clock."
    # one unsure class alone does not make its kind plain: other classes must back it
    mouse = findings(things=[thing("a computer mouse", 0.56, "electronics")], kinds={"electronics": 0.62})
    assert phrase(mouse)[0] == "May show electronics, perhaps a computer mouse."
    backed = findings(things=[thing("a hamper", 0.33, "container")], kinds={"container": 0.6})
    assert phrase(backed)[0] == "A box, bag or basket, perhaps a hamper."


def test_a_kind_from_the_colours_comes_before_things_only_hedged():
    leafy = findings(objects=[obj("banana", 0.37)], green=0.99)
    assert phrase(leafy)[0] == "Plants or greenery. May show a banana."
    assert phrase(findings(objects=[obj("banana", 0.37)]))[0] == "May show a banana."
    # blue sky alone does not lead: a drawing on a blue background gives the same cue
    assert phrase(findings(objects=[obj("sports ball", 0.4)], sky=0.8))[0] == "May show a ball."


def test_a_kind_with_nothing_in_it_named_is_said_by_its_name():
    tools = findings(things=[thing("a hammer", 0.28, "tool"), thing("a hatchet", 0.25, "tool")])
    assert phrase(tools)[0] == "A tool, but not which."


def test_classifier_words_join_the_details():
    found = findings(objects=[obj("cup", 0.7)], things=[thing("coffee", 0.9, "food", "cup")])
    sentence, details = phrase(found, "detailed")
    assert sentence.startswith("A cup.")
    assert "The whole photo looks like coffee (coffee, 90%)." in details
    # One photo is one of the classifier's words, not all of them.
    unsure = findings(things=[thing("a bobsleigh", 0.3, "vehicle"), thing("a helmet", 0.2, "object")])
    assert "The whole photo might be a bobsleigh or a helmet." in phrase(unsure)[1]
    # A weak guess the sentence does not name is only in the detailed list.
    weak = findings(objects=[obj("person", 0.9)], things=[thing("a bobsleigh", 0.27, "vehicle")])
    assert phrase(weak)[1] == ["A person."]
    assert "The whole photo might be a bobsleigh (a bobsleigh, 27%)." in phrase(weak, "detailed")[1]


def test_caption_first_and_the_models_findings_follow_as_details():
    found = findings(caption="a dog on a sofa", objects=[obj("dog", 0.9)],
                     things=[thing("a dog", 0.8, coco="dog")])
    sentence, details = phrase(found)
    assert sentence.startswith("A dog on a sofa.")
    assert details[0] == "Caption: A dog on a sofa." and "A dog." in details
    assert "looks like a dog" not in " ".join(details)  # in brief, "A dog." is not said twice
    assert "The whole photo looks like a dog (a dog, 80%)." in phrase(found, "detailed")[1]


COINS_ROUND = {"count": 22, "radius": 0.07, "boxes": [[0.1, 0.1, 0.2, 0.2], [0.4, 0.4, 0.5, 0.5]],
               "colour": "grey", "engraved": True, "background": "dark"}


def test_round_objects_are_said_plainly_and_what_they_are_only_guessed_when_two_cues_agree():
    both = findings(round=COINS_ROUND, small_round=0.37)
    assert phrase(both)[0] == "Many small round objects, perhaps coins or buttons, on a dark background."
    # the classifier does not see small round things: no guess at what they are
    assert phrase(findings(round=COINS_ROUND, small_round=0.05))[0] == "Many small round objects on a dark background."
    smooth = {**COINS_ROUND, "engraved": False, "count": 6, "background": None}
    assert phrase(findings(round=smooth, small_round=0.37))[0] == "Several small round objects."


def test_a_hedged_round_object_on_a_circle_becomes_the_guess_and_a_stated_finding_wins():
    sweets = {**COINS_ROUND, "colour": "colourful", "engraved": False, "background": "light"}
    on_a_circle = obj("sports ball", 0.4, (0.41, 0.41, 0.49, 0.49))
    elsewhere = obj("clock", 0.4, (0.7, 0.7, 0.9, 0.9))
    sentence = phrase(findings(round=sweets, objects=[on_a_circle, elsewhere]))[0]
    assert sentence == ("Many small round objects of many colours, perhaps balls, on a light background. "
                        "May show a clock.")
    stated = phrase(findings(round=COINS_ROUND, small_round=0.37, objects=[obj("pizza", 0.9)]))
    assert stated[0] == "A pizza." and not any("round objects" in line for line in stated[1])
