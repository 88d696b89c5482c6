"""Rebuild assets/sample/ from the photos that scikit-image ships (no download needed).

    python packaging/make_sample_dataset.py [--out assets/sample]

The output is deterministic for a given scikit-image version: same pixels, same EXIF.
Two photos carry made-up EXIF (location, device and owner) and two are stored sideways or dark,
so that a first run shows the app's privacy and quality findings on real photos.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np
import skimage
from PIL import Image, ImageFilter
from skimage import data

# (file, scikit-image function, contributor's label, source and licence)
PHOTOS = [
    ("coffee.jpg", "coffee", "my coffee mug",
     "Coffee cup, courtesy of Pikolo Espresso Bar; CC0 by the photographer, Rachel Michetti."),
    ("chelsea.jpg", "chelsea", "my cat",
     "Chelsea the cat; CC0 by the photographer, Stefan van der Walt."),
    ("astronaut.jpg", "astronaut", "astronaut portrait",
     "Eileen Collins, NASA Great Images database; public domain."),
    ("rocket-launch.jpg", "rocket", "rocket launch",
     "DSCOVR on Falcon 9, SpaceX Photos; released into the public domain. "
     "The EXIF location and device fields were added by this script."),
    ("letter.jpg", "page", "letter from the bank",
     "Scanned page of printed text, shipped with scikit-image (BSD-3-Clause package)."),
    ("night-sky.jpg", "hubble_deep_field", "night sky",
     "Hubble eXtreme Deep Field, NASA/HubbleSite; public domain."),
    ("coins.jpg", "coins", "old coins",
     "Greek coins from Pompeii, Brooklyn Museum Collection; no known copyright restrictions."),
    ("camera.jpg", "camera", "man with a camera",
     "Cameraman photo; CC0 by the photographer, Lav Varshney."),
    ("cat-sideways.jpg", "chelsea", "my cat again",
     "Chelsea the cat (as above), stored sideways with EXIF orientation 8 by this script."),
    ("mug-in-the-dark.jpg", "coffee", "mug in the dark",
     "Coffee cup (as above), darkened and blurred by this script."),
]


def build(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, source, _label, _credit in PHOTOS:
        image = Image.fromarray(np.asarray(getattr(data, source)())).convert("RGB")
        exif = Image.Exif()
        if name == "rocket-launch.jpg":
            exif = _located_device_exif()
        elif name == "cat-sideways.jpg":
            image = image.transpose(Image.Transpose.ROTATE_270)  # stored turned; EXIF turns it back
            exif[0x0112] = 8
        elif name == "mug-in-the-dark.jpg":
            image = image.filter(ImageFilter.GaussianBlur(3)).point(lambda value: value // 5)
        image.save(out / name, "JPEG", quality=90, exif=exif.tobytes())
    with open(out / "manifest.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "label"])
        writer.writerows((name, label) for name, _source, label, _credit in PHOTOS)
    _write_licences(out)


def _located_device_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Acme"
    exif[0x0110] = "Acme Phone 7"
    detail = exif.get_ifd(0x8769)
    detail[0x9003] = "2015:02:11 23:03:42"
    detail[0xA430] = "Sample Contributor"
    detail[0xA431] = "SN-0042-7731"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (28.0, 33.0, 43.4)  # Cape Canaveral
    gps[3], gps[4] = "W", (80.0, 34.0, 38.2)
    return exif


def _write_licences(out: Path) -> None:
    lines = ["# Sample photos: sources and licences", "",
             f"All photos come from scikit-image {skimage.__version__} (`skimage/data`), which "
             "ships them inside its wheel. `packaging/make_sample_dataset.py` rebuilds this "
             "folder.", "", "| file | label | source and licence |", "|---|---|---|"]
    lines += [f"| {name} | {label} | {credit} |" for name, _s, label, credit in PHOTOS]
    lines += ["", "`manifest.csv` holds the contributor's own label for each photo."]
    (out / "LICENCES.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).resolve().parent.parent / "assets" / "sample")
    build(parser.parse_args().out)
