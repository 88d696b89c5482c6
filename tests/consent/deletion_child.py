"""A deletion run in its own process, killed with SIGKILL at one of its steps.

Usage: deletion_child.py DATA_DIR PHOTO STEP   (kills itself right after STEP)
       deletion_child.py DATA_DIR PHOTO --pause (prints each step and waits for a line on
                                                 stdin, so the parent can kill it there)
The database is the one ACCESSSHARE_DB_URL names, else the data folder's SQLite file.
"""

import os
import signal
import sys

from accessshare.config import resolve_paths
from accessshare.consent.deletion import delete_photo
from accessshare.records import RecordStore


def main() -> None:
    data_dir, photo, when = sys.argv[1:4]
    paths = resolve_paths(data_dir).ensure()

    def step(name: str) -> None:
        if when == "--pause":
            print(name, flush=True)
            sys.stdin.readline()
        elif name == when:
            os.kill(os.getpid(), signal.SIGKILL)

    with RecordStore.open(paths) as store:
        report = delete_photo(store, paths, photo, "changed my mind", on_step=step)
    print("finished:", report.message, flush=True)


main()
