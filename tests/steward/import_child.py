"""An import of several logs into the steward's store, in its own process.

Usage: import_child.py STORE_URL FILE...
Opens the store (creating it if need be), prints "ready", waits for a line on stdin (so two
children start importing together), imports FILE... in order, then prints one JSON line:
{"started": t, "ended": t, "results": [[file, outcome, refusal, sentence], ...]}.
"""

import json
import sys
import time

from accessshare.steward import StewardStore, import_files


def main() -> None:
    url, files = sys.argv[1], sys.argv[2:]
    with StewardStore(url) as store:
        print("ready", flush=True)
        sys.stdin.readline()
        started = time.time()
        results = [[r.file, r.outcome, r.refusal, r.sentence] for r in import_files(store, files)]
        ended = time.time()
    print(json.dumps({"started": started, "ended": ended, "results": results}), flush=True)


main()
