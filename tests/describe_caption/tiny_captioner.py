"""A tiny captioner in the Hugging Face Optimum ONNX layout, whose greedy output is known.

The encoder averages each colour channel of ``pixel_values`` [batch, 3, H, W] into a
[batch, 1, 3] ``last_hidden_state``. The decoder looks up one row of a constant transition
matrix per input token (Gather by ``input_ids``), so after the start token it predicts the first
word, after each word the next one, and after the last word the end token. Its ``logits`` also
add 0 x the sum of ``encoder_hidden_states`` so the encoder's output really flows through it.

Other test folders import this file (after putting its folder on ``sys.path``), so keep
``build_tiny_captioner``'s name and signature.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from tokenizers import Tokenizer, models, pre_tokenizers

SPECIAL_TOKENS = ("<pad>", "<s>", "</s>", "<unk>")
PAD_ID, START_ID, EOS_ID, UNK_ID = range(4)
IMAGE_SIDE = 32
HIDDEN_SIZE = 3
DEFAULT_WORDS = ("a", "cup", "of", "coffee")
OPSET = 17
MAX_POSITIONS = 64  # the merged decoder's longest sequence
CACHE_NAMES = ("decoder.key", "decoder.value", "encoder.key", "encoder.value")


def build_tiny_captioner(
    folder: Path,
    sentence_words: Sequence[str] = DEFAULT_WORDS,
    *,
    ends: bool = True,
    max_length: int = 20,
    merged: bool = False,
) -> Path:
    """Write the tiny model into ``folder`` (created if needed) and return ``folder``.

    Greedy decoding yields ``sentence_words`` then the end token. With ``ends=False`` the last
    word leads back to the first, so the sentence never ends and only a length limit stops it.
    The words must be distinct: the next word depends only on the last one.
    With ``merged=True`` it writes ``decoder_model_merged.onnx`` instead (see
    ``merged_decoder_graph``).
    """
    words = list(sentence_words)
    if len(set(words)) != len(words) or not words:
        raise ValueError("sentence_words must be distinct and non-empty")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    vocab = {token: index for index, token in enumerate(SPECIAL_TOKENS)}
    for word in words:
        vocab.setdefault(word, len(vocab))
    word_ids = [vocab[word] for word in words]

    onnx.save(encoder_graph(), folder / "encoder_model.onnx")
    if merged:
        table = positions_table(len(vocab), word_ids, ends)
        onnx.save(merged_decoder_graph(table), folder / "decoder_model_merged.onnx")
    else:
        table = transitions(len(vocab), word_ids, ends)
        onnx.save(decoder_graph(table), folder / "decoder_model.onnx")
    write_tokenizer(vocab, folder / "tokenizer.json")
    write_configs(folder, len(vocab), max_length)
    return folder


def transitions(vocab_size: int, word_ids: list[int], ends: bool) -> np.ndarray:
    """Row t holds the logits after token t: a clear winner, the rest zero."""
    table = np.zeros((vocab_size, vocab_size), dtype=np.float32)
    chain = [START_ID, *word_ids, EOS_ID if ends else word_ids[0]]
    for current, following in zip(chain, chain[1:]):
        table[current, following] = 10.0
    # Tokens outside the chain lead to the end token, so no input runs away.
    for token in range(vocab_size):
        if not table[token].any():
            table[token, EOS_ID] = 10.0
    return table


def positions_table(vocab_size: int, word_ids: list[int], ends: bool) -> np.ndarray:
    """Row p holds the logits for the token after position p (the start token is position 0)."""
    table = np.zeros((MAX_POSITIONS, vocab_size), dtype=np.float32)
    for position in range(MAX_POSITIONS):
        if position < len(word_ids):
            following = word_ids[position]
        else:
            following = EOS_ID if ends else word_ids[position % len(word_ids)]
        table[position, following] = 10.0
    return table


def encoder_graph() -> onnx.ModelProto:
    pixels = helper.make_tensor_value_info(
        "pixel_values", TensorProto.FLOAT, ["batch_size", 3, IMAGE_SIDE, IMAGE_SIDE]
    )
    hidden = helper.make_tensor_value_info(
        "last_hidden_state", TensorProto.FLOAT, ["batch_size", 1, HIDDEN_SIZE]
    )
    shape = numpy_helper.from_array(np.array([0, 1, HIDDEN_SIZE], dtype=np.int64), "hidden_shape")
    nodes = [
        helper.make_node("ReduceMean", ["pixel_values"], ["channel_means"], axes=[2, 3], keepdims=1),
        helper.make_node("Reshape", ["channel_means", "hidden_shape"], ["last_hidden_state"]),
    ]
    graph = helper.make_graph(nodes, "tiny_encoder", [pixels], [hidden], [shape])
    return finished(graph)


def decoder_graph(table: np.ndarray) -> onnx.ModelProto:
    vocab_size = table.shape[0]
    input_ids = helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch_size", "seq"])
    encoder_states = helper.make_tensor_value_info(
        "encoder_hidden_states", TensorProto.FLOAT, ["batch_size", "enc_seq", HIDDEN_SIZE]
    )
    logits = helper.make_tensor_value_info(
        "logits", TensorProto.FLOAT, ["batch_size", "seq", vocab_size]
    )
    initialisers = [
        numpy_helper.from_array(table, "transitions"),
        numpy_helper.from_array(np.array(0.0, dtype=np.float32), "zero"),
    ]
    nodes = [
        helper.make_node("Gather", ["transitions", "input_ids"], ["looked_up"], axis=0),
        helper.make_node("ReduceSum", ["encoder_hidden_states"], ["state_sum"], keepdims=1),
        helper.make_node("Mul", ["state_sum", "zero"], ["no_effect"]),
        helper.make_node("Add", ["looked_up", "no_effect"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes, "tiny_decoder", [input_ids, encoder_states], [logits], initialisers
    )
    return finished(graph)


def merged_decoder_graph(table: np.ndarray) -> onnx.ModelProto:
    """A decoder with a key/value cache, in Optimum's merged layout, that only works if fed right.

    Its next token depends on the absolute position of the last input token, which it learns
    from the length of the self-attention cache (when ``use_cache_branch`` is true) plus the
    length of ``input_ids``: a runner that drops the cache, or re-feeds the whole sentence with
    it, gets the wrong words. Like real merged decoders, it returns an empty cross-attention
    cache on the cached branch, and it scrambles its logits if that cache is then fed back empty.
    """
    vocab_size = table.shape[1]
    cache_shape = ["batch_size", 1, "past_sequence_length", 2]
    inputs = [
        helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch_size", "seq"]),
        helper.make_tensor_value_info(
            "encoder_hidden_states", TensorProto.FLOAT, ["batch_size", "enc_seq", HIDDEN_SIZE]
        ),
        *(
            helper.make_tensor_value_info(f"past_key_values.0.{n}", TensorProto.FLOAT, cache_shape)
            for n in CACHE_NAMES
        ),
        helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1]),
    ]
    outputs = [
        helper.make_tensor_value_info(
            "logits", TensorProto.FLOAT, ["batch_size", "seq", vocab_size]
        ),
        *(
            helper.make_tensor_value_info(f"present.0.{n}", TensorProto.FLOAT, cache_shape)
            for n in CACHE_NAMES
        ),
    ]
    constants = {
        "positions": table,
        "zero_i": np.array([0], dtype=np.int64),
        "one_i": np.array([1], dtype=np.int64),
        "two_i": np.array([2], dtype=np.int64),
        "three_i": np.array([3], dtype=np.int64),
        "zero_f": np.array(0.0, dtype=np.float32),
        "plus_one": np.array(1.0, dtype=np.float32),
        "minus_one": np.array(-1.0, dtype=np.float32),
    }
    initialisers = [numpy_helper.from_array(v, k) for k, v in constants.items()]
    node = helper.make_node
    nodes = [
        # past_len = use_cache_branch ? cached length : 0
        node("Shape", ["past_key_values.0.decoder.key"], ["past_shape"]),
        node("Gather", ["past_shape", "two_i"], ["cached_len"], axis=0),
        node("Where", ["use_cache_branch", "cached_len", "zero_i"], ["past_len"]),
        node("Shape", ["input_ids"], ["ids_shape"]),
        node("Gather", ["ids_shape", "one_i"], ["seq_len"], axis=0),
        node("Add", ["past_len", "seq_len"], ["total_len"]),
        node("Squeeze", ["past_len"], ["range_start"]),
        node("Squeeze", ["total_len"], ["range_end"]),
        node("Squeeze", ["one_i"], ["range_step"]),
        node("Range", ["range_start", "range_end", "range_step"], ["token_positions"]),
        node("Gather", ["positions", "token_positions"], ["position_logits"], axis=0),
        node("Unsqueeze", ["position_logits", "zero_i"], ["plain_logits"]),
        # Cached branch with an empty cross-attention cache: flip the logits' sign.
        node("Shape", ["past_key_values.0.encoder.key"], ["cross_shape"]),
        node("Gather", ["cross_shape", "two_i"], ["cross_len"], axis=0),
        node("Equal", ["cross_len", "zero_i"], ["cross_empty"]),
        node("And", ["use_cache_branch", "cross_empty"], ["cross_lost"]),
        node("Where", ["cross_lost", "minus_one", "plus_one"], ["sign"]),
        node("Mul", ["plain_logits", "sign"], ["signed_logits"]),
        node("ReduceSum", ["encoder_hidden_states"], ["state_sum"], keepdims=1),
        node("Mul", ["state_sum", "zero_f"], ["no_effect"]),
        node("Add", ["signed_logits", "no_effect"], ["logits"]),
        # Self-attention cache: the used part of the past plus one row per new token.
        node("Slice", ["past_key_values.0.decoder.key", "zero_i", "past_len", "two_i"], ["kept"]),
        node("Cast", ["input_ids"], ["ids_float"], to=TensorProto.FLOAT),
        node("Unsqueeze", ["ids_float", "one_i"], ["ids_4d_partial"]),
        node("Unsqueeze", ["ids_4d_partial", "three_i"], ["ids_column"]),
        node("Concat", ["ids_column", "ids_column"], ["new_rows"], axis=3),
        node("Concat", ["kept", "new_rows"], ["present.0.decoder.key"], axis=2),
        node("Identity", ["present.0.decoder.key"], ["present.0.decoder.value"]),
        # Cross-attention cache: from the image on the first step, empty on the cached branch.
        node("Unsqueeze", ["encoder_hidden_states", "one_i"], ["states_4d"]),
        node("Slice", ["states_4d", "zero_i", "two_i", "three_i"], ["cross_full"]),
        node("Shape", ["cross_full"], ["cross_full_shape"]),
        node("Gather", ["cross_full_shape", "two_i"], ["cross_full_len"], axis=0),
        node("Where", ["use_cache_branch", "zero_i", "cross_full_len"], ["cross_keep"]),
        node("Slice", ["cross_full", "zero_i", "cross_keep", "two_i"], ["present.0.encoder.key"]),
        node("Identity", ["present.0.encoder.key"], ["present.0.encoder.value"]),
    ]
    graph = helper.make_graph(nodes, "tiny_merged_decoder", inputs, outputs, initialisers)
    return finished(graph)


def finished(graph: onnx.GraphProto) -> onnx.ModelProto:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8  # readable by every onnxruntime from 1.14 on
    onnx.checker.check_model(model)
    return model


def write_tokenizer(vocab: dict[str, int], path: Path) -> None:
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.add_special_tokens(list(SPECIAL_TOKENS))
    tokenizer.save(str(path))


def write_configs(folder: Path, vocab_size: int, max_length: int) -> None:
    ids = {"decoder_start_token_id": START_ID, "eos_token_id": EOS_ID, "pad_token_id": PAD_ID}
    config = {
        "model_type": "vision-encoder-decoder",
        "is_encoder_decoder": True,
        **ids,
        "decoder": {"vocab_size": vocab_size, "bos_token_id": START_ID, "eos_token_id": EOS_ID},
    }
    generation = {**ids, "bos_token_id": START_ID, "max_length": max_length, "num_beams": 1}
    preprocessor = {
        "image_processor_type": "ViTImageProcessor",
        "do_resize": True,
        "size": {"height": IMAGE_SIDE, "width": IMAGE_SIDE},
        "resample": 2,
        "do_rescale": True,
        "rescale_factor": 1 / 255,
        "do_normalize": True,
        "image_mean": [0.5, 0.5, 0.5],
        "image_std": [0.5, 0.5, 0.5],
    }
    for name, content in (
        ("config.json", config),
        ("generation_config.json", generation),
        ("preprocessor_config.json", preprocessor),
    ):
        (folder / name).write_text(json.dumps(content, indent=2) + "\n")
