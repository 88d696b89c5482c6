"""Real photos for the describe service's tests, and a describer that misbehaves on purpose.

``MisbehavingDescriber`` is the real Describer, except inside a describer process: there it
kills its own process on photos named crash*.jpg and stalls on stall*.jpg, as a pathological
photo or a model bug would. Each attempt is written, one photo name a line, to the file named
by ATTEMPTS_ENV, so a test can count how often a photo was tried. A service names it with
``DescriberSpec(factory=STAND_IN)``; the describer process imports it from this folder (the
'spawn' method gives the child the parent's sys.path).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from pathlib import Path

import numpy as np
from PIL import Image
from skimage import data

from accessshare.describe.pipeline import Describer

ATTEMPTS_ENV = "ACCESSSHARE_TEST_DESCRIBE_ATTEMPTS"
STAND_IN = "describer_stand_ins:MisbehavingDescriber"
SOURCES = ("astronaut", "coffee", "chelsea", "camera", "rocket", "page", "coins", "horse",
           "immunohistochemistry", "hubble_deep_field", "retina", "text", "moon", "cell")


class MisbehavingDescriber(Describer):
    def describe(self, photo):
        if multiprocessing.parent_process() is None:  # the app's side only phrases: behave
            return super().describe(photo)
        name = Path(photo.path).name
        attempts = os.environ.get(ATTEMPTS_ENV)
        if attempts:
            with open(attempts, "a", encoding="utf-8") as log:
                log.write(name + "\n")
        if name.startswith("crash"):
            os.kill(os.getpid(), signal.SIGKILL)
        if name.startswith("stall"):
            time.sleep(3600)
        return super().describe(photo)


def write_photos(folder: Path, names: list[str], side: int = 480) -> list[Path]:
    """One JPEG per name, each a different real photo (scikit-image's) scaled so its long side
    is ``side`` pixels; no two are near-duplicates of each other."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, name in enumerate(names):
        pixels = getattr(data, SOURCES[index % len(SOURCES)])()
        image = Image.fromarray(np.asarray(pixels)).convert("RGB")
        if index >= len(SOURCES):  # a second round: turned, so neither hash nor dHash repeat
            image = image.rotate(90 * (index // len(SOURCES)), expand=True)
        scale = side / max(image.size)
        image = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))))
        path = folder / name
        image.save(path, "JPEG", quality=90)
        paths.append(path)
    return paths
