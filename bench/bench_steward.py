"""A steward's store at scale: 1,000 contributors with 1,000 events each, as real signed exports,
imported into PostgreSQL (or SQLite), then `allowed` and `changes` timed.

    python bench/bench_steward.py --pg postgresql+psycopg://USER:PASS@HOST/DB
    python bench/bench_steward.py --sqlite [--contributors 200]

Each export is built with the exporter's own functions (``consent.export.signed_log``: the
same records, current state and Ed25519 signature as ``accessshare export consent``) over a
hash chain made with ``records.chain``, and every one is verified by the real verifier at
import. A tenth of the contributors then export again with 20 more events (withdrawals,
deletions, a new sharing condition), which are imported as a second round.

With --pg, a fresh database is created on that server for the run and dropped afterwards.
Prints: events per second for the first round (one transaction per file, --jobs processes),
the second round, the time of `allowed --purpose research` and `changes --since` through the
store and as a whole command (a new process, as a steward runs it), and the query plans.
Targets (2 cores): import >= 10,000 events/s; allowed < 1 s.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "helpers"))  # pg_databases: a fresh database

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from accessshare.consent import load_form  # noqa: E402
from accessshare.consent.export import exported_event, signed_log  # noqa: E402
from accessshare.records.chain import GENESIS_HASH, event_hash, utc_timestamp  # noqa: E402
from accessshare.records.signing import DeviceKey  # noqa: E402

PHOTOS_PER_CONTRIBUTOR = 250
SECOND_ROUND_EVENTS = 20
START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
KINDS = ("faces", "location", "text")


# --- making the exports -------------------------------------------------------------------------

def contributor_events(index: int, count: int, form) -> tuple[str, str, list[dict], list[str]]:
    """(pseudonym, dataset folder, the chain of COUNT events, photo hashes): a contributor who
    shares most photos, refuses some, withdraws a few, sets folder defaults, undoes, deletes."""
    rng = random.Random(index)
    who = f"contributor-{index:06x}{rng.getrandbits(24):06x}"
    root = f"/home/{who}/photos"
    photos = [hashlib.sha256(f"{who} photo {n}".encode()).hexdigest()
              for n in range(PHOTOS_PER_CONTRIBUTOR)]
    events, prev = [], GENESIS_HASH
    for seq in range(1, count + 1):
        events.append(_event(rng, seq, who, root, photos, form, prev, late=False))
        prev = events[-1]["hash"]
    return who, root, events, photos


def more_events(rng: random.Random, events: list[dict], who: str, root: str, photos: list[str],
                form, count: int) -> list[dict]:
    """COUNT later events: mostly withdrawals and deletions, the second round's news."""
    added, prev = [], events[-1]["hash"]
    for seq in range(len(events) + 1, len(events) + count + 1):
        added.append(_event(rng, seq, who, root, photos, form, prev, late=True))
        prev = added[-1]["hash"]
    return added


def _event(rng: random.Random, seq: int, who: str, root: str, photos: list[str], form,
           prev: str, late: bool) -> dict:
    moment = START + timedelta(days=60 if late else 0, seconds=seq * 37 + rng.randrange(30))
    fields = {"seq": seq, "time": utc_timestamp(moment), "actor": who, "scope": "photo",
              "photo_hash": None, "dataset": None, "purpose": None, "state": None,
              "form_version": None, "form_hash": None, "status": None, "reason": None,
              "detail": None, "prev_hash": prev}
    draw = rng.random()
    if draw < (0.3 if late else 0.02):
        fields.update(kind="deletion", photo_hash=rng.choice(photos), status="requested",
                      reason="no longer wanted", detail=json.dumps({"copies": 1}))
    else:
        fields.update(kind="consent", form_version=form.version, form_hash=form.sha256,
                      purpose=rng.choice(form.purpose_ids))
        detail = {"decision": f"d-{rng.getrandbits(64):016x}"}
        if not late and draw < 0.05:
            fields.update(scope="dataset", dataset=root, state=rng.choice(("given", "refused")))
        else:
            fields["photo_hash"] = rng.choice(photos)
            weights = (1, 0, 3) if late else (6, 2, 1)
            fields["state"] = rng.choices(("given", "refused", "withdrawn"), weights)[0]
            if fields["state"] == "given" and rng.random() < 0.1:
                detail["redact"] = sorted(rng.sample(KINDS, rng.randint(1, 3)))
            elif not late and draw > 0.98:
                fields["state"], detail["inherit"] = "pending", True  # an undo
        fields["detail"] = json.dumps(detail, sort_keys=True, separators=(",", ":"))
    fields["hash"] = event_hash(fields)
    return fields


