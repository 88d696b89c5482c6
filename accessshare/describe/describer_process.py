"""The describer's child process: models run here, at lower priority, away from the app.

The parent (``describe.service``) starts it with the 'spawn' method, so it begins as a fresh
interpreter (never a fork of a process with Qt threads). It lowers its own priority before
anything else runs, so every thread it starts later (onnxruntime's pools, OpenCV's) inherits
it, sets its share of the cores, loads the models, then describes one photo per request.

Messages, over one duplex pipe (a process killed mid-write breaks only its own pipe):
parent -> child: a ``PhotoInfo`` to describe, or None to stop.
child -> parent: ("ready", caption problem or None), ("unavailable", sentence) then exit,
("found", photo id, findings), ("failed", photo id, sentence).

The child never opens the records store: it returns the models' findings and the parent caches
them, so the description cache has one writer.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import signal
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

NICE_INCREMENT = 10  # lower than the app, yet not starved by other busy programs
BELOW_NORMAL_PRIORITY_CLASS = 0x4000  # Windows


@dataclass(frozen=True)
class DescriberSpec:
    """What a describer process needs to build its ``Describer``; sent to it, so picklable.

    ``factory`` is "module:callable" taking the Describer's keyword arguments; tests name a
    stand-in there that stalls or crashes on a given photo."""

    caption_model: Path | None = None
    verbosity: str = "brief"
    models_dir: Path | None = None
    factory: str = "accessshare.describe.pipeline:Describer"

    def build(self, cache=None):
        module, _, name = self.factory.partition(":")
        make = getattr(importlib.import_module(module), name)
        return make(cache=cache, caption_model=self.caption_model, verbosity=self.verbosity,
                    models_dir=self.models_dir)


class _Capture:
    """A cache that never has the photo and keeps what the describer stores: the findings."""

    def __init__(self):
        self.findings: dict | None = None

    def get(self, _content_hash: str, _models_key: str) -> None:
        return None

    def put(self, _content_hash: str, _models_key: str, payload: dict) -> None:
        self.findings = payload


def cannot_describe(reason) -> str:
    """One sentence: "Photos cannot be described: the model file x.onnx is missing from ..."."""
    text = str(reason).strip() or type(reason).__name__
    if text[:1].isupper() and text[1:2].islower():  # a sentence of its own, not a name
        text = text[0].lower() + text[1:]
    if not text.endswith((".", "!", "?")):
        text += "."
    return f"Photos cannot be described: {text}"


def lower_priority() -> None:
    """Below the app's priority: the scheduler then runs the app first when both want a core.

    On Linux a nice value belongs to a thread, so this must run before any thread starts."""
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32
        kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), BELOW_NORMAL_PRIORITY_CLASS)
    else:
        os.nice(NICE_INCREMENT)


def limit_threads(threads: int) -> None:
    """This process's share of the cores, for onnxruntime's sessions and OpenCV's loops."""
    from accessshare.describe import onnx_session

    onnx_session.use_threads(threads)
    try:
        import cv2
    except ImportError:
        return
    cv2.setNumThreads(threads)


def end_with_the_parent() -> None:
    """If the app is killed (kill -9, a crash), end too, even in the middle of a photo that
    hangs: otherwise this process would hold its memory and a core with nobody to serve."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()  # waits on the parent's sentinel: no polling
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def child_main(spec: DescriberSpec, threads: int, background: bool, conn) -> None:
    """Entry point of a describer process."""
    if background:
        lower_priority()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    end_with_the_parent()
    try:
        limit_threads(threads)
        capture = _Capture()
        describer = spec.build(cache=capture)
        describer.load()
    except Exception as error:  # noqa: BLE001 - said to the user once, by the parent
        _send(conn, ("unavailable", cannot_describe(error)))
        return
    if not _send(conn, ("ready", describer.caption_problem)):
        return
    while True:
        try:
            photo = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if photo is None:
            return
        if not _send(conn, _describe(describer, capture, photo)):
            return


def _describe(describer, capture: _Capture, photo) -> tuple:
    from accessshare.library.errors import ImageProblem

    capture.findings = None
    try:
        describer.describe(photo)
    except ImageProblem as problem:
        return ("failed", photo.id, str(problem))
    except Exception as error:  # noqa: BLE001 - one bad photo must not stop the rest
        return ("failed", photo.id, f"the describer failed ({error})")
    if capture.findings is None:  # the describer kept nothing to cache: nothing to return
        return ("failed", photo.id, "the describer returned no findings")
    return ("found", photo.id, capture.findings)


def _send(conn, message: tuple) -> bool:
    try:
        conn.send(message)
    except (OSError, EOFError):  # the parent closed the pipe: it wants nothing more
        return False
    return True
