"""Benchmark the text reader and the nudity scorer on 1024-px photos: median milliseconds.

    python bench/bench_text.py [--repeat 5] [--side 1024] [--threads N]

Photos: the printed notice on coffee (text, as in the tests), skimage's page enlarged to
1024 px (a page of print), and coffee and chelsea (no text: what the gate usually sees).
Each figure is the median over ``--repeat`` runs after one warm-up.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path


def scaled(rgb, side: int):
    from PIL import Image

    image = Image.fromarray(rgb).convert("RGB")
    scale = side / max(image.size)
    return image.resize((round(image.width * scale), round(image.height * scale)), Image.BILINEAR)


def notice(side: int):
    import skimage.data
    from PIL import ImageDraw, ImageFont

    photo = scaled(skimage.data.coffee(), side)
    draw = ImageDraw.Draw(photo)
    font = ImageFont.load_default(size=40)
    draw.rectangle((100, 60, 900, 260), fill="white")
    for y, line in ((80, "FRESH BREAD DAILY"), (150, "Call 0161 496 0123"), (200, "jane@example.com")):
        draw.text((120, y), line, font=font, fill="black")
    return photo


def median_ms(function, argument, repeat: int) -> float:
    function(argument)  # warm-up: first run allocates
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function(argument)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--side", type=int, default=1024)
    parser.add_argument("--threads", type=int, help="intra-op threads (ACCESSSHARE_ONNX_THREADS)")
    args = parser.parse_args()
    if args.threads:
        os.environ["ACCESSSHARE_ONNX_THREADS"] = str(args.threads)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import skimage.data

    from accessshare.describe.nudity import NudityScorer
    from accessshare.describe.text import TextReader

    reader, scorer = TextReader(), NudityScorer()
    start = time.perf_counter()
    reader.load()
    scorer.load()
    print(f"load: {(time.perf_counter() - start) * 1000:.0f} ms (text + nudity sessions)")
    photos = {
        "notice": notice(args.side),
        "page": scaled(skimage.data.page(), args.side),
        "coffee": scaled(skimage.data.coffee(), args.side),
        "chelsea": scaled(skimage.data.chelsea(), args.side),
    }
    print(f"{'photo':10} {'size':>10} {'gate':>6} {'gate ms':>8} {'read ms':>8} {'lines':>5} {'nudity ms':>9}")
    for name, photo in photos.items():
        gate = reader.text_likelihood(photo)
        lines = reader.read(photo)
        print(f"{name:10} {photo.width:>4}x{photo.height:<5} {gate:6.2f} "
              f"{median_ms(reader.text_likelihood, photo, args.repeat):8.0f} "
              f"{median_ms(reader.read, photo, args.repeat):8.0f} {len(lines):5d} "
              f"{median_ms(scorer.score, photo, args.repeat):9.0f}")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
