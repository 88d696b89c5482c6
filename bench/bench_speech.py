"""Speech latency with real espeak-ng: say() to the first audio sample, and stop() to silence.

    python bench/bench_speech.py [--runs 20]

Playback goes to a sink that records when samples arrive (paced at the real rate, as a sound
card would take them). Prints median and worst figures; targets: first sample <= 150 ms for a
20-word sentence, silence <= 50 ms after stop().
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

from accessshare.speech import Speaker

SENTENCE = ("Photo seven shows a brown dog beside a red bicycle on a quiet street, "
            "slightly blurry, with one face visible.")


class TimingSink:
    realtime_lead = 0.0

    def __init__(self) -> None:
        self.first_write = threading.Event()
        self.last_write = 0.0
        self.first_at = 0.0

    def open(self, rate: int) -> None:
        pass

    def write(self, samples: bytes) -> None:
        self.last_write = time.monotonic()
        if not self.first_write.is_set():
            self.first_at = self.last_write
            self.first_write.set()

    def close(self) -> None:
        pass

    def abort(self) -> None:
        self.aborted_at = time.monotonic()  # when a real device (aplay) would be killed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    assert len(SENTENCE.split()) == 20
    sink = TimingSink()
    with Speaker(sink) as speaker:
        if not speaker.wait_ready(15):
            raise SystemExit(speaker.unavailable_message)
        first_sample, silence, aborted = [], [], []
        for _ in range(runs):
            sink.first_write.clear()
            began = time.monotonic()
            speaker.say(SENTENCE)
            sink.first_write.wait(5)
            first_sample.append(sink.first_at - began)
            time.sleep(0.3)
            stopped = time.monotonic()
            speaker.stop()
            time.sleep(0.2)
            silence.append(max(0.0, sink.last_write - stopped))
            aborted.append(sink.aborted_at - stopped)
            time.sleep(0.1)
    for name, values, target in (("say() -> first sample", first_sample, 150),
                                 ("stop() -> silence", silence, 50),
                                 ("stop() -> sink aborted", aborted, 50)):
        ms = [v * 1000 for v in values]
        print(f"{name:24s} first run {ms[0]:6.1f} ms (cold: espeak-ng loads its voice data)")
        print(f"{name:24s} median {statistics.median(ms):6.1f} ms   "
              f"p95 {sorted(ms)[int(0.95 * (len(ms) - 1))]:6.1f} ms   worst {max(ms):6.1f} ms"
              f"   target <= {target} ms   ({runs} runs)")


if __name__ == "__main__":
    main()
