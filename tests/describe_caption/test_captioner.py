"""The pluggable captioner decodes a real (tiny) ONNX encoder-decoder, and names broken folders."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
import skimage.data
from PIL import Image

from accessshare.describe.captioner import (
    CaptionModelError,
    Captioner,
    find_caption_model,
    preprocess_image,
)

HERE = Path(__file__).parent


def load_builder():
    """tiny_captioner.py from this folder, imported the way other test folders will."""
    spec = importlib.util.spec_from_file_location("tiny_captioner", HERE / "tiny_captioner.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("tiny_captioner", module)
    spec.loader.exec_module(module)
    return module


tiny = load_builder()


@pytest.fixture
def model(tmp_path) -> Path:
    return tiny.build_tiny_captioner(tmp_path / "tiny-vit-gpt2")


# --- decoding ------------------------------------------------------------------------------


def test_captions_a_real_photo_with_the_known_sentence(model):
    assert Captioner(model).caption(skimage.data.coffee()) == "A cup of coffee"


def test_accepts_a_pil_image_in_any_mode(model):
    photo = Image.fromarray(skimage.data.chelsea()).convert("L")
    assert Captioner(model).caption(photo) == "A cup of coffee"


def test_other_words_give_their_own_sentence(tmp_path):
    folder = tiny.build_tiny_captioner(tmp_path / "m", sentence_words=("two", "cats", "asleep"))
    assert Captioner(folder).caption(skimage.data.astronaut()) == "Two cats asleep"


def test_greedy_stops_at_max_new_tokens(model):
    assert Captioner(model, max_new_tokens=2).caption(skimage.data.coffee()) == "A cup"
    assert Captioner(model, max_new_tokens=1).caption(skimage.data.coffee()) == "A"


def test_stops_at_the_end_token_even_with_room_left(model):
    # Room for 50 tokens, but the model says "</s>" after four words: nothing follows.
    assert Captioner(model, max_new_tokens=50).caption(skimage.data.coffee()) == "A cup of coffee"


def test_a_sentence_that_never_ends_is_cut_at_max_length(tmp_path):
    folder = tiny.build_tiny_captioner(tmp_path / "m", ends=False, max_length=7)
    # max_length counts the start token, so 6 new tokens: the words wrap round once.
    assert Captioner(folder).caption(skimage.data.coffee()) == "A cup of coffee a cup"
    assert Captioner(folder, max_new_tokens=9).caption(skimage.data.coffee()) == (
        "A cup of coffee a cup of coffee a"
    )


def test_eos_given_as_a_list_in_generation_config(model):
    rewrite_json(model / "generation_config.json", eos_token_id=[99, tiny.EOS_ID])
    assert Captioner(model, max_new_tokens=50).caption(skimage.data.coffee()) == "A cup of coffee"


def test_start_token_may_come_from_config_json_alone(model):
    (model / "generation_config.json").unlink()
    captioner = Captioner(model)
    assert captioner.token_ids.start == tiny.START_ID
    assert captioner.max_new_tokens == 20
    assert captioner.caption(skimage.data.coffee()) == "A cup of coffee"


def test_a_different_start_token_changes_the_caption(model):
    # Starting from "cup" proves the decoder really is fed the configured start token.
    cup = json.loads((model / "tokenizer.json").read_text())["model"]["vocab"]["cup"]
    rewrite_json(model / "generation_config.json", decoder_start_token_id=cup)
    assert Captioner(model).caption(skimage.data.coffee()) == "Of coffee"


def test_sessions_are_created_once(model):
    from accessshare.describe import onnx_session

    captioner = Captioner(model)
    before = onnx_session.creation_count
    captioner.caption(skimage.data.coffee())
    captioner.caption(skimage.data.rocket())
    assert onnx_session.creation_count - before == 2  # encoder and decoder


# --- preprocessing -------------------------------------------------------------------------


def test_preprocessing_resizes_rescales_and_normalises_like_vit(model):
    settings = json.loads((model / "preprocessor_config.json").read_text())
    pixels = preprocess_image(skimage.data.coffee(), settings)
    assert pixels.shape == (1, 3, tiny.IMAGE_SIDE, tiny.IMAGE_SIDE)
    assert pixels.dtype == np.float32
    assert -1.0 <= pixels.min() < -0.5 and 0.5 < pixels.max() <= 1.0
    white = preprocess_image(np.full((10, 20, 3), 255, np.uint8), settings)
    np.testing.assert_allclose(white, 1.0, atol=1e-6)


def test_preprocessing_clip_style_shortest_edge_then_centre_crop():
    settings = {
        "size": {"shortest_edge": 24},
        "do_center_crop": True,
        "crop_size": {"height": 24, "width": 24},
        "image_mean": [0.0, 0.0, 0.0],
        "image_std": [1.0, 1.0, 1.0],
        "rescale_factor": 1 / 255,
    }
    image = np.zeros((40, 80, 3), np.uint8)
    image[:, 30:50] = 255  # a white band in the middle survives the crop at full width
    pixels = preprocess_image(image, settings)
    assert pixels.shape == (1, 3, 24, 24)
    assert pixels[0, :, :, 12].min() > 0.99
    assert pixels[0, :, :, 0].max() < 0.01


# --- version -------------------------------------------------------------------------------


def test_version_names_the_folder_and_changes_with_the_model(model):
    captioner = Captioner(model)
    first = captioner.version
    assert first.startswith("caption:tiny-vit-gpt2:")
    assert captioner.version == first
    decoder = model / "decoder_model.onnx"
    stat = decoder.stat()
    os.utime(decoder, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert captioner.version != first


# --- broken folders ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "missing",
    [
        "encoder_model.onnx",
        "decoder_model.onnx",
        "tokenizer.json",
        "config.json",
        "preprocessor_config.json",
    ],
)
def test_a_missing_file_is_named(model, missing):
    (model / missing).unlink()
    with pytest.raises(CaptionModelError) as raised:
        Captioner(model)
    message = str(raised.value)
    assert str(model) in message
    assert f"has no {missing}" in message


def test_a_folder_that_does_not_exist_is_named(tmp_path):
    with pytest.raises(CaptionModelError, match="does not exist"):
        Captioner(tmp_path / "nowhere")


def test_broken_json_names_the_file_and_line(model):
    (model / "config.json").write_text('{\n  "eos_token_id": 2,\n  "decoder_start_token_id": ,\n}\n')
    with pytest.raises(CaptionModelError) as raised:
        Captioner(model)
    assert "config.json" in str(raised.value)
    assert "is not valid JSON at line 3" in str(raised.value)


def test_json_that_is_not_an_object_is_refused(model):
    (model / "preprocessor_config.json").write_text("[1, 2, 3]\n")
    with pytest.raises(CaptionModelError, match="preprocessor_config.json .* not a JSON object"):
        Captioner(model)


def test_missing_start_token_is_named(model):
    for name in ("config.json", "generation_config.json"):
        (model / name).write_text('{"eos_token_id": 2}\n')
    with pytest.raises(CaptionModelError, match="decoder_start_token_id or bos_token_id"):
        Captioner(model)


def test_a_corrupt_onnx_file_fails_on_load_with_its_name(model):
    (model / "decoder_model.onnx").write_bytes(b"this is not a protobuf at all" * 10)
    captioner = Captioner(model)  # layout checks are cheap and do not parse the models
    with pytest.raises(CaptionModelError) as raised:
        captioner.load()
    message = str(raised.value)
    assert "decoder_model.onnx" in message and str(model) in message
    assert "not a usable ONNX model" in message
    with pytest.raises(CaptionModelError):
        captioner.caption(skimage.data.coffee())


def test_a_truncated_encoder_fails_on_load_with_its_name(model):
    encoder = model / "encoder_model.onnx"
    encoder.write_bytes(encoder.read_bytes()[:40])
    with pytest.raises(CaptionModelError, match="encoder_model.onnx .* not a usable ONNX model"):
        Captioner(model).load()


def test_a_broken_tokenizer_fails_on_load(model):
    (model / "tokenizer.json").write_text('{"version": "1.0", "model": {"type": "Nonsense"}}')
    with pytest.raises(CaptionModelError, match="tokenizer.json .* tokenizers package can read"):
        Captioner(model).load()


def test_an_unknown_decoder_input_is_named(model):
    import onnx
    from onnx import TensorProto, helper

    decoder = onnx.load(model / "decoder_model.onnx")
    decoder.graph.input.append(
        helper.make_tensor_value_info("token_type_ids", TensorProto.INT64, ["batch_size", "seq"])
    )
    onnx.save(decoder, model / "decoder_model.onnx")
    with pytest.raises(CaptionModelError) as raised:
        Captioner(model).load()
    assert "expects input token_type_ids that AccessShare does not know" in str(raised.value)


# --- finding the model ---------------------------------------------------------------------


def test_find_caption_model_finds_the_first_captioner_folder(tmp_path):
    models = tmp_path / "models"
    (models / "a-notes").mkdir(parents=True)
    (models / "a-notes" / "README.txt").write_text("not a model")
    (models / "b-only-encoder").mkdir()
    (models / "b-only-encoder" / "encoder_model.onnx").write_bytes(b"")
    (models / "loose.onnx").write_bytes(b"")
    tiny.build_tiny_captioner(models / "c-captioner")
    tiny.build_tiny_captioner(models / "d-captioner")
    assert find_caption_model(models) == models / "c-captioner"


def test_find_caption_model_accepts_a_merged_decoder(tmp_path):
    folder = tiny.build_tiny_captioner(tmp_path / "models" / "merged")
    (folder / "decoder_model.onnx").rename(folder / "decoder_model_merged.onnx")
    assert find_caption_model(tmp_path / "models") == folder


def test_find_caption_model_finds_nothing(tmp_path):
    assert find_caption_model(tmp_path) is None
    assert find_caption_model(tmp_path / "absent") is None


def test_a_copied_folder_is_found_and_used(tmp_path, model):
    models = tmp_path / "models"
    shutil.copytree(model, models / "copy")
    found = find_caption_model(models)
    assert Captioner(found).caption(skimage.data.coffee()) == "A cup of coffee"


def rewrite_json(path: Path, **changes) -> None:
    content = json.loads(path.read_text())
    content.update(changes)
    path.write_text(json.dumps(content))


# --- the merged decoder with its key/value cache ------------------------------------------


@pytest.fixture
def merged_model(tmp_path) -> Path:
    return tiny.build_tiny_captioner(tmp_path / "tiny-merged", merged=True)


def test_merged_decoder_captions_with_its_cache(merged_model):
    captioner = Captioner(merged_model)
    assert captioner.decoder_file == "decoder_model_merged.onnx"
    assert captioner.caption(skimage.data.coffee()) == "A cup of coffee"
    assert Captioner(merged_model, max_new_tokens=3).caption(skimage.data.coffee()) == "A cup of"


def test_merged_decoder_runs_past_its_sentence_until_max_length(tmp_path):
    folder = tiny.build_tiny_captioner(tmp_path / "m", merged=True, ends=False, max_length=7)
    assert Captioner(folder).caption(skimage.data.coffee()) == "A cup of coffee a cup"


def tiny_merged_step(session, ids, use_cache, past_len, cross_len):
    cache = {
        f"past_key_values.0.{name}": np.zeros(
            (1, 1, cross_len if "encoder" in name else past_len, 2), np.float32
        )
        for name in tiny.CACHE_NAMES
    }
    feed = {
        "input_ids": np.array([ids], np.int64),
        "encoder_hidden_states": np.zeros((1, 1, 3), np.float32),
        "use_cache_branch": np.array([use_cache]),
        **cache,
    }
    return int(np.argmax(session.run(["logits"], feed)[0][0, -1]))


def test_the_tiny_merged_decoder_punishes_a_runner_that_mishandles_the_cache(merged_model):
    """Guards the test above: wrong cache handling must give other words than the sentence."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(merged_model / "decoder_model_merged.onnx"))
    vocab = json.loads((merged_model / "tokenizer.json").read_text())["model"]["vocab"]
    start, a, cup, of = tiny.START_ID, vocab["a"], vocab["cup"], vocab["of"]
    # Right: third step, two tokens cached, cross-attention cache kept -> "of".
    assert tiny_merged_step(session, [cup], True, past_len=2, cross_len=1) == of
    # The whole sentence without the cache is also right (that is the plain decoder's way).
    assert tiny_merged_step(session, [start, a, cup], False, past_len=0, cross_len=1) == of
    # Dropping the cache, re-feeding everything with it, or losing the cross-attention cache.
    assert tiny_merged_step(session, [cup], False, past_len=2, cross_len=1) != of
    assert tiny_merged_step(session, [start, a, cup], True, past_len=2, cross_len=1) != of
    assert tiny_merged_step(session, [cup], True, past_len=2, cross_len=0) != of


