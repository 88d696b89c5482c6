"""Scan benchmark: 10,000 small, really encoded JPEGs.

    python bench/bench_scan.py [--count 10000] [--dir DIR]

Prints the cold-scan time and hashing throughput, `sha256sum` throughput over the same files
in the same run, the warm-rescan time of the unchanged folder, and peak RSS.
Targets (2 cores): rescan < 1 s; cold-scan throughput >= 0.8x sha256sum.

    python bench/bench_scan.py --beside-huge [--huge-gb 3 8]

Scans, in a new `accessshare scan` process each, a folder of photos beside a multi-gigabyte
file named like a photo (sparse, so it takes no disk), a 9999 by 9999 PNG of a few hundred
kilobytes, and then `accessshare describe` of a link to /dev/zero and of a FIFO; prints each
process's time and peak RSS. Targets: scan peak RSS < 200 MB beside a 3 GB file; describe
refuses a device or a pipe within a second of starting.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from accessshare.library import scan  # noqa: E402


def build(folder: Path, count: int) -> int:
    rng = np.random.default_rng(7)
    base = rng.integers(0, 255, (96, 128, 3), dtype=np.uint8)
    total = 0
    for index in range(count):
        pixels = np.roll(base, index % 128, axis=1)
        pixels[: index % 96, :4] = index % 256
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, "JPEG", quality=85)
        sub = folder / f"{index // 1000:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"photo-{index:05d}.jpg").write_bytes(buffer.getvalue())
        total += buffer.tell()
    return total


def drop_caches_if_possible() -> None:
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        pass  # not root or not Linux: both measurements then read from the page cache


def sha256sum_seconds(folder: Path) -> float:
    files = [str(p) for p in sorted(folder.rglob("*.jpg"))]
    start = time.perf_counter()
    for chunk in range(0, len(files), 2000):
        subprocess.run(["sha256sum", *files[chunk:chunk + 2000]], check=True,
                       stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def run_measured(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, output) of one `accessshare` process."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "accessshare", *argv], env=env,
                                 stdout=out, stderr=subprocess.STDOUT,
                                 cwd=Path(__file__).resolve().parents[1])
        _pid, _status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        return seconds, usage.ru_maxrss / 1024, out.read().decode(errors="replace")


def beside_huge(sizes_gb: list[int]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        env = dict(os.environ, ACCESSSHARE_DATA_DIR=str(scratch / "data"))
        baseline, base_rss, _ = run_measured(["--version"], env)
        print(f"python + accessshare, doing nothing: {base_rss:5.0f} MB")
        for gigabytes in sizes_gb:
            folder = scratch / f"beside-{gigabytes}gb"
            build(folder, 200)
            with open(folder / "huge.jpg", "wb") as sparse:
                sparse.truncate(gigabytes * 1024 ** 3)
            Image.new("L", (9999, 9999)).save(folder / "wide.png", "PNG", compress_level=9)
            seconds, peak, out = run_measured(["scan", str(folder)], env)
            print(f"scan beside a {gigabytes} GB file: {seconds:6.2f} s  peak RSS {peak:5.0f} MB  "
                  f"(target < 200 MB)  {out.strip().splitlines()[-1]}")
        (scratch / "zero.jpg").symlink_to("/dev/zero")
        os.mkfifo(scratch / "pipe.jpg")
        for name in ("zero.jpg", "pipe.jpg"):
            seconds, peak, out = run_measured(["describe", str(scratch / name)], env)
            print(f"describe {name}: a new process refused it after {seconds:5.2f} s "
                  f"(start and imports included), peak RSS {peak:4.0f} MB: {out.strip()[:70]}")
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from accessshare.describe.pipeline import Describer

        describer = Describer()
        for name in ("zero.jpg", "pipe.jpg"):
            start = time.perf_counter()
            (result,) = list(describer.describe_many([scratch / name]))
            print(f"describe {name} in a running describer: refused in "
                  f"{(time.perf_counter() - start) * 1000:.1f} ms: {result.error}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--dir", type=Path)
    parser.add_argument("--beside-huge", action="store_true",
                        help="only the memory beside multi-gigabyte files, and describe refusals")
    parser.add_argument("--huge-gb", type=int, nargs="+", default=[3, 8])
    args = parser.parse_args()
    if args.beside_huge:
        beside_huge(args.huge_gb)
        return
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.dir or Path(scratch) / "photos"
        index = Path(scratch) / "index"
        total = build(folder, args.count)
        megabytes = total / 1e6
        print(f"built {args.count} JPEGs, {megabytes:.1f} MB")

        drop_caches_if_possible()
        sha_time = sha256sum_seconds(folder)
        drop_caches_if_possible()
        start = time.perf_counter()
        cold = scan(folder, index_dir=index)
        cold_time = time.perf_counter() - start
        start = time.perf_counter()
        warm = scan(folder, index_dir=index)
        warm_time = time.perf_counter() - start

        assert len(cold.photos) == len(warm.photos) == args.count and warm.hashed == 0
        ratio = (megabytes / cold_time) / (megabytes / sha_time)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"sha256sum:   {sha_time:6.2f} s  {megabytes / sha_time:7.1f} MB/s")
        print(f"cold scan:   {cold_time:6.2f} s  {megabytes / cold_time:7.1f} MB/s "
              f"({ratio:.2f}x sha256sum; target >= 0.8x)")
        print(f"warm rescan: {warm_time:6.2f} s  (target < 1 s)")
        print(f"peak RSS:    {peak_mb:6.0f} MB")


if __name__ == "__main__":
    main()
