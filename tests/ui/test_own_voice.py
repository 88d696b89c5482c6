"""Issue 5's acceptance through the window: with the app's own voice on, ten Down presses in a
second leave exactly one utterance playing, the one about the photo now selected. Real
espeak-ng through the Speaker's worker process; the sink records what was played."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from accessshare.config import Settings
from accessshare.speech import Speaker

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "helpers"))
from speech_recorders import EventLog, RecordingSink  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


def test_ten_fast_down_presses_leave_one_utterance_about_the_current_photo(
        qtbot, app_paths, store, make_describer, dataset, press):
    from accessshare.ui.main_window import MainWindow

    sink, events = RecordingSink(), EventLog()
    window = MainWindow(app_paths, Settings(voice_mode="own-voice"), store,
                        make_describer=make_describer,
                        make_speaker=lambda: Speaker(sink, on_event=events))
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    qtbot.waitUntil(lambda: window.announcer.speaker is not None, timeout=20_000)
    window.open_dataset(dataset)
    window.photo_list.setFocus()
    qtbot.waitUntil(lambda: window.scan_done and len(window.model.descriptions) == window.model.rowCount(),
                    timeout=120_000)
    window._select_row(0)
    qtbot.wait(300)
    started = time.monotonic()
    for _ in range(10):
        press(Qt.Key.Key_Down)
        qtbot.wait(90)
    assert time.monotonic() - started < 1.5
    current = window.model.item_text(window.photo_list.currentIndex().row())
    assert current.startswith(f"Photo {min(11, window.model.rowCount())} of ")
    events.wait_for("finished", current, timeout=30)
    qtbot.wait(500)
    after = [(kind, text) for moment, kind, text in events.events if moment >= started]
    finished = [text for kind, text in after if kind == "finished"]
    assert finished == [current], f"more than one utterance played to the end: {finished}"
    spoken_started = [text for kind, text in after if kind == "started"]
    assert spoken_started and spoken_started[-1] == current
    for text in spoken_started[:-1]:  # anything that began was cut off by the next press
        assert ("cancelled", text) in after
    window.close()
