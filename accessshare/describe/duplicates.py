"""Near-duplicate photos: a 64-bit difference hash (dHash) and an index searched by Hamming distance."""

from __future__ import annotations

import threading

import numpy as np
from PIL import Image

HASH_SIDE = 8
DEFAULT_MAX_DISTANCE = 6  # of 64 bits: re-saves, resizes and small crops stay within this


def dhash(image: Image.Image | np.ndarray) -> int:
    """Compare each pixel of a 9x8 grey thumbnail with its right neighbour: 64 bits."""
    picture = image if isinstance(image, Image.Image) else Image.fromarray(np.asarray(image))
    small = picture.convert("L").resize((HASH_SIDE + 1, HASH_SIDE), Image.Resampling.BILINEAR)
    pixels = np.asarray(small, dtype=np.int16)
    bits = (pixels[:, 1:] > pixels[:, :-1]).flatten()
    return int("".join("1" if bit else "0" for bit in bits), 2)


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def hash_to_hex(value: int) -> str:
    return f"{value:016x}"


def hash_from_hex(text: str) -> int:
    return int(text, 16)


def popcount(values: np.ndarray) -> np.ndarray:
    """Set bits of each uint64."""
    if hasattr(np, "bitwise_count"):  # numpy 2
        return np.bitwise_count(values)
    return np.unpackbits(values.view(np.uint8)).reshape(-1, 64).sum(axis=1)


class DuplicateIndex:
    """Photo hashes seen in one dataset, searched with one vectorised XOR per photo (a loop in
    Python over 10,000 hashes per photo held the interpreter from the UI). Thread-safe."""

    def __init__(self, max_distance: int = DEFAULT_MAX_DISTANCE):
        self.max_distance = max_distance
        self._ids: list[str | None] = []  # by slot; None once removed
        self._slot: dict[str, int] = {}
        self._hashes = np.zeros(256, dtype=np.uint64)
        self._live = np.zeros(256, dtype=bool)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._slot)

    def add(self, photo_id: str, value: int) -> None:
        with self._lock:
            slot = self._slot.get(photo_id)
            if slot is None:
                slot = len(self._ids)
                self._ids.append(photo_id)
                self._slot[photo_id] = slot
                if slot >= len(self._hashes):
                    self._hashes = np.concatenate([self._hashes, np.zeros_like(self._hashes)])
                    self._live = np.concatenate([self._live, np.zeros_like(self._live)])
            self._hashes[slot] = np.uint64(value)
            self._live[slot] = True

    def remove(self, photo_id: str) -> None:
        with self._lock:
            slot = self._slot.pop(photo_id, None)
            if slot is not None:
                self._live[slot] = False
                self._ids[slot] = None

    def hash_of(self, photo_id: str) -> int | None:
        slot = self._slot.get(photo_id)
        return None if slot is None else int(self._hashes[slot])

    def near_duplicates_of(self, photo_id: str) -> list[str]:
        """Other photos within ``max_distance`` bits, closest first."""
        with self._lock:
            own = self._slot.get(photo_id)
            if own is None:
                return []
            used = len(self._ids)
            distances = popcount(self._hashes[:used] ^ self._hashes[own])
            near = self._live[:used] & (distances <= self.max_distance)
            near[own] = False
            close = [(int(distances[slot]), self._ids[slot]) for slot in np.flatnonzero(near)]
        return [other_id for _distance, other_id in sorted(close)]