def write_exports(task: tuple[int, int, str, bool]) -> tuple[str, str | None]:
    """Write one contributor's export (and, for some, a later one); returns their paths."""
    index, count, folder, again = task
    form = load_form()
    who, root, events, photos = contributor_events(index, count, form)
    key = DeviceKey(Ed25519PrivateKey.generate())
    store_id = secrets.token_hex(16)
    known = {photo: root for photo in photos}
    first = Path(folder) / "round1" / f"{who}.json"
    _write(first, signed_log(who, [exported_event(e) for e in events], known, form,
                             store_id, key))
    if not again:
        return str(first), None
    later = events + more_events(random.Random(-index), events, who, root, photos, form,
                                 SECOND_ROUND_EVENTS)
    second = Path(folder) / "round2" / f"{who}.json"
    _write(second, signed_log(who, [exported_event(e) for e in later], known, form,
                              store_id, key))
    return str(first), str(second)


def _write(path: Path, document: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def make_exports(folder: Path, contributors: int, events: int, jobs: int
                 ) -> tuple[list[str], list[str]]:
    tasks = [(index, events, str(folder), index % 10 == 0) for index in range(contributors)]
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        made = pool.map(write_exports, tasks, chunksize=8)
    return [first for first, _ in made], [second for _, second in made if second]


# --- the databases ------------------------------------------------------------------------------

def query_plans(url: str) -> list[str]:
    from sqlalchemy import create_engine, text

    if not url.startswith("postgresql"):
        return []
    engine = create_engine(url)
    plans = []
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        for query in ("SELECT subject, photo_hash, condition FROM steward_current WHERE "
                      "purpose = 'research' AND state = 'given' ORDER BY subject, photo_hash",
                      "SELECT * FROM steward_changes WHERE time >= '2026-03-01' OR "
                      "imported >= '2026-03-01' ORDER BY time, id"):
            plan = connection.execute(text("EXPLAIN " + query)).scalars().all()
            plans.append(" / ".join(line.strip() for line in plan[:3]))
    engine.dispose()
    return plans


# --- timing -------------------------------------------------------------------------------------

def timed_import(url: str, files: list[str], jobs: int
                 ) -> tuple[float, int, int, int, float]:
    from accessshare.steward import StewardStore, import_files

    with StewardStore(url) as store:
        tidy, tidy_seconds = store.tidy, []

        def timed_tidy() -> None:  # part of the import, and of its time; shown apart
            start = time.perf_counter()
            tidy()
            tidy_seconds.append(time.perf_counter() - start)

        store.tidy = timed_tidy
        start = time.perf_counter()
        results = list(import_files(store, files, jobs=jobs))
        seconds = time.perf_counter() - start
    refused = [r.sentence for r in results if not r.ok]
    if refused:
        raise SystemExit(f"{len(refused)} logs were refused, for example: {refused[0]}")
    return (seconds, sum(r.events_added for r in results), sum(r.changes for r in results),
            sum(r.events_held for r in results), sum(tidy_seconds))


def timed_queries(url: str) -> dict[str, float | int]:
    from accessshare.steward import StewardStore, allowed, changes

    figures: dict[str, float | int] = {}
    with StewardStore(url) as store:
        for _run in range(3):  # the first run reads from disk; report the best
            start = time.perf_counter()
            answer = allowed(store, "research")
            figures["allowed_s"] = min(figures.get("allowed_s", 1e9), time.perf_counter() - start)
            start = time.perf_counter()
            since = changes(store, "2026-03-01")
            figures["changes_s"] = min(figures.get("changes_s", 1e9), time.perf_counter() - start)
        figures["allowed_rows"], figures["changes_rows"] = len(answer.photos), len(since.changes)
    for name, argv in (("allowed_cli_s", ["allowed", "--purpose", "research"]),
                       ("changes_cli_s", ["changes", "--since", "2026-03-01"])):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "accessshare", "steward", *argv, "--db", url],
                       check=True, stdout=subprocess.DEVNULL, cwd=REPO)
        figures[name] = time.perf_counter() - start
    return figures


