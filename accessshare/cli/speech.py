"""``accessshare voices`` and ``accessshare speak``: try the app's own voice from a terminal."""

from __future__ import annotations

import argparse
import threading

from accessshare.cli.common import add_command, error, output_refusal
from accessshare.config import AppPaths, Settings

READY_TIMEOUT = 15.0


def register(subparsers: argparse._SubParsersAction) -> None:
    voices = add_command(subparsers, "voices", help="list the voices of the app's own voice")
    voices.set_defaults(handler=run_voices)

    speak = add_command(subparsers, "speak", help="speak a text aloud, or write it to a WAV file")
    speak.add_argument("text", metavar="TEXT", help="what to say")
    speak.add_argument("--to", metavar="FILE.wav", help="write a WAV file instead of speaking")
    speak.add_argument("--rate", type=int, metavar="N", help="words per minute (default: settings)")
    speak.add_argument("--voice", metavar="ID", help="a voice id from 'accessshare voices'")
    speak.set_defaults(handler=run_speak)


def _speaker(rate: int | None = None, voice: str | None = None, paths: AppPaths | None = None):
    from accessshare.speech import Speaker

    settings = Settings.load(paths.settings_file) if paths else Settings()
    return Speaker(rate=rate or settings.speech_rate, voice=voice or settings.voice_id,
                   volume=settings.volume)


def run_voices(args, paths: AppPaths) -> int:
    with _speaker(paths=paths) as speaker:
        if not speaker.wait_ready(READY_TIMEOUT):
            error(speaker.unavailable_message or "The speech engine did not start.")
            return 2
        for voice in speaker.voices():
            print(f"{voice['id']}\t{voice['name']}\t{', '.join(voice['languages'])}")
    return 0


def run_speak(args, paths: AppPaths) -> int:
    if not args.text.strip():
        error("There is nothing to say: give a text.")
        return 2
    refusal = args.to and output_refusal(args.to, paths)
    if refusal:
        error(refusal)
        return 2
    with _speaker(args.rate, args.voice, paths) as speaker:
        if not speaker.wait_ready(READY_TIMEOUT):
            error(speaker.unavailable_message or "The speech engine did not start.")
            return 2
        if args.voice and args.voice not in {v["id"] for v in speaker.voices()}:
            error(f"There is no voice {args.voice!r}; 'accessshare voices' lists them.")
            return 2
        if args.to:
            path = speaker.save_wav(args.text, args.to).result(timeout=60)
            print(f"Wrote {path}")
            return 0
        return _speak_and_wait(speaker, args.text)


def _speak_and_wait(speaker, text: str) -> int:
    finished = threading.Event()
    outcome: list[str] = []

    def on_event(event) -> None:
        if event.kind in ("finished", "cancelled", "error"):
            outcome.append(event.kind if event.kind != "error" else event.text)
            finished.set()

    speaker.add_listener(on_event)
    speaker.say(text)
    try:
        while not finished.wait(0.2):
            pass
    except KeyboardInterrupt:
        speaker.stop()
        raise
    if outcome and outcome[0] not in ("finished", "cancelled"):
        error(outcome[0])
        return 1
    return 0
