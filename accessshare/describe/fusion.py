"""What the photo shows, from two models that see it differently.

The object detector (COCO's 80 objects, with boxes and counts) and the classifier (ImageNet's
1,000 things and scenes, for the whole photo) are joined into a list of mentions, each with a
certainty, before any words are chosen (``phrasing`` turns them into a sentence):

- The two agree when the classifier's word names the detector's object (``coco`` column of
  ``imagenet_words.tsv``): the object becomes surer, as two independent witnesses make a fact
  likelier (1 - (1 - a)(1 - b)).
- They disagree when each names a different animal, or the classifier's two likeliest words are
  close: the mention keeps the alternative and is never surer than the doubt allows
  ("May show a dog, or a wolf.").
- A classifier word that only repeats what text reading found (a "pill bottle" or "menu" for a
  printed page) is left out when a document was found: the text is the better witness.
- Several round objects of one size found by their outlines (``shapes``) are said when no
  mention is stated: what the pixels show ("several small round objects on a dark
  background"), with a guess at what they are only when two witnesses lean the same way (an
  engraved grey or brass surface, and the classifier's guesses spread over small round things).
  A hedged detector object that is one of those circles (a coin taken for a clock) is left to
  the details.
- The kind comes first when the classes agree on a kind but not on a class: a classifier word
  that is only hedged, or said but much less likely than its kind as a whole (its ImageNet
  classes' probabilities added up, ``imagenet_words.tsv``), is said after its kind ("A flower,
  perhaps a daisy."; "Electronics, perhaps a modem." for a circuit board that the classifier
  spread over a modem, a hard drive and an oscilloscope).
- When nothing passes a threshold, the photo's kind is said if known (sky, or the kind the
  classifier's likeliest words share), else nothing is claimed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from accessshare.describe.phrasing import HEDGED, STATED

THING_STATED = 0.6  # a classifier word this likely is said plainly ...
THING_HEDGED = 0.3  # ... from here with "may"; below it, only in the detailed list
ALTERNATIVE_RATIO = 0.5  # a runner-up at least half as likely as the best is said as "or"
DOUBT = 0.8  # a mention with an alternative is at most this sure of either
KIND_MIN = 0.5  # the classifier's words of one kind add up to this: the kind is said
# ImageNet has no painting: paintings come out as book covers, jigsaws and comics, each
# unsure (the Starry Night: 0.17, 0.08 to 0.10, 0.06, as its JPEG is saved); together they
# are a fair sign of a picture. Of the evaluation set's other photos, books on a desk came
# closest (0.18: book covers are pictures).
ARTWORK_MIN = 0.25
# Night: dark almost everywhere (mean luminance under NIGHT_MEAN) yet with points of light.
NIGHT_MEAN = 45
GREEN_MIN = 0.5  # share of the photo that is leaf or grass green: plants
SKY_MIN = 0.45  # share of the top third that is smooth blue or grey-blue sky: outdoors
DOCUMENT_FINDINGS = frozenset({"document", "letter", "card", "pill bottle", "book"})
# The kinds of manufactured things (imagenet_words.tsv); "object" is what fits none of the others.
OBJECT_KINDS = frozenset({"object", "electronics", "tool", "toy", "sports equipment", "musical instrument",
                          "kitchenware", "container", "clock", "light", "weapon"})
# Kinds of classifier word that a photographed page of print is often mistaken for.
PRINT_CONFUSED_KINDS = OBJECT_KINDS | {"document", "artwork", "screen"}
# The kind first: a classifier word that is said is said after its kind when the kind (all its
# classes together) is at least KIND_MIN likely and either the word is only hedged, or the
# word is under KIND_WORD_SURE and its kind is at least KIND_OVER_WORD likelier than it (the
# classes agree on the kind, not on the class). Its alternative, if any, must be of the same
# kind. The kind itself is said plainly from THING_STATED, as a word is, and only when other
# classes back it (KIND_OVER_WORD likelier than the word), else with "may": a cartoon fish
# taken for a computer mouse (0.56, electronics 0.6) is not plainly "Electronics". Measured on the evaluation set: a circuit
# board, a modem 0.70 and electronics 0.98, gets its kind; a daisy 0.69 in flowers 0.72, a cat
# 0.9 in animals 0.93, keep their plain word. "object" (what fits no kind) and kinds with no
# name worth saying first are never said this way.
KIND_WORD_SURE = 0.8
KIND_OVER_WORD = 0.15
UNNAMED_KINDS = frozenset({"object", "person", "indoors", "document", "screen", "artwork"})
PRINT_CONFUSED_BELOW = 0.8
SURE_FACE = 0.8  # a face this sure is a person even where the detector saw none
ANIMALS = frozenset({"bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe"})
# The classifier's small round classes together (things.SMALL_ROUND_CLASSES) at least this
# likely: it too sees small round things (coins 0.37, sweets 0.03, gravel 0.03, a retina 0.09).
SMALL_ROUND_SUPPORT = 0.2
# COCO objects that are round: a hedged one centred on one of the circles is one of them.
ROUND_COCO = frozenset({"clock", "sports ball", "orange", "apple", "donut", "frisbee"})


@dataclass(frozen=True)
class Mention:
    """One thing the sentence may name: a COCO label (with a count) or a classifier word."""

    name: str  # COCO label ("cup") or classifier word with its article ("a cat")
    count: int  # objects of a COCO label counted (1 for a classifier word)
    confidence: float
    coco: bool  # True: ``name`` is a COCO label; False: a classifier word
    alternative: str | None = None  # a classifier word it may be instead
    agreed: bool = False  # both models named it
    kind: str | None = None  # said first, when surer than the word ("A flower, perhaps a daisy.")
    kind_confidence: float = 0.0  # the kind's classes together

    def to_json(self) -> dict:
        return {"name": self.name, "count": self.count, "confidence": round(self.confidence, 4),
                "coco": self.coco, "alternative": self.alternative, "agreed": self.agreed, "kind": self.kind,
                "kind_confidence": round(self.kind_confidence, 4)}


def agree(a: float, b: float) -> float:
    return 1.0 - (1.0 - a) * (1.0 - b)


def object_mentions(objects: list[dict]) -> dict[str, Mention]:
    groups: dict[str, Mention] = {}
    for item in sorted(objects, key=lambda o: -o["confidence"]):
        label = item["label"]
        if label in groups:
            if item["confidence"] >= STATED:
                groups[label] = Mention(label, groups[label].count + 1, groups[label].confidence, True)
            continue
        groups[label] = Mention(label, 1, item["confidence"], True)
    return groups


def mentions(findings: dict) -> list[Mention]:
    """Everything worth naming, surest first (the detailed list may also show weaker ones)."""
    objects = with_faces_as_people(object_mentions(findings.get("objects", [])), findings.get("faces", []))
    things = list(findings.get("things", []))
    found_print = any(s["kind"] in DOCUMENT_FINDINGS for s in findings.get("screens", []))
    if found_print:
        things = [t for t in things
                  if not (t["kind"] in PRINT_CONFUSED_KINDS and t["confidence"] < PRINT_CONFUSED_BELOW)]
    extra: list[Mention] = []
    for index, thing in enumerate(things):
        label = thing.get("coco") or ""
        if label in objects:  # both models name it
            seen = objects[label]
            objects[label] = Mention(label, seen.count, agree(seen.confidence, thing["confidence"]), True,
                                     seen.alternative, agreed=True)
            continue
        if any(thing["word"] in (m.name, m.alternative) for m in extra):
            continue
        extra.append(with_kind(classifier_mention(thing, things[index + 1:], objects), thing,
                               findings.get("kinds") or {}))
    found = sorted([*objects.values(), *extra], key=lambda m: -m.confidence)
    return disagreeing_animals(found)


def with_faces_as_people(objects: dict[str, Mention], faces: list[dict]) -> dict[str, Mention]:
    """Each face found is a person, even where the detector's boxes ran people together: the
    count of people is at least the count of faces, and a face confirms a person."""
    seen = objects.get("person")
    best_face = max((face["confidence"] for face in faces), default=0.0)
    if not faces or (seen is None and best_face < SURE_FACE):
        return objects  # an unsure face alone is said as a face, not as a person
    count = max(len(faces), seen.count if seen else 0)
    confidence = agree(seen.confidence, best_face) if seen else best_face
    return {**objects, "person": Mention("person", count, confidence, True, agreed=seen is not None)}


def classifier_mention(thing: dict, later: list[dict], objects: dict[str, Mention]) -> Mention:
    """A classifier word, doubted when a close runner-up of the same kind competes with it."""
    confidence = thing["confidence"]
    runner_up = next((t for t in later if t.get("coco", "") not in objects), None)
    if runner_up and runner_up["confidence"] >= ALTERNATIVE_RATIO * confidence:
        return Mention(thing["word"], 1, min(confidence, DOUBT * THING_STATED), False, runner_up["word"])
    return Mention(thing["word"], 1, confidence, False)


def with_kind(mention: Mention, thing: dict, kinds: dict[str, float]) -> Mention:
    """The mention with its kind to be said first, when the kind is sure and the word is not."""
    kind = thing["kind"]
    likely = kinds.get(kind, 0.0)
    if kind in UNNAMED_KINDS or likely < KIND_MIN:
        return mention
    if mention.alternative and kind_of_word(mention.alternative) != kind:
        return mention  # "a butterfly, or a daisy" share no kind
    heard = said(mention)
    if heard == "hedged" or (heard == "stated" and mention.confidence < KIND_WORD_SURE
                             and likely >= mention.confidence + KIND_OVER_WORD):
        return Mention(mention.name, mention.count, mention.confidence, mention.coco, mention.alternative,
                       mention.agreed, kind, likely)
    return mention


def kind_stated(mention: Mention) -> bool:
    """Whether the mention's kind is said plainly (see KIND_OVER_WORD)."""
    return (mention.kind_confidence >= THING_STATED
            and mention.kind_confidence >= mention.confidence + KIND_OVER_WORD)