def load() -> str:
    """The machine's load average over 1, 5 and 15 minutes (2 cores: 2.0 is full)."""
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--pg", metavar="URL", help="a PostgreSQL server (a database is made)")
    where.add_argument("--sqlite", action="store_true", help="a SQLite file in a temporary folder")
    parser.add_argument("--contributors", type=int, default=1000)
    parser.add_argument("--events", type=int, default=1000, help="events per contributor")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="import processes (default: one per core)")
    parser.add_argument("--exports", metavar="DIR",
                        help="keep the exports here and reuse them when they are already there")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(args.exports or temporary) / f"{args.contributors}x{args.events}"
        start = time.perf_counter()
        if (folder / "made").exists():
            first = sorted(str(p) for p in (folder / "round1").glob("*.json"))
            second = sorted(str(p) for p in (folder / "round2").glob("*.json"))
            print(f"exports: {len(first)} + {len(second)} reused from {folder}")
        else:
            first, second = make_exports(folder, args.contributors, args.events, args.jobs)
            (folder / "made").touch()
            size = sum(os.path.getsize(p) for p in first) / (1 << 20)
            print(f"exports: {len(first)} + {len(second)} signed logs made in "
                  f"{time.perf_counter() - start:.1f} s ({size:.0f} MB for the first round)")
        if args.pg:
            from pg_databases import fresh_pg_database

            url, drop = fresh_pg_database("accessshare_bench", args.pg)
        else:
            url, drop = f"sqlite:///{Path(temporary) / 'steward.sqlite3'}", (lambda: None)
        try:
            print(f"load average before importing: {load()}")
            seconds, added, _, _, tidy = timed_import(url, first, args.jobs)
            print(f"import round 1: {added} events from {len(first)} contributors in "
                  f"{seconds:.1f} s = {added / seconds:,.0f} events/s "
                  f"({args.jobs} {'process' if args.jobs == 1 else 'processes'}; of which "
                  f"{tidy:.1f} s tidying the tables at the end; load average after: {load()})")
            seconds, added, found, verified, tidy = timed_import(url, second, args.jobs)
            print(f"import round 2: {len(second)} newer logs in {seconds:.1f} s, each verified "
                  f"whole ({verified} events = {verified / seconds:,.0f} events/s verified; "
                  f"{tidy:.1f} s tidying); {added} new events, {found} changes found")
            figures = timed_queries(url)
            print(f"allowed --purpose research: {figures['allowed_rows']} photos in "
                  f"{figures['allowed_s']:.3f} s (whole command {figures['allowed_cli_s']:.2f} s)")
            print(f"changes --since 2026-03-01: {figures['changes_rows']} changes in "
                  f"{figures['changes_s']:.3f} s (whole command {figures['changes_cli_s']:.2f} s)")
            for plan in query_plans(url):
                print(f"plan: {plan}")
            print(f"load average at the end: {load()}")
        finally:
            drop()


if __name__ == "__main__":
    main()
