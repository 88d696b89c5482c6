"""kill -9 during a burst of 1,000 event writes loses nothing that was committed."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

from accessshare.records import RecordStore

WRITER = textwrap.dedent("""
    import sys
    from accessshare.records import RecordStore
    store = RecordStore(sys.argv[1])
    for index in range(1000):
        event = store.append_consent(purpose="research", state="given", actor="c1",
                                     photo_hash=f"{index:064x}")
        print(event.seq, flush=True)  # printed only after the commit returned
""")


def test_kill_9_mid_burst_keeps_every_committed_event(tmp_path):
    database = tmp_path / "records.sqlite3"
    url = f"sqlite:///{database}"
    RecordStore(url).close()  # schema in place before the burst
    child = subprocess.Popen([sys.executable, "-c", WRITER, url], stdout=subprocess.PIPE, text=True)
    confirmed = []
    for line in child.stdout:
        confirmed.append(int(line))
        if len(confirmed) == 300:
            os.kill(child.pid, signal.SIGKILL)
            break
    child.wait()
    assert child.returncode == -signal.SIGKILL
    raw = sqlite3.connect(database)
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = {row[0] for row in raw.execute("SELECT seq FROM events")}
    raw.close()
    assert set(confirmed) <= stored
    assert len(stored) >= 300
    store = RecordStore(url)
    report = store.verify()
    assert report.ok, report.message
    store.close()