def kind_of_word(word: str) -> str | None:
    return word_kinds().get(word)


@cache
def word_kinds() -> dict[str, str]:
    """Each plain word's kind (imagenet_words.tsv gives every class of a word one kind)."""
    from accessshare.describe.things import words

    return {row.word: row.kind for row in words()}


def disagreeing_animals(found: list[Mention]) -> list[Mention]:
    """The detector's animal and a different animal from the classifier: each may be the
    other, so the surer one is said with the other as its alternative, hedged."""
    detected = next((m for m in found if m.coco and m.name in ANIMALS and not m.agreed), None)
    named = next((m for m in found if not m.coco and m.alternative is None and is_animal_word(m.name)), None)
    if detected is None or named is None or detected.confidence < HEDGED or named.confidence < THING_HEDGED:
        return found
    first, second = (detected, named) if detected.confidence >= named.confidence else (named, detected)
    doubted = Mention(first.name, first.count, min(first.confidence, DOUBT * THING_STATED), first.coco,
                      alternative=second.name if not second.coco else f"a {second.name}")
    return [doubted if m is first else m for m in found if m is not second]


def is_animal_word(word: str) -> bool:
    return kind_of_word(word) == "animal"


def said(mention: Mention) -> str | None:
    """'stated', 'hedged' or None (only in the details) for a mention's certainty."""
    stated, hedged = (STATED, HEDGED) if mention.coco else (THING_STATED, THING_HEDGED)
    if mention.confidence >= stated:
        return "stated"
    if mention.confidence >= hedged:
        return "hedged"
    return None


