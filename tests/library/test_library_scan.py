import json
import os

import pytest
from PIL import Image

from accessshare.library import ThumbnailCache, open_upright, scan

from library_photos import exif_block, jpeg_bytes, photo_pixels, save  # noqa: E402 (test helpers)

FORMATS = {"jpeg.jpg": "JPEG", "png.png": "PNG", "nested/webp.webp": "WEBP",
           "nested/gif.gif": "GIF", "nested/deeper/bmp.bmp": "BMP", "tiff.tif": "TIFF",
           "phone.heic": "HEIF"}


def test_every_format_is_found_recursively_with_upright_size(good_folder, tmp_path):
    result = scan(good_folder, index_dir=tmp_path / "index")
    assert result.problems == []
    assert {p.relpath: p.format for p in result.photos} == FORMATS
    for photo in result.photos:
        assert (photo.width, photo.height) == (120, 80)
        assert len(photo.id) == 64
        assert open_upright(photo.path).size == (120, 80)


def test_exif_orientation_is_applied_everywhere(tmp_path):
    path = save(photo_pixels(), tmp_path / "d" / "rotated.jpg", "JPEG",
                exif=exif_block(orientation=6))
    [photo] = scan(tmp_path / "d").photos
    assert (photo.width, photo.height) == (80, 120)
    upright = open_upright(path)
    assert upright.size == (80, 120)
    # Orientation 6 turns the photo clockwise: the bright top-left square ends up top-right.
    assert upright.getpixel((70, 10))[0] > 240 and upright.getpixel((10, 10))[0] < 200


def test_exif_facts_are_read(tmp_path):
    save(photo_pixels(), tmp_path / "d" / "trip.jpg", "JPEG",
         exif=exif_block(gps=(51.5007, -0.1246), device=True))
    [photo] = scan(tmp_path / "d").photos
    facts = photo.exif
    assert facts.gps == pytest.approx((51.5007, -0.1246), abs=1e-4)
    assert facts.device == "Acme Phone 7"
    assert (facts.owner, facts.artist, facts.serial) == ("Sam Example", "Sam Example", "SN-12345")
    assert facts.taken.isoformat() == "2024-03-03T10:15:00"
    assert facts.has_device_id


def test_identity_is_the_content_so_a_renamed_photo_keeps_it(tmp_path):
    root = tmp_path / "d"
    save(photo_pixels(), root / "before.jpg", "JPEG")
    [before] = scan(root).photos
    (root / "before.jpg").rename(root / "after.jpg")
    [after] = scan(root).photos
    assert after.id == before.id and after.relpath == "after.jpg"


def test_rescan_rehashes_only_changed_files(good_folder, tmp_path):
    index = tmp_path / "index"
    assert scan(good_folder, index_dir=index).hashed == 7
    assert scan(good_folder, index_dir=index).hashed == 0
    changed = good_folder / "png.png"
    save(photo_pixels(60, 40), changed, "PNG")
    os.utime(changed, ns=(1, 1_000_000_000))
    rescan = scan(good_folder, index_dir=index)
    assert rescan.hashed == 1
    assert {p.relpath: (p.width, p.height) for p in rescan.photos}["png.png"] == (60, 40)


def test_manifest_labels_and_bad_rows(tmp_path):
    root = tmp_path / "d"
    save(photo_pixels(), root / "mug.jpg", "JPEG")
    (root / "manifest.csv").write_text(
        "file,label\nmug.jpg,my blue mug\nmissing.jpg,cat\n../outside.jpg,secret\n")
    result = scan(root)
    assert result.photos[0].label == "my blue mug"
    messages = [p.message for p in result.problems]
    assert any("line 3" in m and "missing.jpg is missing" in m for m in messages)
    assert any("line 4" in m and "outside the dataset folder" in m for m in messages)


def test_json_manifest_and_broken_manifest(tmp_path):
    root = tmp_path / "d"
    save(photo_pixels(), root / "mug.jpg", "JPEG")
    (root / "manifest.json").write_text(json.dumps([{"file": "mug.jpg", "label": "mug"}]))
    assert scan(root).photos[0].label == "mug"
    (root / "manifest.json").write_text("{not json")
    result = scan(root)
    assert result.photos[0].label is None and len(result.photos) == 1
    assert "The manifest manifest.json cannot be read" in result.problems[0].message


def test_thumbnails_are_named_by_content_hash(good_folder, tmp_path):
    cache = ThumbnailCache(tmp_path / "thumbs")
    photo = scan(good_folder).photos[0]
    made = cache.get_or_make(photo)
    assert made.name == f"{photo.id}.jpg" and made.exists()
    assert max(Image.open(made).size) <= cache.side
    assert cache.remove(photo.id) and not made.exists()


def test_reduced_size_decode_for_the_describer(tmp_path):
    big = photo_pixels(4000, 3000)
    path = tmp_path / "big.jpg"
    path.write_bytes(jpeg_bytes(big, quality=85))
    image = open_upright(path, max_side=1024)
    assert max(image.size) == 1024 and image.mode == "RGB"


def test_odd_modes_become_rgb(tmp_path):
    base = photo_pixels()
    cases = {"cmyk.jpg": (base.convert("CMYK"), "JPEG"), "grey16.png": (base.convert("I;16"), "PNG"),
             "palette.png": (base.convert("P"), "PNG"), "alpha.png": (base.convert("LA"), "PNG")}
    for name, (image, fmt) in cases.items():
        image.save(tmp_path / name, fmt)
        assert open_upright(tmp_path / name).mode == "RGB", name
