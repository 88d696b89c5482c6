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


def build_tiny_captioner(
    folder: Path,
    sentence_words: Sequence[str] = DEFAULT_WORDS,
    *,
    ends: bool = True,
    max_length: int = 20,
) -> Path:
    """Write the tiny model into ``folder`` (created if needed) and return ``folder``.

    Greedy decoding yields ``sentence_words`` then the end token. With ``ends=False`` the last
    word leads back to the first, so the sentence never ends and only a length limit stops it.
    The words must be distinct: the next word depends only on the last one.
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
    onnx.save(decoder_graph(transitions(len(vocab), word_ids, ends)), folder / "decoder_model.onnx")
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
