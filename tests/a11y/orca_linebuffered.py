"""Run /usr/bin/orca with its debug file line-buffered, so the log is complete when it is killed.

Usage: /usr/bin/python3 orca_linebuffered.py ORCA-ARGUMENTS...
"""

import builtins
import runpy
import sys

_real_open = builtins.open


def _line_buffered_open(file, mode="r", *args, **kwargs):
    if "w" in mode or "a" in mode:
        if "b" not in mode and not args and "buffering" not in kwargs:
            kwargs["buffering"] = 1
    return _real_open(file, mode, *args, **kwargs)


builtins.open = _line_buffered_open
sys.argv = ["/usr/bin/orca", *sys.argv[1:]]
runpy.run_path("/usr/bin/orca", run_name="__main__")