def test_a_merged_decoder_that_fails_falls_back_to_the_plain_one(tmp_path):
    import onnx

    folder = tiny.build_tiny_captioner(tmp_path / "both")
    merged = tiny.build_tiny_captioner(tmp_path / "merged", merged=True)
    decoder = onnx.load(merged / "decoder_model_merged.onnx")
    # A fixed cache length of 5: the first step runs, the second (6 cached rows) is refused.
    for graph_input in decoder.graph.input:
        if graph_input.name.startswith("past_key_values"):
            graph_input.type.tensor_type.shape.dim[2].dim_value = 5
    onnx.save(decoder, folder / "decoder_model_merged.onnx")
    captioner = Captioner(folder)
    assert captioner.decoder_file == "decoder_model_merged.onnx"
    assert captioner.caption(skimage.data.coffee()) == "A cup of coffee"
    assert captioner.decoder_file == "decoder_model.onnx"


def test_a_failing_decoder_without_fallback_raises_caption_model_error(tmp_path):
    import onnx

    folder = tiny.build_tiny_captioner(tmp_path / "merged", merged=True)
    decoder = onnx.load(folder / "decoder_model_merged.onnx")
    for graph_input in decoder.graph.input:
        if graph_input.name.startswith("past_key_values"):
            graph_input.type.tensor_type.shape.dim[2].dim_value = 5
    onnx.save(decoder, folder / "decoder_model_merged.onnx")
    with pytest.raises(CaptionModelError, match="decoder_model_merged.onnx .* failed while writing"):
        Captioner(folder).caption(skimage.data.coffee())


