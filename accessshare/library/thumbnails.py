"""Thumbnails cached by content hash, so a renamed photo keeps its thumbnail."""

from __future__ import annotations

from pathlib import Path

from accessshare.library.decode import open_upright
from accessshare.library.files import atomic_writer

THUMBNAIL_SIDE = 320


class ThumbnailCache:
    def __init__(self, directory: str | Path, side: int = THUMBNAIL_SIDE):
        self.directory = Path(directory)
        self.side = side

    def path_for(self, photo_id: str) -> Path:
        return self.directory / photo_id[:2] / f"{photo_id}.jpg"

    def get_or_make(self, photo) -> Path:
        """Return the thumbnail of ``photo`` (a PhotoInfo), making it on first use."""
        target = self.path_for(photo.id)
        if target.exists():
            return target
        image = open_upright(photo.path, max_side=self.side)
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_writer(target) as out:
            image.save(out, "JPEG", quality=85)
        return target

    def remove(self, photo_id: str) -> bool:
        """Delete the thumbnail of a photo; True if one existed."""
        target = self.path_for(photo_id)
        try:
            target.unlink()
        except FileNotFoundError:
            return False
        return True
