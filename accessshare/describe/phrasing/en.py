"""English phrasing. All English words of the describer are here."""

from __future__ import annotations

import re
from collections import OrderedDict

from accessshare.describe import fusion
from accessshare.describe.phrasing import HEDGED, MAX_SENTENCE_WORDS, STATED, position, word_count

NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
IRREGULAR_PLURALS = {"person": "people", "mouse": "mice", "knife": "knives", "sheep": "sheep",
                     "skis": "skis", "scissors": "scissors", "wine glass": "wine glasses",
                     "bus": "buses", "couch": "couches", "sandwich": "sandwiches",
                     "toothbrush": "toothbrushes", "bench": "benches"}
SPOKEN_NAMES = {"tv": "TV", "cell phone": "phone", "dining table": "table", "sports ball": "ball",
                "hair drier": "hair dryer", "potted plant": "plant"}
PII_NAMES = {"phone": "a phone number", "email": "an e-mail address",
             "card-number": "a card number", "account-number": "an account number",
             "street-address": "a street address", "birth-date": "a date of birth"}
IDENTIFIER_NAMES = {"owner": "the camera owner's name", "artist": "the photographer's name",
                    "serial": "the camera's serial number"}


def count_word(count: int, brief: bool) -> str:
    if brief:
        return NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else "many"
    return str(count)


def spoken(label: str) -> str:
    return SPOKEN_NAMES.get(label, label)


def plural(label: str) -> str:
    name = spoken(label)
    if label in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[label]
    return name + ("es" if name.endswith(("s", "x", "ch", "sh")) else "s")


def article(name: str) -> str:
    return ("an " if name[0].lower() in "aeiou" else "a ") + name


def counted(label: str, count: int, brief: bool) -> str:
    if count == 1:
        return article(spoken(label))
    return f"{count_word(count, brief)} {plural(label)}"


def join(items: list[str]) -> str:
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def confidence_words(confidence: float) -> str:
    if confidence >= 0.8:
        return "high confidence"
    if confidence >= STATED:
        return "fairly confident"
    if confidence >= HEDGED:
        return "unsure"
    return "a low-confidence guess"


def place_words(box) -> str:
    horizontal, vertical = position(box)
    where = "in the centre" if horizontal == "centre" else f"on the {horizontal}"
    return f"{where}, near the {vertical} edge" if vertical else where


def grouped(objects: list[dict]) -> OrderedDict:
    """Objects by label, best confidence first: {label: [objects...]}."""
    groups: OrderedDict = OrderedDict()
    for item in sorted(objects, key=lambda o: -o["confidence"]):
        groups.setdefault(item["label"], []).append(item)
    return groups


def object_groups(findings: dict, skip_people: bool) -> tuple[list, list, list]:
    """(stated, hedged, guessed) lists of (label, count, best confidence, boxes)."""
    stated, hedged, guessed = [], [], []
    fused = fused_confidences(findings)
    for label, items in grouped(findings.get("objects", [])).items():
        if skip_people and label == "person":
            continue
        best = max(items[0]["confidence"], fused.get(label, 0.0))  # as sure as the sentence
        sure = [o for o in items if o["confidence"] >= STATED]
        entry = (label, len(sure) or len(items), best, [o["box"] for o in items])
        (stated if best >= STATED else hedged if best >= HEDGED else guessed).append(entry)
    return stated, hedged, guessed


def fused_confidences(findings: dict) -> dict[str, float]:
    """Each COCO label's certainty once the classifier's agreement is counted."""
    return {m.name: m.confidence for m in fusion.mentions(findings) if m.coco}


# ---- the sentence ---------------------------------------------------------------------------

# What a photo of each kind is, when nothing in it was named (describe.things kinds).
KIND_CLAUSES = {
    "landscape": "An outdoor scene; nothing recognised in it.",
    "night": "A night sky or a dark scene with points of light.",
    "indoors": "An indoor scene; nothing recognised in it.",
    "building": "A building; nothing more recognised.",
    "animal": "An animal, but not which.",
    "food": "Food, but not which.",
    "plant": "Plants or greenery.",
    "vehicle": "A vehicle, but not which.",
    "document": "A page of print.",
    "writing": "Writing, perhaps by hand.",
    "text": "Some text; nothing else recognised.",
    "screen": "A screen.",
    "artwork": "Perhaps a picture or painting; nothing in it recognised.",
    "clothing": "Clothing, but nothing else recognised.",
    "person": "A person.",
    "texture": "An even texture fills the frame; nothing recognised in it.",
}


