"""Fixtures for speech tests: real espeak-ng through pyttsx3, and sinks that record playback."""

from __future__ import annotations

import ctypes.util
import shutil
import sys
from pathlib import Path

import pytest

from accessshare.speech import Speaker

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "helpers"))
from speech_recorders import EventLog, RecordingSink  # noqa: E402

HAS_ESPEAK = bool(shutil.which("espeak-ng") or ctypes.util.find_library("espeak-ng"))
needs_espeak = pytest.mark.skipif(not HAS_ESPEAK, reason="espeak-ng is not installed")


@pytest.fixture
def sink() -> RecordingSink:
    return RecordingSink()


@pytest.fixture
def events() -> EventLog:
    return EventLog()


@pytest.fixture
def speaker(sink, events):
    if not HAS_ESPEAK:
        pytest.skip("espeak-ng is not installed")
    with Speaker(sink, on_event=events) as voice:
        assert voice.wait_ready(15), voice.unavailable_message
        yield voice
