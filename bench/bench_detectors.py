"""Benchmark the object detector, the classifier and the face detector: load, latency, memory.

    python bench/bench_detectors.py [--repeat 5] [--side 1024] [--threads N]

Photos are the real ones scikit-image ships, scaled so their longest side is ``--side`` (the
describer decodes each photo once and hands the detectors such a downscaled copy). Latency is
the median and 95th percentile over every photo and repeat, after one warm-up pass. Peak RSS is
the process's high-water mark (it includes Python, numpy and onnxruntime themselves).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

from PIL import Image

PHOTO_NAMES = (
    "astronaut.png", "coffee.png", "chelsea.png", "motorcycle_left.png", "rocket.jpg",
    "hubble_deep_field.jpg", "camera.png", "page.png", "retina.jpg", "coins.png",
)  # fmt: skip


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def load_photos(side: int):
    import skimage
    from PIL import Image

    folder = Path(skimage.__file__).parent / "data"
    photos = []
    for name in PHOTO_NAMES:
        with Image.open(folder / name) as image:
            rgb = image.convert("RGB")
        scale = side / max(rgb.size)
        size = (round(rgb.width * scale), round(rgb.height * scale))
        photos.append((name, rgb.resize(size, Image.Resampling.BILINEAR)))
    return photos


def timed_ms(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return (time.perf_counter() - start) * 1000


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def bench(label: str, detect, photos, repeat: int) -> None:
    for _, image in photos:  # warm-up: first runs allocate onnxruntime's buffers
        detect(image)
    times = [timed_ms(detect, image) for _ in range(repeat) for _, image in photos]
    print(
        f"{label:<28} median {statistics.median(times):6.1f} ms   p95 {percentile(times, 0.95):6.1f} ms"
        f"   {1000 / statistics.mean(times):5.1f} photos/s   peak RSS so far {peak_rss_mb():4.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--side", type=int, default=1024, help="longest side of each photo")
    parser.add_argument("--threads", type=int, help="onnxruntime intra-op threads (default: chosen)")
    args = parser.parse_args()
    if args.threads:
        os.environ["ACCESSSHARE_ONNX_THREADS"] = str(args.threads)

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from accessshare.describe import onnx_session
    from accessshare.describe.faces import FaceDetector
    from accessshare.describe.objects import ObjectDetector
    from accessshare.describe.things import ThingClassifier

    photos = load_photos(args.side)
    baseline = peak_rss_mb()
    print(f"cores usable {onnx_session.usable_cores()}, intra-op threads {onnx_session.default_intra_op_threads()}")
    print(f"{len(photos)} photos, longest side {args.side} px, {args.repeat} repeats; RSS before models {baseline:.0f} MB")

    objects, faces, things = ObjectDetector(), FaceDetector(), ThingClassifier()
    print(f"load objects model           {timed_ms(objects.load):6.1f} ms")
    print(f"load classifier              {timed_ms(things.load):6.1f} ms")
    print(f"load face model              {timed_ms(faces.load):6.1f} ms")

    bench("objects", objects.detect, photos, args.repeat)
    bench("things (classifier)", things.classify, photos, args.repeat)
    bench("faces", faces.detect, photos, args.repeat)
    searching = FaceDetector(search_rotations=True)
    bench("faces + rotation search", searching.detect, photos, args.repeat)
    bench("objects + faces", lambda image: (objects.detect(image), faces.detect(image)), photos, args.repeat)
    print(f"peak RSS                     {peak_rss_mb():6.0f} MB")

    print("\nwhat was found (objects >= 0.2; faces; the classifier's likeliest words):")
    for name, image in photos:
        found = ", ".join(f"{o.label} {o.confidence:.2f}" for o in objects.detect(image)) or "nothing"
        words = ", ".join(f"{t.word} {t.confidence:.2f}" for t in things.classify(image).things[:2])
        print(f"  {name:<24} faces {len(faces.detect(image))}; {found}; {words}")
    groups = Path(__file__).resolve().parent.parent / "tests" / "describe_models" / "photos"
    for path in sorted(groups.glob("group-*.jpg")):
        with Image.open(path) as image:
            print(f"  {path.name:<24} faces {len(faces.detect(image.convert('RGB')))}")


if __name__ == "__main__":
    main()
