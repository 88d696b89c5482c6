"""TextReader on real photos: the skimage page, photos without text, a printed notice."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import skimage.data
from PIL import Image

from accessshare.describe import onnx_session
from accessshare.describe.text import TEXT_GATE_THRESHOLD, TextLine, TextReader, reading_order

SAMPLES = Path(__file__).resolve().parents[2] / "assets" / "sample"
# Words printed on skimage's page() photo (a scanned page about segmenting coins).
PAGE_WORDS = {"Region-based", "segmentation", "markers", "coins", "background", "histogram", "grey"}


def words(lines: list[TextLine]) -> set[str]:
    return {word.strip(".,:;") for line in lines for word in line.text.split()}


def test_page_gives_its_real_words_in_reading_order(reader):
    lines = reader.read(skimage.data.page())
    assert len(PAGE_WORDS & words(lines)) >= 6, [line.text for line in lines]
    assert lines[0].text == "Region-based segmentation"
    # The page is slightly tilted: lines are cut out along their own slant, so this long line
    # is read whole rather than mixed with its neighbours.
    assert "the markers are found at the two extreme parts of the" in [line.text for line in lines]
    tops = [line.box[1] for line in lines]
    assert tops == sorted(tops)


def test_lines_have_boxes_inside_the_photo_and_confidences(reader):
    for line in reader.read(skimage.data.page()):
        x0, y0, x1, y1 = line.box
        assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1
        assert reader.min_confidence <= line.confidence <= 1
        assert all(type(v) is float for v in line.box)
        assert json.loads(json.dumps(line.to_json())) == {
            "text": line.text, "confidence": line.confidence, "box": list(line.box)}


def test_the_page_is_likely_text_and_photos_without_text_are_not(reader):
    assert reader.text_likelihood(skimage.data.page()) >= TEXT_GATE_THRESHOLD
    for photo in (skimage.data.coffee(), skimage.data.chelsea(), skimage.data.rocket(),
                  skimage.data.astronaut()):
        assert reader.text_likelihood(photo) < 0.2


@pytest.mark.parametrize("name", ["coffee.jpg", "chelsea.jpg", "night-sky.jpg", "mug-in-the-dark.jpg"])
def test_sample_photos_without_text_stay_below_the_gate(reader, name):
    photo = Image.open(SAMPLES / name)
    assert reader.text_likelihood(photo) < 0.2


def test_sample_letter_passes_the_gate_and_is_read(reader):
    photo = Image.open(SAMPLES / "letter.jpg")
    assert reader.text_likelihood(photo) >= TEXT_GATE_THRESHOLD
    assert len(PAGE_WORDS & words(reader.read(photo))) >= 5


def test_printed_notice_is_read_exactly(reader, sign_photo):
    lines = reader.read(sign_photo)
    assert [line.text for line in lines] == ["FRESH BREAD DAILY", "Call 0161 496 0123", "jane@example.com"]
    assert reader.text_likelihood(sign_photo) >= TEXT_GATE_THRESHOLD


def test_upside_down_notice_is_still_read(reader, sign_photo):
    turned = np.asarray(sign_photo)[::-1, ::-1].copy()
    texts = {line.text for line in reader.read(turned)}
    assert {"FRESH BREAD DAILY", "jane@example.com"} <= texts


def test_pil_image_and_array_give_the_same_lines(reader):
    page = skimage.data.page()
    assert reader.read(Image.fromarray(page)) == reader.read(page)


def test_no_text_gives_no_lines(reader):
    assert reader.read(np.full((300, 400, 3), 200, dtype=np.uint8)) == []


def test_sessions_are_built_once(reader):
    reader.read(skimage.data.page())
    before = onnx_session.creation_count
    TextReader().read(skimage.data.page())
    assert onnx_session.creation_count == before


def test_version_names_the_package_and_models(reader):
    assert reader.version.startswith("rapidocr-3.") and "ppocrv6" in reader.version


def test_missing_models_fail_clearly(tmp_path):
    with pytest.raises(FileNotFoundError, match="PP-OCRv6_det_small.onnx"):
        TextReader(models_dir=tmp_path).read(skimage.data.page())


def test_reading_order_puts_rows_first_then_left_to_right():
    boxes = [(0.5, 0.1, 0.9, 0.2), (0.1, 0.11, 0.4, 0.21), (0.1, 0.3, 0.5, 0.4), (0.6, 0.05, 0.9, 0.45)]
    assert reading_order(boxes)[:2] == [1, 0]
    assert reading_order(boxes[:3]) == [1, 0, 2]


def test_letter_photo_is_found_to_be_a_document(reader):
    from accessshare.describe.screens import find_screens_and_documents

    photo = Image.open(SAMPLES / "letter.jpg")
    found = find_screens_and_documents([], reader.read(photo), *photo.size)
    assert [f.kind for f in found] == ["document"] and found[0].confidence > 0.8


def test_reading_never_imports_rapidocrs_engine():
    """Only the model files are used: rapidocr's own engine (which can download models) is
    never imported."""
    import subprocess
    import sys

    code = ("import sys, skimage.data; from accessshare.describe.text import TextReader; "
            "assert TextReader().read(skimage.data.page()); print('rapidocr' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("image", [
    np.zeros((1, 1, 3), dtype=np.uint8), np.zeros((5, 3000, 3), dtype=np.uint8),
    Image.new("RGBA", (50, 40)), Image.new("L", (300, 200), 255), np.full((100, 100), 7, dtype=np.uint8),
])
def test_tiny_odd_and_blank_images_give_no_text(reader, image):
    assert reader.text_likelihood(image) == 0.0
    assert reader.read(image) == []


def test_bank_card_on_a_table_is_a_card_with_a_card_number(reader):
    from PIL import ImageDraw, ImageFont

    from accessshare.describe.screens import find_screens_and_documents
    from accessshare.describe.text import PersonalData, find_personal_data

    photo = Image.fromarray(skimage.data.coffee()).resize((1024, 683))
    draw = ImageDraw.Draw(photo)
    draw.rounded_rectangle((300, 200, 700, 452), radius=20, fill=(30, 60, 140))  # 400x252: ID-1
    large, small = ImageFont.load_default(size=34), ImageFont.load_default(size=26)
    draw.text((325, 215), "CITY BANK", font=large, fill="white")
    draw.text((325, 330), "4111 1111 1111 1111", font=large, fill="white")
    draw.text((325, 380), "VALID THRU 12/27", font=small, fill="white")
    draw.text((325, 412), "JANE DOE", font=small, fill="white")
    lines = reader.read(photo)
    assert [line.text for line in lines] == ["CITY BANK", "4111 1111 1111 1111", "VALID THRU 12/27", "JANE DOE"]
    assert find_personal_data(lines) == [PersonalData("card-number", "4111 1111 1111 1111")]
    assert [f.kind for f in find_screens_and_documents([], lines, *photo.size)] == ["card"]
