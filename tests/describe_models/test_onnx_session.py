"""Sessions are built once per model file and shared, with the thread settings we chose."""

from __future__ import annotations

import threading

import pytest

from accessshare.describe import onnx_session
from accessshare.describe.faces import MODEL_FILE as FACE_MODEL_FILE
from accessshare.describe.faces import FaceDetector
from accessshare.describe.objects import MODEL_FILE, ObjectDetector
from accessshare.paths import asset


@pytest.fixture
def fresh_cache():
    onnx_session.clear_cache()
    yield
    onnx_session.clear_cache()


def test_each_model_is_loaded_once_and_reused(fresh_cache, photo):
    before = onnx_session.creation_count
    first, second = ObjectDetector(), ObjectDetector()
    first.detect(photo("coffee.png"))
    second.detect(photo("chelsea.png"))
    assert onnx_session.creation_count == before + 1
    assert first._session is second._session
    FaceDetector().detect(photo("astronaut.png"))
    FaceDetector().detect(photo("coffee.png"))
    assert onnx_session.creation_count == before + 2  # the face model once


def test_same_path_gives_the_same_session(fresh_cache):
    path = asset("models", MODEL_FILE)
    assert onnx_session.get_session(path) is onnx_session.get_session(str(path))


def test_concurrent_first_use_builds_one_session(fresh_cache):
    before = onnx_session.creation_count
    got = []
    threads = [threading.Thread(target=lambda: got.append(onnx_session.get_session(asset("models", FACE_MODEL_FILE))))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert onnx_session.creation_count == before + 1
    assert all(session is got[0] for session in got)


def test_thread_count_follows_the_machine_and_the_override(monkeypatch):
    monkeypatch.delenv(onnx_session.THREADS_ENV, raising=False)
    monkeypatch.setattr(onnx_session, "_threads_chosen", None)
    monkeypatch.setattr(onnx_session, "usable_cores", lambda: 2)
    assert onnx_session.default_intra_op_threads() == 2
    monkeypatch.setattr(onnx_session, "usable_cores", lambda: 32)
    assert onnx_session.default_intra_op_threads() == 4
    monkeypatch.setenv(onnx_session.THREADS_ENV, "1")
    assert onnx_session.default_intra_op_threads() == 1


def test_each_describer_process_gets_a_fair_share_of_the_cores(monkeypatch):
    monkeypatch.delenv(onnx_session.THREADS_ENV, raising=False)
    monkeypatch.setattr(onnx_session, "_threads_chosen", None)
    monkeypatch.setattr(onnx_session, "usable_cores", lambda: 2)
    assert onnx_session.threads_per_process(1) == 2
    assert onnx_session.threads_per_process(2) == 1
    assert onnx_session.threads_per_process(3) == 1  # never none
    assert onnx_session.threads_per_process(1, cores_kept_free=1) == 1
    monkeypatch.setattr(onnx_session, "usable_cores", lambda: 8)
    assert onnx_session.threads_per_process(2) == 4
    assert onnx_session.threads_per_process(1) == 4  # at most four
    onnx_session.use_threads(3)  # what a describer process does with its share
    assert onnx_session.default_intra_op_threads() == 3
    monkeypatch.setenv(onnx_session.THREADS_ENV, "1")  # the override still wins
    assert onnx_session.default_intra_op_threads() == 1


def test_one_photos_models_run_in_two_lanes_when_there_are_threads_for_two(monkeypatch):
    monkeypatch.delenv(onnx_session.THREADS_ENV, raising=False)
    monkeypatch.setattr(onnx_session, "_threads_chosen", None)
    monkeypatch.setattr(onnx_session, "usable_cores", lambda: 2)
    assert (onnx_session.lane_count(), onnx_session.lane_threads()) == (2, 1)
    monkeypatch.setattr(onnx_session, "usable_cores", lambda: 8)
    assert (onnx_session.lane_count(), onnx_session.lane_threads()) == (2, 2)
    onnx_session.use_threads(1)  # a describer process given one core: one lane, one thread
    assert (onnx_session.lane_count(), onnx_session.lane_threads()) == (1, 1)


def test_session_options_are_as_documented():
    options = onnx_session.session_options(2)
    assert options.intra_op_num_threads == 2
    assert options.inter_op_num_threads == 1
    assert options.execution_mode == onnx_session.ort.ExecutionMode.ORT_SEQUENTIAL
    assert options.graph_optimization_level == onnx_session.ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    assert options.enable_cpu_mem_arena
    assert not onnx_session.session_options(2, memory_arena=False).enable_cpu_mem_arena


def test_missing_model_gives_a_plain_error(fresh_cache, tmp_path):
    with pytest.raises(FileNotFoundError, match="missing"):
        onnx_session.get_session(tmp_path / "nothing.onnx")


def test_detectors_give_the_same_answers_from_worker_threads(photo):
    """The describer runs photos in a worker pool that shares one detector of each kind."""
    from concurrent.futures import ThreadPoolExecutor

    objects, faces = ObjectDetector(), FaceDetector()
    names = ["astronaut.png", "coffee.png", "chelsea.png", "camera.png"] * 2
    images = [photo(name) for name in names]
    serial = [(objects.detect(image), faces.detect(image)) for image in images]
    with ThreadPoolExecutor(max_workers=3) as pool:
        parallel = list(pool.map(lambda image: (objects.detect(image), faces.detect(image)), images))
    assert parallel == serial
