"""kill -9 during a burst of 1,000 event writes loses nothing that was committed."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

from sqlalchemy.engine import make_url

from accessshare.records import RecordStore

WRITER = textwrap.dedent("""
    import sys
    from accessshare.records import RecordStore
    store = RecordStore(sys.argv[1])
    for index in range(1000):
        event = store.append_consent(purpose="research", state="given", actor="c1",
                                     photo_hash=f"{index:064x}")
        print(event.seq, event.photo_hash, flush=True)  # printed only after the commit returned
""")
KILL_AFTER = 300


def test_kill_9_mid_burst_keeps_every_committed_event(store_url):
    RecordStore(store_url).close()  # schema in place before the burst
    child = subprocess.Popen([sys.executable, "-c", WRITER, store_url], stdout=subprocess.PIPE,
                             text=True)
    confirmed = {}
    for line in child.stdout:
        seq, photo_hash = line.split()
        confirmed[int(seq)] = photo_hash
        if len(confirmed) == KILL_AFTER:
            os.kill(child.pid, signal.SIGKILL)
            break
    child.wait()
    assert child.returncode == -signal.SIGKILL
    if store_url.startswith("sqlite"):
        with sqlite3.connect(make_url(store_url).database) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with RecordStore(store_url) as store:
        stored = {event.seq: event.photo_hash for event in store.events()}
        report = store.verify()
    assert {seq: stored.get(seq) for seq in confirmed} == confirmed
    assert KILL_AFTER <= len(stored) < 1000  # killed mid-burst, not after it
    assert report.ok, report.message
