"""The scanner hands over photos as it finds them, in their final order: the first photos of a
large folder do not wait for the rest of it to be examined (issue 19, first photos)."""

import os
from pathlib import Path

from PIL import Image

from accessshare.library import PhotoInfo, Problem, iter_scan, scan

from library_photos import photo_pixels, save


def small_photo(path: Path, shade: int) -> None:
    """A real, tiny JPEG of its own (the shade makes each one different content)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (8, 8), (shade % 256, shade // 256, 90)).save(path, "JPEG")


def test_the_first_photo_comes_before_the_problems_found_late_in_the_folder(tmp_path):
    """A pipe and a link loop sort after the photos; their sentences come in their place, after
    the first photo, and are still each one clear sentence."""
    root = tmp_path / "d"
    for number in range(40):
        small_photo(root / f"photo-{number:02d}.jpg", number)
    os.mkfifo(root / "zz-pipe.jpg")
    (root / "zz-loop").symlink_to("zz-loop")
    items = list(iter_scan(root))
    first_photo = next(i for i, item in enumerate(items) if isinstance(item, PhotoInfo))
    problems = {item.path.name: (i, item.message) for i, item in enumerate(items)
                if isinstance(item, Problem)}
    assert first_photo < problems["zz-pipe.jpg"][0] and first_photo < problems["zz-loop"][0]
    assert problems["zz-pipe.jpg"][1] == "zz-pipe.jpg is not a regular file, so it was skipped."
    assert problems["zz-loop"][1] == ("zz-loop is a link that leads back to itself (a loop); "
                                      "it was skipped.")
    assert sum(isinstance(item, PhotoInfo) for item in items) == 40


def test_a_late_folder_is_not_examined_before_the_first_photo_is_handed_over(tmp_path):
    """A photo put into the last folder once the first photo has arrived is still found: the
    walk had not reached that folder yet (it works a few groups of files ahead, not the whole
    folder ahead)."""
    root = tmp_path / "d"
    for number in range(300):
        small_photo(root / "a" / f"photo-{number:03d}.jpg", number)
    (root / "z").mkdir()
    found = []
    for item in iter_scan(root, workers=1):
        if not found:
            small_photo(root / "z" / "late.jpg", 999)
        found.append(item)
    relpaths = [item.relpath for item in found if isinstance(item, PhotoInfo)]
    assert relpaths[-1] == "z/late.jpg"
    assert len(relpaths) == 301


def test_the_order_is_the_relative_paths_order_whatever_the_index_knows(tmp_path):
    """Photos come in the order ``scan`` lists them (a folder's photos where its name sorts),
    on the first scan and on a rescan where one photo changed and the rest come from the
    index: the list's order does not depend on what was scanned before."""
    root = tmp_path / "d"
    names = ["z.jpg", "a/x.jpg", "a-b.jpg", "a.jpg", "a0.jpg", "a/b/c.jpg", "a/a.jpg",
             "b/z.png", "B.jpg", "é.jpg"]
    for shade, name in enumerate(names):
        small_photo(root / name, shade * 20)
    index = tmp_path / "index"
    first = [p.relpath for p in iter_scan(root, index_dir=index) if isinstance(p, PhotoInfo)]
    assert first == sorted(names)
    assert first == [p.relpath for p in scan(root).photos]
    save(photo_pixels(60, 40), root / "a" / "x.jpg", "JPEG")
    os.utime(root / "a" / "x.jpg", ns=(1, 1_000_000_000))
    result = scan(root, index_dir=index)
    again = [p.relpath for p in iter_scan(root, index_dir=index) if isinstance(p, PhotoInfo)]
    assert result.hashed == 1 and again == first


def test_a_scan_stopped_early_keeps_what_the_index_knows_of_the_rest(tmp_path):
    """Closing the window during a scan must not make the next scan read every photo again."""
    root = tmp_path / "d"
    for number in range(50):
        small_photo(root / f"photo-{number:02d}.jpg", number)
    index = tmp_path / "index"
    assert scan(root, index_dir=index).hashed == 50
    scanning = iter_scan(root, index_dir=index)
    assert isinstance(next(scanning), PhotoInfo)
    scanning.close()
    assert scan(root, index_dir=index).hashed == 0
