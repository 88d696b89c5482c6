"""Fuzzing scan and describe with mutated photo files (bytes flipped, cut, inserted, repeated)
of every format the library reads. Each file must come out as a photo or as one sentence that
names it, the rest of the folder must still load, and nothing may raise."""

from __future__ import annotations

import io
import tempfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accessshare.library import ImageProblem, open_upright, scan

from library_photos import exif_block, photo_pixels

FORMATS = {"jpg": ("JPEG", {"exif": exif_block(orientation=6, gps=(51.5, -0.12), device=True)}),
           "png": ("PNG", {}), "gif": ("GIF", {}), "webp": ("WEBP", {}),
           "tif": ("TIFF", {}), "bmp": ("BMP", {}), "heic": ("HEIF", {})}


@cache
def seed(suffix: str) -> bytes:
    fmt, options = FORMATS[suffix]
    if fmt == "HEIF":
        from pillow_heif import register_heif_opener
        register_heif_opener()
    buffer = io.BytesIO()
    photo_pixels(64, 48).save(buffer, fmt, **options)
    return buffer.getvalue()


edit = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10**6), st.integers(1, 255)),
    st.tuples(st.just("cut"), st.integers(0, 10**6)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.binary(min_size=1, max_size=64)),
    st.tuples(st.just("repeat"), st.integers(0, 10**6), st.integers(1, 512)),
    st.tuples(st.just("big"), st.integers(0, 60), st.sampled_from([0xFF, 0x7F, 0x00])),
)
mutated = st.tuples(st.sampled_from(sorted(FORMATS)), st.lists(edit, min_size=1, max_size=6))


def mutate(data: bytes, edits) -> bytes:
    data = bytearray(data)
    for kind, *args in edits:
        if not data:
            break
        at = args[0] % len(data)
        if kind == "flip":
            data[at] ^= args[1]
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = args[1]
        elif kind == "repeat":
            data[at:at] = data[at:at + args[1]]
        else:  # a header field made huge (sizes, lengths, counts)
            data[at:at + 4] = bytes([args[1]]) * 4
    return bytes(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutated, min_size=1, max_size=5))
def test_scan_of_mutated_photos_names_every_bad_file_and_keeps_the_rest(files):
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        (root / "good.jpg").write_bytes(seed("jpg"))
        names = ["good.jpg"]
        for number, (suffix, edits) in enumerate(files):
            name = f"m{number}.{suffix}"
            (root / name).write_bytes(mutate(seed(suffix), edits))
            names.append(name)
        result = scan(root)
        found = [p.path.name for p in result.photos] + [p.path.name for p in result.problems]
        assert sorted(found) == sorted(names)
        assert "good.jpg" in [p.path.name for p in result.photos]
        for problem in result.problems:
            assert problem.path.name in problem.message and "\n" not in problem.message
        for photo in result.photos:
            assert photo.width > 0 and photo.height > 0 and len(photo.id) == 64


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated)
def test_decoding_a_mutated_photo_gives_a_picture_or_one_sentence(case):
    suffix, edits = case
    with tempfile.TemporaryDirectory() as temporary:
        path = Path(temporary) / f"photo.{suffix}"
        path.write_bytes(mutate(seed(suffix), edits))
        try:
            image = open_upright(path, max_side=64)
        except ImageProblem as problem:
            assert "photo." in str(problem) and "\n" not in str(problem)
        else:
            assert image.mode == "RGB" and min(image.size) > 0


@pytest.fixture(scope="module")
def describer():
    from accessshare.describe.pipeline import Describer

    return Describer()


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(mutated)
def test_describing_a_mutated_photo_gives_a_description_or_one_sentence(describer, case):
    from accessshare.describe.pipeline import DescribeFailure

    suffix, edits = case
    with tempfile.TemporaryDirectory() as temporary:
        path = Path(temporary) / f"photo.{suffix}"
        path.write_bytes(mutate(seed(suffix), edits))
        (result,) = list(describer.describe_many([path]))
        if isinstance(result, DescribeFailure):
            assert "photo." in result.error and "\n" not in result.error
            assert "could not be described:" not in result.error, result.error  # no raw error
        else:
            assert result.sentence