def mention_words(mention: fusion.Mention, brief: bool) -> str:
    name = counted(mention.name, mention.count, brief) if mention.coco else mention.name
    return f"{name}, or {mention.alternative}" if mention.alternative else name


# A classifier word's kind, said first when the kind is surer than the word (fusion.with_kind).
KIND_NAMES = {
    "animal": "an animal", "food": "food", "plant": "a plant", "flower": "a flower",
    "fungus": "a mushroom or fungus", "vehicle": "a vehicle", "building": "a building",
    "landscape": "an outdoor scene", "clothing": "clothing", "electronics": "electronics", "tool": "a tool",
    "toy": "a toy", "sports equipment": "sports equipment", "musical instrument": "a musical instrument",
    "kitchenware": "kitchenware", "container": "a box, bag or basket", "clock": "a clock or watch",
    "light": "a lamp or light", "weapon": "a weapon", "furniture": "furniture",
}
# What the photo is, from its colours or the classifier's kinds (fusion.scene_kind), said
# before things that are only hedged: the photo gets at least its kind. Not the sky or a
# night: drawings on a blue or a dark background gave those cues (the held-out drawings of
# bench/eval_describe.py were "An outdoor scene. May show a jellyfish.").
LEAD_CLAUSES = {
    "plant": "Plants or greenery.",
    "artwork": "Perhaps a picture or painting.",
    "texture": "An even texture fills the frame.",
}


def kind_name(mention: fusion.Mention) -> str | None:
    """The name of the mention's kind, or None when it has none or the word's noun says it
    already ("a digital clock" is not "a clock or watch, perhaps a digital clock")."""
    name = KIND_NAMES.get(mention.kind or "")
    if name is None or mention.name.split()[-1] in name.replace(",", "").split():
        return None
    return name


def kind_words(mention: fusion.Mention) -> str:
    """"a flower, perhaps a daisy" or "an animal, perhaps a squirrel or a bird"."""
    guess = mention.name + (f" or {mention.alternative}" if mention.alternative else "")
    return f"{kind_name(mention)}, perhaps {guess}"


def spoken_mention(mention: fusion.Mention, brief: bool) -> str:
    return kind_words(mention) if kind_name(mention) else mention_words(mention, brief)


def content_clauses(findings: dict, brief: bool, limit: int) -> list[str]:
    caption = (findings.get("caption") or "").strip().rstrip(".")
    if caption:
        return [capital(caption) + "."]
    found = fusion.mentions(findings)
    # A kind sure enough to be said plainly leads its own clause; an unsure one joins "may show".
    kinded = [m for m in found if fusion.said(m) and kind_name(m) and fusion.kind_stated(m)]
    stated = [m for m in found if fusion.said(m) == "stated" and not kind_name(m)][:limit]
    kinded = kinded[:max(1, limit - len(stated))]
    hedged = [m for m in found if m not in kinded and (fusion.said(m) == "hedged" or
                                                      (fusion.said(m) and kind_name(m)))]
    group = fusion.round_group(findings)
    if group is not None:  # a hedged clock that is one of the coins is left to the details
        hedged = [m for m in hedged if not fusion.one_of_the_round(m, findings)]
    hedged = hedged[:max(1, limit - len(stated) - len(kinded))]
    clauses = [round_clause(group)] if group is not None else []
    if stated:
        clauses.append(capital(join([mention_words(m, brief) for m in stated])) + ".")
    clauses += [capital(kind_words(m)) + "." for m in kinded]
    if hedged:
        if not clauses and fusion.scene_kind(findings) in LEAD_CLAUSES:
            clauses.append(LEAD_CLAUSES[fusion.scene_kind(findings)])
        # An alternative or a kind already has a comma: list such mentions with semicolons.
        listed = [spoken_mention(m, brief) for m in hedged]
        separator = "; " if any("," in words for words in listed) and len(listed) > 1 else None
        clauses.append("May show " + (separator.join(listed) if separator else join(listed)) + ".")
    if clauses:
        return clauses
    kind = fusion.scene_kind(findings)
    return [KIND_CLAUSES.get(kind) or nothing_but_kind(kind)]


