"""Several processes appending at once must extend one chain, never fork it."""

import subprocess
import sys
import textwrap

from sqlalchemy import text

from accessshare.records import RecordStore

WRITER = textwrap.dedent("""
    import pathlib, sys, time
    from accessshare.records import RecordStore
    url, go, name = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
    store = RecordStore(url)
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.005)
    for index in range(100):
        event = store.append_consent(purpose="research", state="given", actor=name,
                                     photo_hash=f"{index:064x}")
        print(event.seq, flush=True)
""")
WRITERS = 3


def test_concurrent_writers_extend_one_chain(store_url, tmp_path):
    with RecordStore(store_url) as store:  # schema in place, so the writers race on appends
        if store.dialect == "postgresql":
            # A server whose default is stricter than READ COMMITTED must not break appends.
            with store.engine.begin() as connection:
                name = connection.execute(text("SELECT current_database()")).scalar()
                connection.execute(text(f'ALTER DATABASE "{name}" SET '
                                        "default_transaction_isolation TO 'repeatable read'"))
    go = tmp_path / "go"
    children = [subprocess.Popen([sys.executable, "-c", WRITER, store_url, str(go), f"w{n}"],
                                 stdout=subprocess.PIPE, text=True) for n in range(WRITERS)]
    for child in children:
        assert child.stdout.readline().strip() == "ready"
    go.touch()
    reported = []
    for child in children:
        reported += [int(line) for line in child.stdout]
        assert child.wait(timeout=120) == 0
    assert sorted(reported) == list(range(1, 100 * WRITERS + 1))  # no seq handed out twice
    with RecordStore(store_url) as store:
        report = store.verify()
        actors = [event.actor for event in store.events()]
    assert report.message == f"Chain intact: {100 * WRITERS} events verified."
    assert len(set(actors)) == WRITERS
    # The writers really interleaved: the actor changes more than WRITERS - 1 times.
    assert sum(a != b for a, b in zip(actors, actors[1:])) > WRITERS - 1
