"""Benchmark redaction plus its verification on ~12-megapixel JPEGs.

    python bench/bench_redact.py [--photos 6] [--kinds all] [--workers 1]

Photos are real ones upscaled to 4000 x 3000 and saved as JPEG files (quality 90) with GPS,
camera and owner EXIF, in a temporary folder: the two group photos of
tests/describe_models/photos (faces), scikit-image's coffee with a printed notice (text),
astronaut, chelsea and a dune landscape with a small group far off (faces 80 pixels high, found
only in tiles). Each is redacted with ``Redactor.redact`` (search, covering, encoding, and every
check: the describer on the copy's bytes and the search again), after one warm-up photo.
Reported: per photo wall and processor time, checks, share of pixels covered, verified or not;
the median; photos per second through ``redact_many`` with ``--workers``; peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE = (4000, 3000)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def exif_with_gps() -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x013B] = "Acme", "Acme Phone 7", "Sam Example"
    exif.get_ifd(0x8769)[0xA431] = "SN-0042"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (51.0, 30.0, 0.0), "W", (0.0, 7.0, 0.0)
    return exif.tobytes()


def sources() -> list[tuple[str, object]]:
    import skimage.data
    from PIL import Image, ImageDraw, ImageFont

    photos = ROOT / "tests" / "describe_models" / "photos"
    group5 = Image.open(photos / "group-sample5.jpg").convert("RGB")
    coffee = Image.fromarray(skimage.data.coffee()).resize((1024, 683))
    draw = ImageDraw.Draw(coffee)
    draw.rectangle((100, 60, 900, 260), fill="white")
    for y, line in ((80, "FRESH BREAD DAILY"), (150, "Call 0161 496 0123"), (200, "jane@example.com")):
        draw.text((120, y), line, font=ImageFont.load_default(size=40), fill="black")
    dune = Image.open(photos / "landscape-dune.jpg").convert("RGB").resize(SIZE, Image.Resampling.BICUBIC)
    far = group5.resize((1000, round(1000 * group5.height / group5.width)))
    dune.paste(far, (1500, SIZE[1] - far.height))
    return [("group-sample5", group5), ("group-sample2", Image.open(photos / "group-sample2.jpg").convert("RGB")),
            ("sign", coffee), ("astronaut", Image.fromarray(skimage.data.astronaut())),
            ("chelsea", Image.fromarray(skimage.data.chelsea())), ("dune-far-group", dune)]


def make_photos(folder: Path, count: int) -> list[Path]:
    from PIL import Image, ImageOps

    paths, exif = [], exif_with_gps()
    for index, (name, image) in enumerate((sources() * count)[:count]):
        rgb = ImageOps.fit(image, SIZE, Image.Resampling.BICUBIC)
        path = folder / f"{index:02d}-{name}.jpg"
        rgb.save(path, "JPEG", quality=90, exif=exif)
        paths.append(path)
    return paths


def wall_and_cpu_ms(function, *args):
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    result = function(*args)
    wall = (time.perf_counter() - start) * 1000
    after = resource.getrusage(resource.RUSAGE_SELF)
    return result, wall, ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1000


def main() -> None:
    from accessshare.describe.pipeline import Describer
    from accessshare.describe.redaction import RedactionJob, Redactor, parse_kinds

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=6)
    parser.add_argument("--kinds", default="all")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    kinds = parse_kinds(args.kinds)
    with tempfile.TemporaryDirectory() as folder:
        print(f"Making {args.photos} JPEGs of {SIZE[0]}x{SIZE[1]} ({SIZE[0] * SIZE[1] / 1e6:.0f} MP) "
              f"with GPS EXIF...", flush=True)
        paths = make_photos(Path(folder), args.photos)
        print(f"  (peak RSS after making the photos: {peak_rss_mb():.0f} MB)", flush=True)
        describer = Describer()
        describer.load()
        redactor = Redactor(describer)
        redactor.redact(paths[-1], kinds)  # warm-up: first runs allocate onnxruntime's buffers
        walls, cpus = [], []
        print(f"redact {','.join(sorted(kinds))}, one photo at a time:")
        for path in paths:
            result, wall, cpu = wall_and_cpu_ms(redactor.redact, path, kinds)
            walls.append(wall)
            cpus.append(cpu)
            hidden = result.hidden()
            print(f"  {path.name:24} {wall:6.0f} ms wall, {cpu:6.0f} ms CPU; checks {result.checks}; "
                  f"{hidden['faces']} heads, {hidden['text']} text areas; covered "
                  f"{result.covered_share:.1%}; {'verified' if result.verified else 'NOT verified'}",
                  flush=True)
        print(f"per photo:       median {statistics.median(walls):.0f} ms wall, "
              f"{statistics.median(cpus):.0f} ms processor time (all threads)")
        print(f"peak RSS:        {peak_rss_mb():.0f} MB (one at a time)")
        start = time.perf_counter()
        done = list(redactor.redact_many([RedactionJob(p, kinds) for p in paths], workers=args.workers))
        print(f"redact_many:     {len(done) / (time.perf_counter() - start):.2f} photos/s with "
              f"{args.workers} worker(s); peak RSS {peak_rss_mb():.0f} MB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