def nothing_but_kind(kind: str | None) -> str:
    """"A tool, but not which." for a kind with a name; else "No objects recognised."."""
    name = KIND_NAMES.get(kind or "")
    return f"{capital(name)}, but not which." if name else "No objects recognised."


ROUND_MANY = 10  # this many round objects or more are "many", fewer "several"
ROUND_GUESSES = {"coins": "coins or buttons"}  # fusion.RoundGroup.guess -> what they may be


def round_clause(group: fusion.RoundGroup) -> str:
    """"Many small round objects, perhaps coins or buttons, on a dark background." The shape
    and count are what the outlines show, so said plainly; what they are is a guess."""
    words = ("Many" if group.count >= ROUND_MANY else "Several") + " small round objects"
    if group.colour == "colourful":
        words += " of many colours"
    guess = ROUND_GUESSES[group.guess] if group.guess else " or ".join(plural(n) for n in group.detected[:2])
    if guess:
        words += f", perhaps {guess}"
    if group.background:
        words += ("," if guess else "") + f" on a {group.background} background"
    return words + "."


def round_details(findings: dict, brief: bool) -> list[str]:
    """Why the sentence says round objects (only when it does: beside a stated finding, a few
    round outlines are no news)."""
    group = fusion.round_group(findings)
    if group is None:
        return []
    found = findings["round"]
    line = f"{capital(count_word(found['count'], brief))} round objects of about one size, found by their outlines"
    surface = {"grey": "grey", "metal": "brass or copper coloured", "colourful": "of many colours",
               "coloured": "coloured"}.get(found["colour"], found["colour"])
    surface += ", with engraved detail" if found["engraved"] else ", smooth"
    if group.guess:
        line += f"; {surface}, as {ROUND_GUESSES[group.guess]} are, and the whole photo looks like small round things"
        if not brief:
            line += f" ({round(findings.get('small_round', 0.0) * 100)}%); a guess, since no model knows {group.guess}"
    elif not brief:
        line += f"; {surface}"
    return [line + "."]


UNREAD_TEXT_CLAUSE = "May show writing it could not read."
UNREAD_TEXT_DETAIL = ("There seems to be writing, perhaps handwriting or a tilted page, but it "
                      "could not be read.")


def privacy_items(findings: dict, brief: bool) -> list[str]:
    flags = findings.get("privacy", [])
    faces = len(findings.get("faces", []))
    items = []
    if faces:
        items.append(f"{count_word(faces, brief)} face" + ("" if faces == 1 else "s"))
    elif "person" in flags:
        people = sum(1 for o in findings.get("objects", []) if o["label"] == "person")
        items.append("a person" if people <= 1 else f"{count_word(people, brief)} people")
    if "pii-text" in flags:
        kinds = unique(PII_NAMES.get(kind, "personal data") for kind in findings.get("pii", []))
        # The first kind only: the sentence must leave room; the details name them all.
        items.append("text with " + (kinds[0] if kinds else "personal data"))
    elif "text" in flags and findings.get("text"):
        items.append("readable text")
    for kind in unique(s["kind"] for s in findings.get("screens", [])):
        items.append(article(kind))
    if "nudity" in flags:
        items.append("possible nudity")
    if "location" in flags:
        items.append("its location")
    if "device-id" in flags:
        items.append("owner details")
    return items


def quality_items(findings: dict) -> list[str]:
    quality = findings.get("quality", {})
    items = []
    if quality.get("blur"):
        items.append(quality["blur"])
    for flag, word in (("dark", "dark"), ("bright", "too bright"), ("low_contrast", "low contrast")):
        if quality.get(flag):
            items.append(word)
    if quality.get("cropped_edges"):
        items.append(f"cut off at the {edges_words(quality['cropped_edges'])}")
    if quality.get("small"):
        items.append("subject small")
    if quality.get("duplicate"):
        items.append("a near-duplicate")
    return items


def edges_words(edges) -> str:
    """"left edge", "left and right edges"."""
    return join(list(edges)) + (" edge" if len(edges) == 1 else " edges")


def unique(items) -> list:
    return list(OrderedDict.fromkeys(items))