# --- beam search ---------------------------------------------------------------------------


def beam_trap(model: Path) -> None:
    """Greedy takes "of" (0.5) but then only "coffee" at 0.34; "a" (0.4) leads to "cup" at 0.95.

    So greedy says "Of coffee" (probability 0.17) and a beam search of two finds "A cup" (0.36).
    """
    import onnx

    vocab = json.loads((model / "tokenizer.json").read_text())["model"]["vocab"]
    eos, a, cup, of, coffee = tiny.EOS_ID, vocab["a"], vocab["cup"], vocab["of"], vocab["coffee"]
    size = len(vocab)
    probabilities = np.full((size, size), 1e-4)
    probabilities[:, eos] = 1.0  # every other token just ends the sentence
    probabilities[[tiny.START_ID, of, a, cup]] = 1e-4
    probabilities[tiny.START_ID, [of, a]] = [0.5, 0.4]
    probabilities[of, [coffee, cup, eos]] = [0.34, 0.33, 0.33]
    probabilities[a, [cup, eos]] = [0.95, 0.05]
    probabilities[cup, eos] = 0.95
    logits = np.log(probabilities / probabilities.sum(axis=1, keepdims=True)).astype(np.float32)
    onnx.save(tiny.decoder_graph(logits), model / "decoder_model.onnx")


