"""find_screens_and_documents from synthetic object and text lists."""

from __future__ import annotations

from accessshare.describe.objects import DetectedObject
from accessshare.describe.screens import ScreenOrDocument, find_screens_and_documents
from accessshare.describe.text import TextLine

W, H = 1024, 768


def kinds(found: list[ScreenOrDocument]) -> list[str]:
    return [f.kind for f in found]


def text_block(x0: float, y0: float, x1: float, rows: int, row_height: float, words: str = "some text") -> list[TextLine]:
    return [TextLine(words, 0.95, (x0, y0 + i * row_height, x1, y0 + (i + 0.8) * row_height)) for i in range(rows)]


def test_screens_from_objects():
    objects = [DetectedObject("tv", 0.8, (0.1, 0.1, 0.5, 0.5)), DetectedObject("laptop", 0.7, (0.6, 0.5, 0.9, 0.9)),
               DetectedObject("cell phone", 0.6, (0.05, 0.7, 0.15, 0.9))]
    found = find_screens_and_documents(objects, [], W, H)
    assert kinds(found) == ["tv screen", "laptop screen", "phone screen"]
    assert found[0].box == (0.1, 0.1, 0.5, 0.5) and found[0].confidence == 0.8


def test_tv_with_a_keyboard_below_is_a_computer_screen():
    objects = [DetectedObject("tv", 0.8, (0.3, 0.1, 0.7, 0.5)), DetectedObject("keyboard", 0.6, (0.3, 0.55, 0.7, 0.65))]
    assert kinds(find_screens_and_documents(objects, [], W, H)) == ["computer screen"]


def test_far_away_mouse_leaves_a_tv_a_tv():
    objects = [DetectedObject("tv", 0.8, (0.0, 0.0, 0.2, 0.2)), DetectedObject("mouse", 0.6, (0.9, 0.9, 0.95, 0.95))]
    assert kinds(find_screens_and_documents(objects, [], W, H)) == ["tv screen"]


def test_unsure_detections_are_not_privacy_findings():
    objects = [DetectedObject("tv", 0.3, (0.1, 0.1, 0.5, 0.5)), DetectedObject("cell phone", 0.25, (0, 0, 0.1, 0.1))]
    assert find_screens_and_documents(objects, [], W, H) == []


def test_other_objects_give_nothing():
    objects = [DetectedObject("cup", 0.9, (0.1, 0.1, 0.5, 0.5)), DetectedObject("person", 0.9, (0, 0, 1, 1))]
    assert find_screens_and_documents(objects, [], W, H) == []


def test_text_on_a_screen_raises_its_confidence_and_is_not_a_document():
    objects = [DetectedObject("laptop", 0.6, (0.0, 0.0, 1.0, 1.0))]
    found = find_screens_and_documents(objects, text_block(0.1, 0.1, 0.9, 10, 0.08), W, H)
    assert kinds(found) == ["laptop screen"] and found[0].confidence == 0.7


def test_book():
    found = find_screens_and_documents([DetectedObject("book", 0.7, (0.2, 0.2, 0.4, 0.6))], [], W, H)
    assert kinds(found) == ["book"]


def test_page_of_text_is_a_document_and_a_greeting_makes_it_a_letter():
    lines = text_block(0.05, 0.05, 0.95, 10, 0.09)
    found = find_screens_and_documents([], lines, W, H)
    assert kinds(found) == ["document"]
    assert found[0].box[0] == 0.05 and found[0].box[2] == 0.95 and found[0].confidence > 0.9
    letter = [TextLine("Dear Mrs Smith,", 0.95, (0.05, 0.0, 0.5, 0.04))] + lines
    assert kinds(find_screens_and_documents([], letter, W, H)) == ["letter"]


def test_a_few_words_are_not_a_document():
    lines = [TextLine("EXIT", 0.99, (0.4, 0.1, 0.5, 0.15)), TextLine("Open 9-5", 0.9, (0.4, 0.2, 0.6, 0.25))]
    assert find_screens_and_documents([], lines, W, H) == []


def test_low_confidence_text_does_not_make_a_document():
    lines = [TextLine("xx", 0.3, line.box) for line in text_block(0.05, 0.05, 0.95, 10, 0.09)]
    assert find_screens_and_documents([], lines, W, H) == []


def test_small_dense_block_shaped_like_a_card_is_a_card():
    # 0.3 x 0.252 of a 1024x768 photo is 307x194 px: aspect 1.58, like a bank card.
    lines = text_block(0.35, 0.35, 0.65, 4, 0.063, "4111 1111 1111 1111")
    found = find_screens_and_documents([], lines, W, H)
    assert kinds(found) == ["card"]


def test_a_wide_strip_of_text_is_not_a_card():
    lines = text_block(0.05, 0.4, 0.95, 3, 0.05)
    assert "card" not in kinds(find_screens_and_documents([], lines, W, H))


def test_labelled_bottle_is_a_pill_bottle_surely_so_with_medicine_words():
    bottle = DetectedObject("bottle", 0.8, (0.4, 0.2, 0.6, 0.9))
    label = [TextLine("Ibuprofen 200 mg tablets", 0.9, (0.42, 0.5, 0.58, 0.55))]
    found = find_screens_and_documents([bottle], label, W, H)
    assert kinds(found) == ["pill bottle"] and found[0].confidence == 0.8
    plain = find_screens_and_documents([bottle], [TextLine("Spring water", 0.9, (0.42, 0.5, 0.58, 0.55))], W, H)
    assert kinds(plain) == ["pill bottle"] and plain[0].confidence < 0.5
    assert find_screens_and_documents([bottle], [], W, H) == []


def test_most_confident_first_and_dicts_accepted():
    objects = [{"label": "book", "confidence": 0.5, "box": [0, 0, 0.1, 0.1]},
               {"label": "tv", "confidence": 0.9, "box": [0.5, 0.5, 0.9, 0.9]}]
    assert kinds(find_screens_and_documents(objects, [], W, H)) == ["tv screen", "book"]