def build_sentence(findings: dict, brief: bool) -> str:
    privacy = privacy_items(findings, brief)
    privacy_clause = f"Reveals {join(privacy)}." if privacy else ""
    if findings.get("text_unread"):  # a privacy finding, so always said, but hedged
        privacy_clause = f"{privacy_clause} {UNREAD_TEXT_CLAUSE}".strip()
    quality = quality_items(findings)
    # Try the fullest sentence first; drop quality words, then objects, never privacy.
    for limit, quality_count in ((4, 3), (3, 2), (2, 1), (1, 1), (1, 0)):
        content = content_clauses(findings, brief, limit)
        parts = [*content, privacy_clause,
                 capital(join(quality[:quality_count])) + "." if quality[:quality_count] else ""]
        sentence = " ".join(part for part in parts if part)
        if word_count(sentence) <= MAX_SENTENCE_WORDS:
            return sentence
    return shorten(content[0], privacy_clause)


def shorten(content: str, privacy_clause: str) -> str:
    """Cut the content (a long caption) so the privacy clause still fits in 25 words."""
    room = MAX_SENTENCE_WORDS - word_count(privacy_clause)
    words = content.rstrip(".").split()
    if room <= 0:
        return " ".join(privacy_clause.split()[:MAX_SENTENCE_WORDS])
    content = " ".join(words[:room]) + "."
    return f"{content} {privacy_clause}".strip()


# ---- the details ----------------------------------------------------------------------------

# The details agree with the sentence. A finding it set aside is left out of the brief list and
# marked as set aside in the detailed one; a guess below the sentence's thresholds is only in
# the detailed list (see ``phrasing.HEDGED``); a classifier word that repeats an object already
# listed ("A cat." then "looks like a cat") is left out of the brief list. The sample's coins
# were "Many small round objects, perhaps coins or buttons" followed by "Perhaps two clocks.
# Perhaps a table. The whole photo might be a golf ball."

def object_details(findings: dict, brief: bool) -> list[str]:
    stated, hedged, guessed = object_groups(findings, skip_people=False)
    among_round = round_members(findings)
    details = []
    for label, count, best, boxes in stated + hedged + guessed:
        if brief and (best < HEDGED or label in among_round):
            continue
        thing = counted(label, count, brief)
        if best >= STATED:
            line = capital(thing)
        elif best >= HEDGED:
            line = "May show " + thing
        else:
            line = "Perhaps " + thing
        if not brief:
            places = join(unique(place_words(box) for box in boxes[:3]))
            line += f", {confidence_words(best)}, {places}"
        if label in among_round:
            line += "; more likely " + ("one" if count == 1 else str(count)) + " of the round objects"
        details.append(line + ".")
    return details


def round_members(findings: dict) -> set[str]:
    """Detector labels whose boxes sit on the round objects the sentence says (a coin taken
    for a clock), at any confidence."""
    if fusion.round_group(findings) is None:
        return set()
    labels = {o["label"] for o in findings.get("objects", [])}
    return {label for label in labels if fusion.one_of_the_round(fusion.Mention(label, 1, 0.0, True), findings)}


def thing_details(findings: dict, brief: bool) -> list[str]:
    """The classifier's likeliest words (guesses about the whole photo, so said as such, and as
    alternatives: "an oil rig or a rocket"), with the ImageNet class behind each and its
    likelihood when detailed; then, when detailed, the words the sentence set aside."""
    things = [t for t in findings.get("things", []) if t["confidence"] >= fusion.THING_HEDGED / 2][:3]
    aside = set_aside_words(findings, things)
    said = said_words(findings)
    stated, hedged, _ = object_groups(findings, skip_people=False)
    listed = {article(spoken(label)) for label, *_ in stated + hedged}
    kept = [t for t in things if t["word"] not in aside]
    if brief:  # only what the sentence could say, and no repeats
        kept = [t for t in kept if (t["confidence"] >= fusion.THING_HEDGED or t["word"] in said)
                and t["word"] not in listed]
    details = []
    if kept:
        lead = "looks like" if kept[0]["confidence"] >= fusion.THING_STATED else "might be"
        details.append(f"The whole photo {lead} " + join_or([thing_words(t, brief) for t in kept]) + ".")
    if not brief:
        details += [f"Set aside: {thing_words(t, brief)}, {aside[t['word']]}." for t in things if t["word"] in aside]
    return details


