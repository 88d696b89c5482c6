"""Run /usr/bin/orca as a private instance for one test: its debug file line-buffered (so the
log is complete when it is stopped), and blind to every other Orca of this user.

Orca refuses to start while any process of the same user is named "orca" (``otherOrcas`` runs
``pgrep -u UID -x orca``), which is why tests used to ask Orca to replace the running one, and
that option kills every other Orca of the user: a parallel test's, or the developer's own screen reader.
Here that check is switched off for this instance only, and the instance names itself
"orca-test", so it neither sees nor is seen by another Orca. It never kills anything.

Its debug log keeps what Orca says and the events it gets, but not the full details of every
object an event comes from: reading those, Orca asked the app for each list item's description
as it logged an event, well before reading the item out, which no Orca without a debug log does
(the app takes that question as the sign that the item was read, see ui.announcer).

Usage: /usr/bin/python3 orca_private.py ORCA-ARGUMENTS...  (Orca's replace option is refused)
"""

import builtins
import sys

ORCA = "/usr/bin/orca"

# Orca's replace option (long or short form) ends every other Orca of this user.
if any(arg == "-r" or arg.lstrip("-") == "replace" for arg in sys.argv[1:]):
    sys.exit("orca_private.py: replacing would end other Orcas of this user; it is refused.")

_real_open = builtins.open


def _line_buffered_open(file, mode="r", *args, **kwargs):
    if ("w" in mode or "a" in mode) and "b" not in mode and not args and "buffering" not in kwargs:
        kwargs["buffering"] = 1
    return _real_open(file, mode, *args, **kwargs)


builtins.open = _line_buffered_open
sys.path.insert(1, "/usr/lib/python3/dist-packages")
from orca import debug  # noqa: E402 - Orca's own module, from its package

debug.printDetails = lambda *_args, **_kwargs: None
sys.argv = [ORCA, *sys.argv[1:]]
with _real_open(ORCA, encoding="utf-8") as source:
    code = compile(source.read(), ORCA, "exec")
launcher = {"__name__": "orca_private", "__file__": ORCA}
exec(code, launcher)  # defines Orca's launcher functions without running main()
launcher["otherOrcas"] = lambda: []
_set_name = launcher["setProcessName"]
launcher["setProcessName"] = lambda _name: _set_name("orca-test")
sys.exit(launcher["main"]())
