"""Pausing Python's cyclic garbage collector while many small objects are made that all live
on: each pass of the collector walks every object made so far, so building a list of a
hundred thousand tuples (a steward's answer, a chain's events) costs several times the work
itself. Objects are still freed by reference counting while it is paused; the few cycles
wait until it runs again."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (as it was after it)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