def thing_words(thing: dict, brief: bool) -> str:
    return thing["word"] if brief else f"{thing['word']} ({thing['imagenet']}, {round(thing['confidence'] * 100)}%)"


def said_words(findings: dict) -> set[str]:
    """The classifier words the sentence names, plainly, hedged or as an alternative."""
    said = set()
    for mention in fusion.mentions(findings):
        if fusion.said(mention) is not None:
            said |= {mention.name, mention.alternative}
    return said - {None}


def set_aside_words(findings: dict, things: list[dict]) -> dict[str, str]:
    """{word: why} for the classifier's words the sentence set aside: a thing a page of print
    is often taken for, where text was read (``fusion.mentions`` leaves those out), and a
    small round thing, where the sentence says round objects (the round detail counts it)."""
    found = fusion.mentions(findings)
    named = {m.name for m in found} | {m.alternative for m in found}
    detected = {o["label"] for o in findings.get("objects", [])}
    printed = any(s["kind"] in fusion.DOCUMENT_FINDINGS for s in findings.get("screens", []))
    round_said = fusion.round_group(findings) is not None
    aside = {}
    for thing in things:
        if round_said and thing["imagenet"] in small_round_classes():
            aside[thing["word"]] = "counted among the small round things"
        elif printed and thing["word"] not in named and thing.get("coco", "") not in detected:
            aside[thing["word"]] = "since the text read shows a page of print"
    return aside


def small_round_classes() -> frozenset[str]:
    from accessshare.describe.things import SMALL_ROUND_CLASSES  # the model module, loaded late

    return SMALL_ROUND_CLASSES


def join_or(items: list[str]) -> str:
    """"a, b or c": the classifier's words are alternatives for one photo."""
    return join(items).rsplit(" and ", 1)[0] + " or " + items[-1] if len(items) > 1 else join(items)


def face_details(findings: dict, brief: bool) -> list[str]:
    faces = findings.get("faces", [])
    if not faces:
        return []
    line = capital(count_word(len(faces), brief)) + (" face" if len(faces) == 1 else " faces")
    if not brief:
        line += ", " + join(unique(place_words(face["box"]) for face in faces[:4]))
    return [line + "."]


def text_details(findings: dict, brief: bool) -> list[str]:
    lines = findings.get("text", [])
    if not lines:
        return [UNREAD_TEXT_DETAIL] if findings.get("text_unread") else []
    words = " ".join(line["text"] for line in lines).split()
    preview = " ".join(words[:8]) + ("…" if len(words) > 8 else "")
    count = len(lines)
    noun = "line" if count == 1 else "lines"
    details = [f"Text, {count_word(count, brief)} {noun}, begins: “{preview}”."]
    kinds = unique(PII_NAMES.get(kind, "personal data") for kind in findings.get("pii", []))
    if kinds:
        details.append(f"The text seems to contain {join(kinds)}.")
    return details


def privacy_details(findings: dict, brief: bool) -> list[str]:
    details = []
    for screen in findings.get("screens", []):
        line = capital(article(screen["kind"])) + " is visible"
        if not brief:
            line += f", {place_words(screen['box'])}"
        details.append(line + ".")
    if "nudity" in findings.get("privacy", []):
        details.append("May contain nudity.")
    metadata = findings.get("metadata", {})
    location = metadata.get("location")
    if location:
        where = "" if brief else f" ({location['lat']:.4f}, {location['lon']:.4f})"
        details.append(f"The file records where the photo was taken{where}.")
    names = [IDENTIFIER_NAMES[name] for name in metadata.get("identifiers", [])
             if name in IDENTIFIER_NAMES]
    if names:
        details.append(f"The file records {join(names)}.")
    if not brief and metadata.get("device"):
        details.append(f"Taken with {article(metadata['device'])}.")
    if not brief and metadata.get("taken"):
        details.append(f"Taken on {metadata['taken'].replace('T', ' at ')}.")
    return details


