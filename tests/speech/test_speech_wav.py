"""Synthesised WAV files from real espeak-ng, through the Speaker and the CLI."""

from __future__ import annotations

import subprocess
import sys
import wave


def _seconds(path) -> tuple[int, float]:
    with wave.open(str(path)) as sound:
        return sound.getframerate(), sound.getnframes() / sound.getframerate()


def test_save_wav_writes_a_wav_whose_length_grows_with_the_text(speaker, tmp_path):
    short = speaker.save_wav("A cup.", tmp_path / "short.wav").result(15)
    long = speaker.save_wav("A cup of coffee on a wooden table, next to a laptop and a "
                            "printed letter with a name on it.", tmp_path / "long.wav").result(15)
    short_rate, short_seconds = _seconds(short)
    long_rate, long_seconds = _seconds(long)
    assert short_rate == long_rate == 22050
    assert 0.2 < short_seconds < 2
    assert long_seconds > 3 * short_seconds


def test_saves_in_a_row_at_changing_rates_are_each_spoken_at_their_own_rate(speaker, tmp_path):
    """Each save starts while espeak-ng's command thread is still finishing the one before (its
    finished callback runs on that thread). pyttsx3's runAndWait cancels a busy engine, and
    the cancel dropped the new rate: files came out at the previous rate, or failed."""
    text = "A cup of coffee on a wooden table."
    futures = []
    for index, rate in enumerate((300, 100) * 4):
        speaker.rate = rate
        futures.append((rate, speaker.save_wav(text, tmp_path / f"{index}-{rate}.wav")))
    lengths = [(rate, _seconds(future.result(30))[1]) for rate, future in futures]
    fast = [seconds for rate, seconds in lengths if rate == 300]
    slow = [seconds for rate, seconds in lengths if rate == 100]
    assert min(slow) > 2 * max(fast), lengths


def test_several_saves_in_a_row_each_get_their_own_words(speaker, tmp_path):
    futures = [speaker.save_wav("word " * n, tmp_path / f"{n}.wav") for n in (2, 8, 4)]
    lengths = [_seconds(f.result(15))[1] for f in futures]
    assert lengths[0] < lengths[2] < lengths[1]


def test_voices_list_ids_names_and_languages(speaker):
    voices = speaker.voices()
    assert len(voices) > 10
    english = [v for v in voices if any(lang.startswith("en") for lang in v["languages"])]
    assert english and all(v["id"] and v["name"] for v in voices)


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "accessshare", *args], capture_output=True,
                          text=True, timeout=60, env=env)


def test_cli_speak_to_a_file_and_voices(speaker, tmp_path):
    target = tmp_path / "hello.wav"
    done = _cli("speak", "Hello from AccessShare.", "--to", str(target), "--rate", "150")
    assert done.returncode == 0, done.stderr
    assert _seconds(target)[0] == 22050 and _seconds(target)[1] > 0.5
    slow = tmp_path / "slow.wav"
    _cli("speak", "Hello from AccessShare.", "--to", str(slow), "--rate", "80")
    assert _seconds(slow)[1] > 1.3 * _seconds(target)[1]
    listing = _cli("voices")
    assert listing.returncode == 0
    assert any(line.split("\t")[0] == "gmw/en" for line in listing.stdout.splitlines())


def test_cli_without_an_engine_says_what_to_install(speaker, tmp_path):
    import os

    env = {**os.environ, "ACCESSSHARE_SPEECH_NO_ENGINE": "1"}
    done = _cli("speak", "Hello.", env=env)
    assert done.returncode == 2
    assert "sudo apt install espeak-ng" in done.stderr