def scene_kind(findings: dict) -> str | None:
    """The photo's broad kind, when nothing in it was named: sky says outdoors; else the
    kind that the classifier's likeliest words share, if they add up to KIND_MIN."""
    if any(s["kind"] in DOCUMENT_FINDINGS for s in findings.get("screens", [])):
        return "document"
    if (findings.get("sky") or 0.0) >= SKY_MIN:
        return "landscape"
    quality = findings.get("quality", {})
    if quality.get("brightness", 255) < NIGHT_MEAN and not quality.get("dark"):
        return "night"  # dark, yet with highlights (see quality.is_dark)
    totals: dict[str, float] = {}
    for thing in findings.get("things", []):
        totals[thing["kind"]] = totals.get(thing["kind"], 0.0) + thing["confidence"]
    if totals.get("artwork", 0.0) >= ARTWORK_MIN:
        return "artwork"
    if (findings.get("green") or 0.0) >= GREEN_MIN:
        return "plant"
    if findings.get("text_unread"):
        return "writing"
    if findings.get("text"):
        return "text"
    if findings.get("texture"):
        return "texture"
    kind, total = max(totals.items(), key=lambda item: item[1], default=(None, 0.0))
    return kind if kind not in (None, "object") and total >= KIND_MIN else None


@dataclass(frozen=True)
class RoundGroup:
    """Several round objects of one size, as the sentence may say them."""

    count: int
    colour: str  # shapes.RoundObjects.colour
    background: str | None  # "dark", "light", "grey" or None (not plain)
    guess: str | None  # "coins" when the surface and the classifier both lean that way
    detected: tuple[str, ...] = ()  # hedged COCO labels of round things centred on the circles


def round_group(findings: dict) -> RoundGroup | None:
    """The round objects found by their outlines, when nothing is said plainly without them."""
    found = findings.get("round")
    if not found:
        return None
    found_mentions = mentions(findings)
    if any(said(m) == "stated" for m in found_mentions):
        return None
    supported = (findings.get("small_round") or 0.0) >= SMALL_ROUND_SUPPORT
    metal_like = found["colour"] in ("grey", "metal") and found["engraved"]
    detected = tuple(m.name for m in found_mentions if said(m) == "hedged" and one_of_the_round(m, findings))
    return RoundGroup(found["count"], found["colour"], found.get("background"),
                      "coins" if metal_like and supported else None, detected)


def one_of_the_round(mention: Mention, findings: dict) -> bool:
    """A detector's round object whose box is centred on one of the circles found."""
    if not mention.coco or mention.name not in ROUND_COCO or not findings.get("round"):
        return False
    boxes = findings["round"]["boxes"]
    for item in findings.get("objects", []):
        if item["label"] != mention.name:
            continue
        x, y = (item["box"][0] + item["box"][2]) / 2, (item["box"][1] + item["box"][3]) / 2
        if any(x0 <= x <= x1 and y0 <= y <= y1 for x0, y0, x1, y1 in boxes):
            return True
    return False