def quality_details(findings: dict) -> list[str]:
    quality = findings.get("quality", {})
    details = []
    if quality.get("blur"):
        details.append(capital(quality["blur"]) + ".")
    if quality.get("dark"):
        details.append("Dark.")
    if quality.get("bright"):
        details.append("Too bright; parts are washed out.")
    if quality.get("low_contrast"):
        details.append("Low contrast.")
    subject = spoken(quality.get("subject") or "subject")
    if quality.get("cropped_edges"):
        details.append(f"The {subject} is cut off at the {edges_words(quality['cropped_edges'])}.")
    if quality.get("small"):
        details.append(f"The {subject} is small in the frame.")
    if quality.get("duplicate"):
        details.append(f"Looks like a near-duplicate of {quality['duplicate']}.")
    return details


# Words of a label or a sentence that name no thing, so never count as the two agreeing.
UNNAMING_WORDS = frozenset({
    "my", "our", "the", "and", "from", "with", "for", "this", "that", "old", "new", "again", "photo",
    "picture", "image", "may", "show", "perhaps", "reveal", "near", "duplicate", "cut", "off", "too",
    "dark", "light", "bright", "blurry", "very", "slightly", "low", "contrast", "nothing", "recognised",
    "object", "round", "background", "small", "many", "several", "some", "edge", "left", "right", "top",
    "bottom", "subject", "scene", "but", "not", "which", "its", "one", "two", "three"})


def named_in(label: str, sentence: str) -> bool:
    """A word of the contributor's label that the sentence says too ("old coins", "... perhaps
    coins or buttons ..."): the models cannot confirm it, but the sentence does not deny it."""
    said = {singular(word) for word in re.findall(r"[a-z]+", sentence.lower())}
    return any(singular(word) in said for word in re.findall(r"[a-z]+", label.lower())
               if len(word) >= 3 and singular(word) not in UNNAMING_WORDS)


def singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def label_details(findings: dict, sentence: str = "") -> list[str]:
    check = findings.get("label")
    if not check:
        return []
    wanted = spoken(check["wanted"])
    if check["agrees"]:
        # As sure as the detection that agrees: "may be" when the sentence said "may show".
        seen = check.get("seen")
        confidences = [o["confidence"] for o in findings.get("objects", []) if o["label"] == seen]
        confidences += [s["confidence"] for s in findings.get("screens", []) if s["kind"] == seen]
        confidences += [c for label, c in fused_confidences(findings).items() if label == seen]
        verb = "is" if not confidences or max(confidences) >= STATED else "may be"
        return [f"Labelled '{check['label']}'. {capital(article(wanted))} {verb} visible."]
    if named_in(check["label"], sentence):  # "old coins" beside "perhaps coins or buttons"
        return [f"Labelled '{check['label']}', as the description suggests."]
    if not check.get("checkable", True):
        return [f"Labelled '{check['label']}'; the describer cannot check that label."]
    return [f"Labelled '{check['label']}', but no {wanted} was recognised."]


def privacy_reminder(findings: dict) -> str:
    """What a shared photo gives away, said once more as it is shared; empty if nothing."""
    items = privacy_items(findings, brief=True)
    unread = " It may show writing that could not be read." if findings.get("text_unread") else ""
    if not items:
        return unread.strip()
    return f"Remember, it reveals {join(items)}.{unread}"


def phrase(findings: dict, verbosity: str) -> tuple[str, list[str]]:
    brief = verbosity == "brief"
    details = []
    if findings.get("caption"):
        details.append(f"Caption: {capital(findings['caption'].strip().rstrip('.'))}.")
    # Round objects first, as in the sentence: the guesses after them are said as among them.
    details += round_details(findings, brief) + object_details(findings, brief) + thing_details(findings, brief)
    details += face_details(findings, brief)
    details += text_details(findings, brief) + privacy_details(findings, brief)
    sentence = build_sentence(findings, brief)
    details += quality_details(findings) + label_details(findings, sentence)
    return sentence, details


# ---- redacted copies (describe.redaction) ----------------------------------------------------

def redaction_changed(name: str) -> str:
    return f"{name} changed since it was decided on, so no copy was made."


def redaction_unchecked(name: str) -> str:
    return f"The copy of {name} has not been checked, so it must not be shared."


def redaction_metadata_left(name: str, left: list[str]) -> str:
    return (f"The copy of {name} still holds {join(unique(left))} in its file, so it was not "
            "verified and will not be shared.")


