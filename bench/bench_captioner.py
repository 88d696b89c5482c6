"""Benchmark the pluggable captioner: load time, latency per caption, peak memory.

    python bench/bench_captioner.py [MODEL_DIR] [--repeat 3] [--max-new-tokens N]

MODEL_DIR is an Optimum-layout captioner (e.g. an export of nlpconnect/vit-gpt2-image-captioning).
Without it, the tiny test model is built in a temporary folder: its networks cost next to
nothing, so the figures are AccessShare's own overhead (decoding, resizing, normalising, the
decoding loop and detokenising). Photos are the real ones scikit-image ships; latency is the
median and 95th percentile over every photo and repeat, after one warm-up caption.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import skimage.data

from accessshare.describe.captioner import Captioner

PHOTOS = ("astronaut", "coffee", "chelsea", "rocket", "camera", "page")
TESTS_FOLDER = Path(__file__).resolve().parent.parent / "tests" / "describe_caption"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def photo(name: str):
    image = getattr(skimage.data, name)()
    return image if image.ndim == 3 else image[:, :, None].repeat(3, axis=2)


def tiny_model(folder: Path) -> Path:
    sys.path.insert(0, str(TESTS_FOLDER))
    from tiny_captioner import build_tiny_captioner

    return build_tiny_captioner(folder / "tiny")


def run(model: Path, repeat: int, max_new_tokens: int | None) -> None:
    captioner = Captioner(model, max_new_tokens=max_new_tokens)
    started = time.perf_counter()
    captioner.load()
    load_ms = (time.perf_counter() - started) * 1000
    images = {name: photo(name)[:, :, :3] for name in PHOTOS}
    captioner.caption(images["coffee"])  # warm-up
    latencies = []
    for _ in range(repeat):
        for name, image in images.items():
            started = time.perf_counter()
            text = captioner.caption(image)
            latencies.append((time.perf_counter() - started) * 1000)
            if len(latencies) <= len(images):
                print(f"  {name:16} {text}")
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    print(f"model {captioner.version}, decoder {captioner.decoder_file}, beams {captioner.num_beams}")
    print(f"load {load_ms:.0f} ms; caption median {statistics.median(latencies):.1f} ms,"
          f" p95 {p95:.1f} ms over {len(latencies)}; peak RSS {peak_rss_mb():.0f} MB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", type=Path, help="Optimum-layout captioner folder")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-new-tokens", type=int, default=None)
    options = parser.parse_args()
    if options.model:
        run(options.model, options.repeat, options.max_new_tokens)
        return
    with tempfile.TemporaryDirectory() as folder:
        run(tiny_model(Path(folder)), options.repeat, options.max_new_tokens)


if __name__ == "__main__":
    main()
