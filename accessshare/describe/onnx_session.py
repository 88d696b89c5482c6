"""One onnxruntime session per model file, created on first use and shared afterwards.

Creating a session parses and optimises the whole graph (tens to hundreds of milliseconds and
tens of megabytes), so every detector asks for its session here and gets the cached one.
``InferenceSession.run`` is thread-safe, so one session serves every worker thread.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import onnxruntime as ort

THREADS_ENV = "ACCESSSHARE_ONNX_THREADS"
MAX_DEFAULT_THREADS = 4
# The describer runs one photo's models in two lanes at once (pipeline.Describer), each with
# half the threads. One model on one thread keeps its core busy from start to end; one model on
# two threads left both cores idle part of the time (small layers, and threads that sleep
# between them since they do not spin). Measured on 12-MP photos on 2 cores, the five models
# took 225-240 ms one after another with two threads each, 110-145 ms in two lanes of one.
MAX_LANES = 2

_sessions: dict[tuple[Path, int, bool], ort.InferenceSession] = {}
_lock = threading.Lock()
_threads_chosen: int | None = None  # set by a describer process: its share of the cores
creation_count = 0  # sessions actually built; tests use it to prove reuse


def usable_cores() -> int:
    """Cores this process may run on (respects taskset and container CPU affinity)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no sched_getaffinity
        return os.cpu_count() or 1


def default_intra_op_threads() -> int:
    """Threads for one inference: every usable core, but at most four.

    The detectors' models are small (a few GFLOPs at most), so their convolutions stop gaining
    from more than about four threads, while extra threads still cost memory and spin time. On
    the 2-core target this means 2: one image uses the whole machine, which gives the lowest
    latency for the photo the contributor is waiting on. A describer process sets its share of
    the cores with ``use_threads``. ``ACCESSSHARE_ONNX_THREADS`` overrides both.
    """
    configured = os.environ.get(THREADS_ENV, "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    if _threads_chosen is not None:
        return _threads_chosen
    return max(1, min(MAX_DEFAULT_THREADS, usable_cores()))


def lane_count() -> int:
    """How many of one photo's models the describer runs side by side: two when there are
    threads for two, else one (a describer process given one core runs them in turn)."""
    return min(MAX_LANES, default_intra_op_threads())


def lane_threads() -> int:
    """Threads for a model that runs in one of the describer's lanes: its share of the
    threads for one inference."""
    return max(1, default_intra_op_threads() // lane_count())


def threads_per_process(processes: int, cores_kept_free: int = 0) -> int:
    """A fair share of the usable cores, less those kept free, for each of ``processes``
    describer processes (at least one thread each, at most MAX_DEFAULT_THREADS)."""
    cores = max(1, usable_cores() - cores_kept_free)
    return max(1, min(MAX_DEFAULT_THREADS, cores // max(1, processes)))


def use_threads(count: int | None) -> None:
    """Threads per inference for sessions created from now on; None for the default."""
    global _threads_chosen
    _threads_chosen = None if count is None else max(1, count)


def session_options(intra_op_threads: int, memory_arena: bool = True) -> ort.SessionOptions:
    options = ort.SessionOptions()
    # The arena keeps every buffer it ever allocated for reuse: fastest for fixed input shapes,
    # but with shapes that change per photo (MTCNN's pyramid) it only grows. Measured on ten
    # photos: faces peaked at 474 MB with it and 277 MB without, at the same speed.
    options.enable_cpu_mem_arena = memory_arena
    options.enable_mem_pattern = memory_arena
    options.intra_op_num_threads = intra_op_threads
    # Our graphs are chains of layers: parallel branches are rare, so one inter-op thread.
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Each session has its own thread pool, whose idle threads by default spin for a while
    # waiting for work. With several models run one after another on two cores, the spinning
    # pools of the models just used starve the one running: measured on 10 photos, turning it
    # off took faces (three sessions) from 136 to 86 ms and objects + faces from 226 to 121 ms.
    # It also stops a desktop app from burning CPU while idle.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3  # errors only; warnings about unused initialisers are noise
    return options


def get_session(
    model_path: str | os.PathLike,
    intra_op_threads: int | None = None,
    *,
    memory_arena: bool = True,
) -> ort.InferenceSession:
    """The cached CPU session for ``model_path``, built on first request.

    ``intra_op_threads`` defaults to every thread one inference may use; a model that the
    describer runs beside another asks for ``lane_threads()``. Pass ``memory_arena=False`` for
    models whose input size varies from call to call.
    """
    global creation_count
    path = Path(model_path).resolve()
    threads = intra_op_threads or default_intra_op_threads()
    key = (path, threads, memory_arena)
    with _lock:
        session = _sessions.get(key)
        if session is None:
            if not path.is_file():
                raise FileNotFoundError(f"The model file {path.name} is missing from {path.parent}.")
            session = ort.InferenceSession(
                str(path), session_options(threads, memory_arena), providers=["CPUExecutionProvider"]
            )
            _sessions[key] = session
            creation_count += 1
        return session


def clear_cache() -> None:
    """Drop every cached session (frees their memory once callers let go)."""
    with _lock:
        _sessions.clear()
