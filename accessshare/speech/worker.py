"""The speech worker process: owns the one pyttsx3 engine and turns text into WAV files.

Run as ``python -m accessshare.speech.worker``. Requests arrive as JSON lines on stdin, replies
leave as JSON lines on a private copy of stdout (pyttsx3 prints to stdout itself). Each request is
synthesised with ``save_to_file`` and finished only when the finished-utterance callback fires,
because ``runAndWait`` returns early with espeak-ng. Requests older than the newest generation are
skipped, so a quick run of ``say`` calls synthesises only the last one.
"""

from __future__ import annotations

import json
import os
import queue
import sys
import threading
import wave

NO_ENGINE_ENV = "ACCESSSHARE_SPEECH_NO_ENGINE"  # set to 1 to act as if espeak-ng were missing
INSTALL_HINT = ("Speech is off: install espeak-ng (Debian/Ubuntu: sudo apt install espeak-ng) "
                "to hear AccessShare's own voice.")
SYNTH_TIMEOUT = 20.0


def _open_engine():
    if os.environ.get(NO_ENGINE_ENV):
        raise RuntimeError("no speech engine (simulated)")
    import pyttsx3

    return pyttsx3.init()


def _voices(engine) -> list[dict]:
    found = []
    for voice in engine.getProperty("voices") or []:
        languages = [lang.decode(errors="replace") if isinstance(lang, bytes) else str(lang)
                     for lang in (voice.languages or [])]
        found.append({"id": voice.id, "name": voice.name, "languages": languages})
    return found


def _synthesise(engine, done: threading.Event, request: dict, attempts: int = 3) -> None:
    """Synthesise to the request's path; retry when espeak-ng hands back an empty file, or
    a file spoken at another rate than the one asked for (both are checked, not assumed)."""
    problem = "the speech engine produced no sound"
    for _attempt in range(attempts):
        _synthesise_once(engine, done, request)
        with wave.open(request["path"], "rb") as result:
            has_sound = result.getnframes() > 0
        if has_sound and _rate_taken(request.get("rate")):
            return
        if has_sound:
            problem = f"the speech engine did not take the rate of {request['rate']} words a minute"
    raise RuntimeError(problem)


def _espeak():
    """pyttsx3's espeak-ng bindings, once its espeak driver is loaded (else None)."""
    espeak = sys.modules.get("pyttsx3.drivers._espeak")
    return espeak if espeak is not None and espeak.dll is not None else None


def _rate_taken(wanted) -> bool:
    """Whether espeak-ng's current rate is ``wanted`` (always true for another driver)."""
    espeak = _espeak()
    if not wanted or espeak is None:
        return True
    return espeak.dll.espeak_GetParameter(espeak.RATE, 1) == int(wanted)  # 1: current value


def _apply_settings(engine, request: dict) -> None:
    """Set the request's rate and voice, and with espeak-ng wait until they are applied.

    espeak-ng runs in its asynchronous mode: a rate is a command queued for its own thread,
    and that thread is still busy when a request arrives right after the last one (the
    finished callback that ends a request runs on it). pyttsx3's ``runAndWait`` starts by
    stopping a busy engine (``espeak_Cancel``), which throws the queued rate away and puts the
    previous parameters back: the file came out at the old rate, and a retry, made just as
    quickly, met the same cancel. So the espeak driver's setter is called now (not through
    pyttsx3's command queue, which holds it until ``runAndWait`` on the first request) and
    ``espeak_Synchronize`` waits until the thread is idle, the rate applied, before
    ``runAndWait`` looks."""
    settings = {name: request[name] for name in ("rate", "voice") if request.get(name)}
    if "rate" in settings:
        settings["rate"] = int(settings["rate"])
    espeak = _espeak()
    driver = sys.modules.get("pyttsx3.drivers.espeak")
    for name, value in settings.items():
        if espeak is not None and driver is not None:
            driver.EspeakDriver.setProperty(name, value)
        else:
            engine.setProperty(name, value)
    if espeak is not None:
        espeak.Synchronize()


def _synthesise_once(engine, done: threading.Event, request: dict) -> None:
    _apply_settings(engine, request)
    done.clear()
    engine.save_to_file(request["text"], request["path"], str(request["id"]))
    engine.runAndWait()
    if not done.wait(SYNTH_TIMEOUT):
        raise RuntimeError("the speech engine did not finish")


def _read_requests(inbox: queue.Queue) -> None:
    for line in sys.stdin:
        inbox.put(json.loads(line))
    inbox.put(None)


def main() -> int:
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything pyttsx3 prints goes to stderr, away from the protocol

    def reply(message: dict) -> None:
        replies.write(json.dumps(message) + "\n")

    try:
        engine = _open_engine()
    except Exception as error:  # noqa: BLE001 - any failure to load the driver means no engine
        reply({"type": "no-engine", "message": INSTALL_HINT, "detail": str(error)})
        return 3
    done = threading.Event()
    engine.connect("finished-utterance", lambda name, completed: done.set())
    reply({"type": "ready", "voices": _voices(engine)})

    inbox: queue.Queue = queue.Queue()
    threading.Thread(target=_read_requests, args=(inbox,), daemon=True).start()
    newest, pending = 0, []
    while True:
        if not pending:
            pending.append(inbox.get())
        while not inbox.empty():
            pending.append(inbox.get_nowait())
        if None in pending:
            return 0
        newest = max([newest] + [r.get("generation", 0) for r in pending])
        request = pending.pop(0)
        if request.get("generation", 0) < newest and not request.get("keep"):
            reply({"type": "skipped", "id": request["id"]})
            continue
        try:
            _synthesise(engine, done, request)
            reply({"type": "done", "id": request["id"], "path": request["path"]})
        except Exception as error:  # noqa: BLE001 - report it; the Speaker decides what to say
            reply({"type": "failed", "id": request["id"], "message": str(error)})


if __name__ == "__main__":
    sys.exit(main())
