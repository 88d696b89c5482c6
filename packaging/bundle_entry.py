"""Entry point of the standalone app that ``packaging/build-linux`` builds with PyInstaller.

The app starts its helper processes as ``[sys.executable, "-m", "accessshare.<module>"]`` (the
speech worker, for one). In the bundle ``sys.executable`` is this program, not a Python, so it
understands that form itself: ``accessshare -m accessshare.<module> [ARGS]`` runs the module as
``__main__``. Anything else is the ordinary ``accessshare`` command line.
"""

import multiprocessing
import runpy
import sys


def main() -> int:
    multiprocessing.freeze_support()  # a multiprocessing child of the bundle runs its task here
    if len(sys.argv) >= 3 and sys.argv[1] == "-m" and sys.argv[2].startswith("accessshare."):
        module = sys.argv[2]
        sys.argv = [sys.argv[0], *sys.argv[3:]]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        return 0
    from accessshare.cli import main as command_line

    return command_line()


if __name__ == "__main__":
    sys.exit(main())
