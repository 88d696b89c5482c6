"""Records store benchmark: appends, verify, latest states and photo upserts.

    python bench/bench_records.py [--db URL] [--photos 10000] [--single 500]

With no --db, uses a fresh SQLite file in a temporary folder (WAL, synchronous=FULL). Prints
single-event appends per second (each committed to disk before returning), batched appends,
verify throughput, latest_states over every photo, photo upserts from a scan, and peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from accessshare.records import RecordStore  # noqa: E402

PURPOSES = ("research", "training", "public", "commercial")


@dataclass
class FakeExif:
    orientation: int = 1


@dataclass
class FakePhoto:  # the fields upsert_photos reads from a library PhotoInfo
    id: str
    path: Path
    size: int = 12345
    width: int = 640
    height: int = 480
    label: str | None = "mug"
    exif: FakeExif = field(default_factory=FakeExif)


def timed(label: str, action, count: int, unit: str) -> None:
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:8.3f} s  {count / seconds:10,.0f} {unit}/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="SQLAlchemy URL of an EMPTY database (default: temp SQLite)")
    parser.add_argument("--photos", type=int, default=10_000)
    parser.add_argument("--single", type=int, default=500, help="single committed appends")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite:///{Path(folder) / 'records.sqlite3'}"
        store = RecordStore(url)
        print(f"database: {store.dialect}; {args.photos:,} photos x {len(PURPOSES)} purposes")
        hashes = [f"{n:064x}" for n in range(args.photos)]
        photos = [FakePhoto(h, Path(folder) / f"{n}.jpg") for n, h in enumerate(hashes)]

        def single() -> None:
            for n in range(args.single):
                store.append_consent(purpose="research", state="given", actor="c1",
                                     photo_hash=hashes[n % len(hashes)])

        def batched() -> None:
            rows = [{"photo_hash": h, "purpose": p, "state": "given", "actor": "c1"}
                    for h in hashes for p in PURPOSES]
            for start in range(0, len(rows), 1000):
                store.append_consents(rows[start:start + 1000])

        total = args.single + len(hashes) * len(PURPOSES)
        timed("append_consent, one commit each", single, args.single, "events")
        timed("append_consents, 1,000 per transaction", batched, total - args.single, "events")
        timed(f"verify ({total:,} events)", lambda: print_ok(store.verify()), total, "events")
        timed("latest_states() over every photo", lambda: store.latest_states(), len(hashes),
              "photos")
        timed("latest_states([one photo]) x 200",
              lambda: [store.latest_states([h]) for h in hashes[:200]], 200, "calls")
        timed("upsert_photos, first scan", lambda: store.upsert_photos(folder, photos),
              len(photos), "photos")
        timed("upsert_photos, rescan", lambda: store.upsert_photos(folder, photos),
              len(photos), "photos")
        store.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak_mb:.0f} MB")


def print_ok(report) -> None:
    if not report.ok:
        raise SystemExit(report.message)


if __name__ == "__main__":
    main()
