"""Two imports at once, each in its own process, into the same store (the real PostgreSQL
server, and SQLite): every contributor ends at their newest log, nothing forks, the steward's
log chains, and the current state follows from the events held."""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import time
from pathlib import Path

from bench_steward import write_exports

from accessshare.steward import StewardStore, allowed, check_store, status

CHILD = Path(__file__).parent / "import_child.py"
CONTRIBUTORS = 12
EVENTS = 200  # each; their second log adds 20 (withdrawals, deletions...)
DEADLINE_S = 120


def line_within(child: subprocess.Popen, deadline: float) -> str:
    selector = selectors.DefaultSelector()
    selector.register(child.stdout, selectors.EVENT_READ)
    if not selector.select(max(0.0, deadline - time.monotonic())):
        child.kill()
        raise AssertionError("an import process said nothing before the deadline")
    return child.stdout.readline()


def test_two_imports_at_once_keep_every_history_whole(tmp_path, steward_db):
    made = [write_exports((index, EVENTS, str(tmp_path), True)) for index in range(CONTRIBUTORS)]
    files = [path for pair in made for path in pair]  # older, newer, older, newer...
    orders = (files, files[::-1])  # one process meets each newer log first
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    children = [subprocess.Popen([sys.executable, str(CHILD), steward_db, *order], env=env,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                for order in orders]
    deadline = time.monotonic() + DEADLINE_S
    try:
        assert [line_within(child, deadline) for child in children] == ["ready\n", "ready\n"]
        for child in children:  # both start together
            child.stdin.write("go\n")
            child.stdin.flush()
        reports = [json.loads(line_within(child, deadline)) for child in children]
    finally:
        for child in children:
            child.stdin.close()
            child.wait(timeout=max(1.0, deadline - time.monotonic()))
    assert reports[0]["started"] < reports[1]["ended"] and reports[1]["started"] < \
        reports[0]["ended"], "the two imports did not run at the same time"

    outcomes = [(file, outcome, refusal) for report in reports
                for file, outcome, refusal, _sentence in report["results"]]
    for file, outcome, refusal in outcomes:  # an older log may be met after its newer one
        assert outcome in ("imported", "nothing new") or refusal == "older log", (file, refusal)
    for _older, newer in made:  # each log went in once, by one process or the other
        assert [o for f, o, _ in outcomes if f == newer].count("imported") == 1
    with StewardStore(steward_db) as store:
        held = status(store)
        assert [row.events_held for row in held] == [EVENTS + 20] * CONTRIBUTORS
        check = check_store(store)
        assert check.ok, check.sentence
        assert check.log_entries == 2 * len(files) + 1  # every import and refusal, and status
        expected = set()
        for _older, newer in made:
            log = json.loads(Path(newer).read_text(encoding="utf-8"))
            expected |= {(record["data_subject"], row["photo_hash"])
                         for record in log["records"] for row in record["current_state"]
                         if row["purpose"] == "research" and row["state"] == "given"}
        assert {(p.contributor, p.photo_hash) for p in allowed(store, "research").photos} \
            == expected