def test_greedy_misses_what_beam_search_finds(model):
    beam_trap(model)
    assert Captioner(model).caption(skimage.data.coffee()) == "Of coffee"
    rewrite_json(model / "generation_config.json", num_beams=2)
    captioner = Captioner(model)
    assert captioner.num_beams == 2
    assert captioner.caption(skimage.data.coffee()) == "A cup"


def test_beam_search_gives_the_sentence_with_both_decoders(model, merged_model):
    for folder in (model, merged_model):
        rewrite_json(folder / "generation_config.json", num_beams=3)
        assert Captioner(folder).caption(skimage.data.coffee()) == "A cup of coffee"
        assert Captioner(folder, max_new_tokens=2).caption(skimage.data.coffee()) == "A cup"


def test_a_corrupt_merged_decoder_falls_back_to_the_plain_one_at_load(model):
    (model / "decoder_model_merged.onnx").write_bytes(b"not onnx")
    captioner = Captioner(model)
    captioner.load()
    assert captioner.decoder_file == "decoder_model.onnx"
    assert captioner.caption(skimage.data.coffee()) == "A cup of coffee"


def test_a_corrupt_merged_decoder_alone_is_named(merged_model):
    (merged_model / "decoder_model_merged.onnx").write_bytes(b"not onnx")
    with pytest.raises(CaptionModelError, match="decoder_model_merged.onnx .* not a usable ONNX"):
        Captioner(merged_model).load()
