"""The app's own voice with real espeak-ng: what plays, when it stops, and recovery."""

from __future__ import annotations

import os
import signal
import time

import pytest

from accessshare.speech import INSTALL_HINT, Speaker, SpeechUnavailable

LONG_TEXT = ("Photo 12 of 40. A kitchen table with a laptop, a coffee cup, a printed letter and "
             "a pair of glasses. The letter shows a name and an address. Slightly blurry. "
             "One face in the top left corner. Not yet decided.")


def test_say_plays_the_text_and_finishes(speaker, sink, events):
    speaker.say("A dog and a bicycle.")
    assert speaker.speaking
    started = events.wait_for("started", "A dog and a bicycle.")
    finished = events.wait_for("finished", "A dog and a bicycle.")
    assert not speaker.speaking
    played = sum(n for _t, n in sink.writes) / sink.sample_rate
    assert sink.sample_rate == 22050
    assert 0.5 < played < 5
    assert finished - started >= played - 0.05  # played at the real rate, not dumped at once


@pytest.mark.parametrize("interrupt", ["stop", "say"])
def test_stop_or_a_new_say_cuts_a_long_text_within_100_ms(speaker, sink, events, interrupt):
    speaker.say(LONG_TEXT)
    events.wait_for("started", LONG_TEXT)
    time.sleep(0.5)
    cut_at = time.monotonic()
    if interrupt == "stop":
        speaker.stop()
    else:
        speaker.say("Photo 13 of 40.")
    cancelled = events.wait_for("cancelled", LONG_TEXT)
    assert cancelled - cut_at <= 0.1
    time.sleep(0.15)  # the player aborts the sink between two 10 ms blocks
    assert sink.aborts and sink.aborts[-1] - cut_at <= 0.1
    old_samples_after_cut = [t for t, _n in sink.writes if cut_at + 0.1 < t < cut_at + 0.5]
    if interrupt == "stop":
        time.sleep(0.3)
        assert sink.last_write() - cut_at <= 0.1  # silence: nothing more reached the sink
    else:
        events.wait_for("finished", "Photo 13 of 40.")
        assert old_samples_after_cut == [] or events.kinds("started")[-1] == "Photo 13 of 40."
    assert LONG_TEXT not in events.kinds("finished")


def test_ten_says_in_one_second_leave_only_the_last_one_played_to_the_end(speaker, sink, events):
    texts = [f"Photo {n} of 40. A cup of coffee on a wooden table." for n in range(1, 11)]
    for text in texts:
        speaker.say(text)
        time.sleep(0.09)
    last_said = time.monotonic()
    events.wait_for("finished", texts[-1], timeout=15)
    time.sleep(0.2)
    assert events.kinds("finished") == [texts[-1]]
    assert set(events.kinds("cancelled")) <= set(texts[:-1])
    # after the last say, only the last photo's words reached the sink, all of them
    reference = speaker.save_wav(texts[-1], sink_path := _temp_wav()).result(15)
    import wave

    with wave.open(str(reference)) as whole:
        expected = whole.getnframes()
    assert abs(sink.samples_since(last_said + 0.05) - expected) < 0.25 * expected
    os.unlink(sink_path)


def _temp_wav() -> str:
    import tempfile

    handle, path = tempfile.mkstemp(suffix=".wav")
    os.close(handle)
    return path


def test_the_worker_recovers_after_being_killed(speaker, events):
    old_pid = speaker.worker_pid
    os.kill(old_pid, signal.SIGKILL)
    time.sleep(0.3)
    speaker.say("Still here.")
    events.wait_for("finished", "Still here.", timeout=15)
    assert speaker.worker_pid != old_pid


def test_a_say_sent_as_the_worker_dies_is_still_spoken(speaker, events):
    os.kill(speaker.worker_pid, signal.SIGKILL)
    speaker.say("Said while restarting.")
    events.wait_for("finished", "Said while restarting.", timeout=15)


def test_without_an_engine_speech_is_off_with_one_message_saying_what_to_install(sink, events):
    with Speaker(sink, on_event=events, worker_env={"ACCESSSHARE_SPEECH_NO_ENGINE": "1"}) as voice:
        assert voice.wait_ready(15) is False
        voice.say("Nobody hears this.")
        voice.say("Nor this.")
        with pytest.raises(SpeechUnavailable, match="apt install espeak-ng"):
            voice.save_wav("x", "/tmp/never.wav").result(5)
        time.sleep(0.2)
    assert voice.unavailable_message == INSTALL_HINT
    assert "install espeak-ng" in INSTALL_HINT
    assert events.kinds("unavailable") == [INSTALL_HINT]
    assert sink.writes == []
    assert events.kinds("started") == []


def test_say_returns_at_once(speaker):
    began = time.monotonic()
    for _ in range(20):
        speaker.say(LONG_TEXT)
    speaker.stop()
    assert time.monotonic() - began < 0.5
