"""Generate AccessShare's earcons into assets/sounds/ (deterministic: same bytes every run).

Each earcon is a short sequence of soft-edged sine tones, distinct in pitch and rhythm:
privacy-flag is a falling two-note warning, consent-saved a rising pair, deletion-done a low
descending sweep, error a low double buzz.

    python packaging/make_earcons.py
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

RATE = 22050
SOUNDS = Path(__file__).resolve().parent.parent / "assets" / "sounds"

# name -> list of (start frequency Hz, end frequency Hz, seconds, waveform)
EARCONS = {
    "privacy-flag": [(880, 880, 0.09, "sine"), (0, 0, 0.04, "sine"), (660, 660, 0.14, "sine")],
    "consent-saved": [(523, 523, 0.08, "sine"), (784, 784, 0.14, "sine")],
    "deletion-done": [(600, 220, 0.25, "sine")],
    "error": [(196, 196, 0.1, "square"), (0, 0, 0.05, "sine"), (196, 196, 0.1, "square")],
}


def tone(start_hz: float, end_hz: float, seconds: float, waveform: str) -> np.ndarray:
    count = int(RATE * seconds)
    if start_hz == 0:
        return np.zeros(count)
    frequency = np.linspace(start_hz, end_hz, count)
    phase = 2 * np.pi * np.cumsum(frequency) / RATE
    signal = np.sin(phase) if waveform == "sine" else np.sign(np.sin(phase)) * 0.5
    fade = min(count // 2, int(RATE * 0.01))  # 10 ms edges, so no clicks
    envelope = np.ones(count)
    envelope[:fade] = np.linspace(0, 1, fade)
    envelope[count - fade:] = np.linspace(1, 0, fade)
    return signal * envelope


def render(parts) -> bytes:
    signal = np.concatenate([tone(*part) for part in parts]) * 0.6
    return (signal * 32767).astype("<i2").tobytes()


def main() -> None:
    SOUNDS.mkdir(parents=True, exist_ok=True)
    for name, parts in EARCONS.items():
        with wave.open(str(SOUNDS / f"{name}.wav"), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(render(parts))
        print(SOUNDS / f"{name}.wav")


if __name__ == "__main__":
    main()
