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


class DuplicateIndex:
    """Photo hashes seen in one dataset. Thread-safe."""

    def __init__(self, max_distance: int = DEFAULT_MAX_DISTANCE):
        self.max_distance = max_distance
        self._hashes: dict[str, int] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._hashes)

    def add(self, photo_id: str, value: int) -> None:
        with self._lock:
            self._hashes[photo_id] = value

    def remove(self, photo_id: str) -> None:
        with self._lock:
            self._hashes.pop(photo_id, None)

    def hash_of(self, photo_id: str) -> int | None:
        return self._hashes.get(photo_id)

    def near_duplicates_of(self, photo_id: str) -> list[str]:
        """Other photos within ``max_distance`` bits, closest first."""
        with self._lock:
            own = self._hashes.get(photo_id)
            if own is None:
                return []
            close = [(hamming(own, other), other_id) for other_id, other in self._hashes.items()
                     if other_id != photo_id]
        return [other_id for distance, other_id in sorted(close) if distance <= self.max_distance]
