"""The router sends each announcement to exactly one channel, never twice, per mode."""

from __future__ import annotations

import pytest

from accessshare.speech import Router


class FakeVoice:
    available = True

    def __init__(self) -> None:
        self.said: list[str] = []

    def say(self, text, priority="normal"):
        self.said.append(text)

    def stop(self):
        pass


def make(mode, reader_active=False):
    voice, reader, clock = FakeVoice(), [], [0.0]
    router = Router(voice, lambda text, interrupt: reader.append(text), lambda: reader_active,
                    mode=mode, clock=lambda: clock[0])
    return router, voice, reader, clock


@pytest.mark.parametrize("active, channel", [(True, "screen-reader"), (False, "own-voice")])
def test_auto_uses_the_own_voice_only_without_a_screen_reader(active, channel):
    router, voice, reader, _ = make("auto", active)
    assert router.announce("Photo 1 of 3.", "description") == channel
    assert (voice.said, reader) == (([], ["Photo 1 of 3."]) if active else (["Photo 1 of 3."], []))


@pytest.mark.parametrize("mode", ["screen-reader", "own-voice"])
def test_fixed_modes_ignore_whether_a_screen_reader_runs(mode):
    for active in (True, False):
        router, voice, reader, _ = make(mode, active)
        for kind in ("status", "description", "progress", "error"):
            router.announce(f"{kind} message", kind)
        heard = voice.said if mode == "own-voice" else reader
        other = reader if mode == "own-voice" else voice.said
        assert len(heard) == 4 and other == []


def test_both_gives_descriptions_to_the_own_voice_and_the_rest_to_the_screen_reader():
    router, voice, reader, _ = make("both", True)
    router.announce("A dog and a bicycle.", "description")
    router.announce("Consent saved.", "status")
    router.announce("Could not read photo.jpg.", "error")
    assert voice.said == ["A dog and a bicycle."]
    assert reader == ["Consent saved.", "Could not read photo.jpg."]


@pytest.mark.parametrize("mode", ["auto", "screen-reader", "own-voice", "both"])
def test_the_same_message_is_never_spoken_twice(mode):
    router, voice, reader, clock = make(mode)
    assert router.announce("Consent saved.", "status") is not None
    clock[0] += 0.5
    assert router.announce("Consent saved.", "status", interrupt=True) is None
    assert router.announce("Consent saved.", "description") is None
    assert len(voice.said) + len(reader) == 1
    clock[0] += 5  # the same words later are a new event, e.g. a second photo saved
    router.announce("Consent saved.", "status")
    assert len(voice.said) + len(reader) == 2


def test_speech_off_falls_back_to_the_screen_reader():
    router, voice, reader, _ = make("own-voice")
    voice.available = False
    router.announce("Photo 2 of 3.", "description")
    assert reader == ["Photo 2 of 3."] and voice.said == []
    assert Router(None, reader.append and (lambda t, i: reader.append(t)), lambda: False,
                  mode="own-voice").announce("x") == "screen-reader"


def test_unknown_modes_and_kinds_are_refused():
    with pytest.raises(ValueError, match="Voice mode"):
        make("loud")
    router, *_ = make("auto")
    with pytest.raises(ValueError, match="kind"):
        router.announce("x", "shout")