def redaction_not_verified(name: str, still: list[str], checks: int) -> str:
    """Why a copy cannot be shared: "The copy of a.jpg still shows a face after ..."."""
    times = {1: "once", 2: "twice"}.get(checks, f"{checks} times")
    return (f"The copy of {name} still shows {join(unique(still)) or 'what was to be removed'} "
            f"after covering and checking it {times}, so it was not verified and will not be shared.")


def after_subject(findings: dict, faces: int, brief: bool) -> str:
    """What the copy shows, to go after "After removal:": the people whose faces were hidden
    ("a person, face hidden") and what else is recognised, else the kind of scene."""
    found = fusion.mentions(findings)
    if faces:
        people = "a person, face hidden" if faces == 1 else f"{count_word(faces, brief)} people, faces hidden"
        others = [mention_words(m, brief) for m in found if fusion.said(m) == "stated" and m.name != "person"]
        return people + (", and " + join(others[:2]) if others else "")
    stated = [m for m in found if fusion.said(m) == "stated"][:3]
    if stated:
        return join([mention_words(m, brief) for m in stated])
    group = fusion.round_group(findings)
    if group is not None:
        first = round_clause(group).rstrip(".")
        return first[:1].lower() + first[1:]
    hedged = [m for m in found if fusion.said(m) == "hedged"][:2]
    if hedged:
        return "perhaps " + join([mention_words(m, brief) for m in hedged])
    clause = KIND_CLAUSES.get(fusion.scene_kind(findings), "nothing recognised")
    first = clause.split(";")[0].rstrip(".")
    return first[:1].lower() + first[1:]


def after_removal(findings: dict, hidden: dict[str, int], checks: int, verbosity: str
                  ) -> tuple[str, list[str]]:
    """The redacted copy, heard before it is shared: ("After removal: a person, face hidden;
    no text; no location.", details). ``findings`` are the copy's own (it was described again;
    objects that were only the covering are left out); ``hidden`` counts the heads and text
    areas covered; ``checks`` how many times the copy was described."""
    brief = verbosity == "brief"
    parts = [after_subject(findings, hidden.get("faces", 0), brief)]
    parts += after_privacy_items(findings, hidden.get("text", 0))
    sentence = "After removal: " + "; ".join(part for part in parts if part) + "."
    return sentence, removal_details(findings, hidden, checks, brief)


def after_privacy_items(findings: dict, texts: int) -> list[str]:
    """What the copy still gives away, and "no text", "no location" where it gives none."""
    items = []
    still_faces = len(findings.get("faces", []))
    if still_faces:
        items.append(f"still shows {count_word(still_faces, True)} face" + ("" if still_faces == 1 else "s"))
    if findings.get("text"):
        items.append("still shows readable text")
    elif findings.get("text_unread"):
        items.append("may still show writing it could not read")
    else:
        items.append("text hidden" if texts else "no text")
    for kind in unique(s["kind"] for s in findings.get("screens", [])):
        items.append(f"still shows {article(kind)}")
    if "nudity" in findings.get("privacy", []):
        items.append("possible nudity")
    items.append("still records its location" if findings.get("metadata", {}).get("location") else "no location")
    return items


def removal_details(findings: dict, hidden: dict[str, int], checks: int, brief: bool) -> list[str]:
    faces, texts = hidden.get("faces", 0), hidden.get("text", 0)
    details = []
    if faces:
        heads = "the head" if faces == 1 else f"{count_word(faces, brief)} heads"
        details.append(f"Covered {heads}, hair and all, filled in from the colours around.")
    if texts:
        places = "one place" if texts == 1 else f"{count_word(texts, brief)} places"
        details.append(f"Covered text in {places}, filled in from the colours around.")
    details.append("Removed every detail stored in the file: location, date, camera, owner and "
                   "the small preview picture.")
    if checks > 1:
        details.append("The first check still found something; that was covered too, and the "
                       "copy checked again.")
    details.append("Described again after covering, to check it: " + after_check_words(findings) + ".")
    return details


def after_check_words(findings: dict) -> str:
    """"no face, no text and no location found" (or what was found)."""
    found = ["a face" if findings.get("faces") else "no face",
             "text" if findings.get("text") or findings.get("text_unread") else "no text",
             "a location" if findings.get("metadata", {}).get("location") else "no location"]
    return join(found) + " found"
