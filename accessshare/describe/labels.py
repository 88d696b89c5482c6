"""Does what was detected agree with the contributor's own label from the manifest?"""

from __future__ import annotations

import re
from dataclasses import dataclass

from accessshare.describe.objects import COCO_LABELS

# Words a contributor may use, mapped to the detector's COCO name (or to a caption word).
SYNONYMS = {
    "mug": "cup", "cup": "cup", "coffee": "cup", "tea": "cup", "teacup": "cup", "espresso": "cup",
    "kitty": "cat", "kitten": "cat", "cat": "cat", "puppy": "dog", "doggy": "dog", "dog": "dog",
    "phone": "cell phone", "mobile": "cell phone", "smartphone": "cell phone",
    "iphone": "cell phone", "cellphone": "cell phone", "mobile phone": "cell phone",
    "motorbike": "motorcycle", "scooter": "motorcycle", "bike": "bicycle", "cycle": "bicycle",
    "sofa": "couch", "settee": "couch", "tv": "tv", "television": "tv", "telly": "tv",
    "monitor": "tv", "screen": "tv", "notebook": "laptop", "computer": "laptop",
    "man": "person", "woman": "person", "boy": "person", "girl": "person", "child": "person",
    "kid": "person", "baby": "person", "people": "person", "me": "person", "selfie": "person",
    "friend": "person", "face": "person", "astronaut": "person",
    "plant": "potted plant", "houseplant": "potted plant", "flower": "potted plant",
    "table": "dining table", "desk": "dining table", "glass": "wine glass",
    "fridge": "refrigerator", "car": "car", "automobile": "car", "taxi": "car", "lorry": "truck",
    "keys": "key", "remote control": "remote", "doughnut": "donut", "mouse": "mouse",
    "handbag": "handbag", "purse": "handbag", "bag": "handbag", "rucksack": "backpack",
    "teddy": "teddy bear", "hairdryer": "hair drier", "hair dryer": "hair drier",
    "ball": "sports ball", "football": "sports ball", "plane": "airplane", "aeroplane": "airplane",
    "aircraft": "airplane", "ship": "boat", "pony": "horse", "lamb": "sheep", "cattle": "cow",
    "birdie": "bird", "pigeon": "bird", "sandwich": "sandwich", "pizza": "pizza",
    # Screens and documents (describe.screens kinds), so "letter from the bank" can agree.
    "letter": "document", "page": "document", "paper": "document", "document": "document",
    "receipt": "document", "form": "document", "bill": "document", "menu": "document",
    "card": "card", "bank card": "card", "credit card": "card", "id card": "card",
    "medicine": "pill bottle", "pills": "pill bottle", "tablets": "pill bottle",
    "pill bottle": "pill bottle", "prescription": "pill bottle", "books": "book",
    "tv screen": "tv", "laptop screen": "laptop", "phone screen": "cell phone",
    "computer screen": "tv",
}


@dataclass(frozen=True)
class LabelCheck:
    label: str  # as the contributor wrote it
    wanted: str  # the detector's name for it
    agrees: bool
    seen: str | None  # what was detected that agrees, in the detector's words
    checkable: bool = True  # False: the detectors have no name for it, so silence proves nothing


def canonical(word: str) -> str:
    """The detector's name for a contributor's word ("Mugs" -> "cup")."""
    word = re.sub(r"\s+", " ", word.strip().lower())
    if word in SYNONYMS:
        return SYNONYMS[word]
    for suffix in ("es", "s"):  # plurals: "mugs", "boxes"
        if word.endswith(suffix) and word[: -len(suffix)] in SYNONYMS:
            return SYNONYMS[word[: -len(suffix)]]
    return word


def label_words(label: str) -> list[str]:
    """The label and its single words, so "my coffee mug" can match "cup"."""
    cleaned = label.strip().lower()
    words = re.findall(r"[a-z]+", cleaned)
    pairs = [" ".join(words[i:i + 2]) for i in range(len(words) - 1)]
    return [cleaned, *pairs, *reversed(words)]


def check_label(label: str | None, detected: list[str], caption: str | None = None
                ) -> LabelCheck | None:
    """Compare the manifest label with detected names (and the caption's words, if any)."""
    if not label or not label.strip():
        return None
    detected_names = {canonical(name) for name in detected}
    caption_words = {canonical(word) for word in re.findall(r"[a-z]+", (caption or "").lower())}
    candidates = [canonical(word) for word in label_words(label)]
    for wanted in candidates:
        if wanted in detected_names or wanted in caption_words:
            return LabelCheck(label.strip(), wanted, True, wanted)
    known = set(COCO_LABELS) | set(SYNONYMS.values())  # names some detector can confirm
    main = next((c for c in candidates if c in known), candidates[0])
    return LabelCheck(label.strip(), main, False, None, checkable=main in known)
