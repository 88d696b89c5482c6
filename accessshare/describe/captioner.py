"""A user-supplied generative captioner: a vision-encoder-decoder in the Optimum ONNX layout.

No captioning model ships its weights in a package (see MODELS.md), so users may put one in the
models folder: ``encoder_model.onnx``, ``decoder_model.onnx`` (or ``decoder_model_merged.onnx``),
``tokenizer.json``, ``config.json``, ``preprocessor_config.json`` and usually
``generation_config.json``, as ``optimum-cli export onnx`` writes them for ViT-GPT2, BLIP or GIT.

The encoder turns ``pixel_values`` [batch, 3, H, W] into ``last_hidden_state``; the decoder
turns ``input_ids`` [batch, seq] and ``encoder_hidden_states`` into ``logits``
[batch, seq, vocab]. Decoding is greedy, or a beam search when generation_config.json asks for
``num_beams`` > 1. The merged decoder is preferred: it is fed its own key/value cache, so each
step costs one token. The plain decoder, re-run on the whole sequence each step, is the fallback
when there is no merged one or it cannot be loaded or run.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from accessshare.describe.onnx_session import get_session

ENCODER_FILE = "encoder_model.onnx"
# The merged decoder keeps a key/value cache, so each step costs one token instead of the whole
# sentence so far; the plain one is the fallback if the merged one cannot be run.
DECODER_FILES = ("decoder_model_merged.onnx", "decoder_model.onnx")
REQUIRED_JSON = ("config.json", "preprocessor_config.json", "tokenizer.json")
OPTIONAL_JSON = ("generation_config.json",)  # older exports leave it out; config.json has the ids
DEFAULT_MAX_NEW_TOKENS = 20  # Hugging Face's default max_length, less the start token

# PIL filters by the numbers Hugging Face's image processors store in "resample".
RESAMPLE_FILTERS = {
    0: Image.Resampling.NEAREST,
    1: Image.Resampling.LANCZOS,
    2: Image.Resampling.BILINEAR,
    3: Image.Resampling.BICUBIC,
    4: Image.Resampling.BOX,
    5: Image.Resampling.HAMMING,
}


class CaptionModelError(Exception):
    """The caption model folder is missing something or holds something unusable."""


@dataclass(frozen=True)
class TokenIds:
    start: int
    eos: frozenset[int]


class Captioner:
    """Captions photos with the model in ``folder``; checks the folder's layout at once."""

    def __init__(self, folder: str | Path, max_new_tokens: int | None = None):
        self.folder = Path(folder)
        self.decoder_files = check_layout(self.folder)
        self.config = read_json(self.folder, "config.json")
        self.preprocessor = read_json(self.folder, "preprocessor_config.json")
        read_json(self.folder, "tokenizer.json")  # fail now, not on the first photo
        generation_path = self.folder / "generation_config.json"
        self.generation = (
            read_json(self.folder, "generation_config.json") if generation_path.is_file() else {}
        )
        self.token_ids = token_ids(self.folder, self.config, self.generation)
        self.max_new_tokens = max_new_tokens or default_max_new_tokens(self.config, self.generation)
        self.num_beams = positive_int(self.generation.get("num_beams"), default=1)
        self.length_penalty = float(self.generation.get("length_penalty", 1.0))
        self._lock = threading.Lock()
        self._encoder = None
        self._decoder = None
        self._tokenizer = None

    @property
    def decoder_file(self) -> str:
        """The decoder in use: the merged one unless it failed and a plain one exists."""
        return self.decoder_files[0]

    @property
    def version(self) -> str:
        """Names the model and changes whenever one of its files does (for description caches)."""
        digest = hashlib.sha256()
        for path in sorted(self.folder.glob("*.onnx")) + [self.folder / n for n in REQUIRED_JSON]:
            stat = path.stat() if path.exists() else None
            stamp = f"{stat.st_size}:{stat.st_mtime_ns}" if stat else "missing"
            digest.update(f"{path.name}:{stamp}\n".encode())
        return f"caption:{self.folder.name}:{digest.hexdigest()[:12]}"

    def load(self) -> None:
        """Open both models and the tokenizer (once); a broken file raises CaptionModelError."""
        with self._lock:
            if self._decoder is not None:
                return
            encoder = EncoderRunner(self.folder, open_session(self.folder, ENCODER_FILE))
            decoder = self.open_decoder()
            self._tokenizer = open_tokenizer(self.folder)
            self._encoder = encoder
            self._decoder = decoder

    def open_decoder(self) -> DecoderRunner:
        """The first decoder file that opens; if none does, the error about the preferred one."""
        first_error = None
        while True:
            try:
                session = open_session(self.folder, self.decoder_file)
                return DecoderRunner(self.folder, self.decoder_file, session)
            except CaptionModelError as error:
                first_error = first_error or error
                if len(self.decoder_files) == 1:
                    raise first_error from None
                self.decoder_files = self.decoder_files[1:]

    def caption(self, image: Image.Image | np.ndarray) -> str:
        """One sentence about ``image`` (PIL image or HxWx3 uint8 RGB), first letter capitalised."""
        self.load()
        pixels = preprocess_image(image, self.preprocessor)
        try:
            hidden = self._encoder.run(pixels)
        except Exception as error:  # onnxruntime's errors are private classes
            raise CaptionModelError(
                f"{ENCODER_FILE} in the caption model folder {self.folder} failed on this photo"
                f" ({first_line(error)})."
            ) from error
        tokens = self.decode(hidden)
        text = self._tokenizer.decode(tokens, skip_special_tokens=True).strip()
        return text[:1].upper() + text[1:]

    def decode(self, hidden: np.ndarray) -> list[int]:
        """Token ids of the caption; falls back to the plain decoder if the merged one fails."""
        decoder = self._decoder
        try:
            if self.num_beams > 1:
                return decoder.beam_search(
                    hidden, self.token_ids, self.max_new_tokens, self.num_beams, self.length_penalty
                )
            return decoder.greedy(hidden, self.token_ids, self.max_new_tokens)
        except CaptionModelError:
            raise
        except Exception as error:
            if self.switch_to_plain_decoder(decoder):
                return self.decode(hidden)
            raise CaptionModelError(
                f"{self.decoder_file} in the caption model folder {self.folder} failed while"
                f" writing a caption ({first_line(error)})."
            ) from error

    def switch_to_plain_decoder(self, failed: DecoderRunner) -> bool:
        """Whether another decoder now replaces ``failed`` (False: nothing left to try)."""
        with self._lock:
            if self._decoder is not failed:  # another thread has switched already
                return True
            if len(self.decoder_files) == 1:
                return False
            self.decoder_files = self.decoder_files[1:]
            self._decoder = self.open_decoder()
            return True


def find_caption_model(models_dir: Path) -> Path | None:
    """The first subfolder (by name) of ``models_dir`` holding an encoder and a decoder."""
    models_dir = Path(models_dir)
    if not models_dir.is_dir():
        return None
    for folder in sorted(p for p in models_dir.iterdir() if p.is_dir()):
        if (folder / ENCODER_FILE).is_file() and any((folder / d).is_file() for d in DECODER_FILES):
            return folder
    return None


# --- checking the folder -------------------------------------------------------------------


def check_layout(folder: Path) -> list[str]:
    """The decoder files present, preferred first; raises CaptionModelError naming what lacks."""
    if not folder.is_dir():
        raise CaptionModelError(f"The caption model folder {folder} does not exist.")
    if not (folder / ENCODER_FILE).is_file():
        raise CaptionModelError(f"The caption model folder {folder} has no {ENCODER_FILE}.")
    decoders = [d for d in DECODER_FILES if (folder / d).is_file()]
    if not decoders:
        raise CaptionModelError(
            f"The caption model folder {folder} has no {DECODER_FILES[1]} or {DECODER_FILES[0]}."
        )
    for name in REQUIRED_JSON:
        if not (folder / name).is_file():
            raise CaptionModelError(f"The caption model folder {folder} has no {name}.")
    return decoders


def read_json(folder: Path, name: str) -> dict:
    path = folder / name
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise CaptionModelError(
            f"{name} in the caption model folder {folder} is not valid JSON at line {error.lineno}"
            f" ({error.msg})."
        ) from error
    except (OSError, UnicodeDecodeError) as error:
        raise CaptionModelError(
            f"{name} in the caption model folder {folder} cannot be read ({error})."
        ) from error
    if not isinstance(content, dict):
        raise CaptionModelError(f"{name} in the caption model folder {folder} is not a JSON object.")
    return content


def first_setting(key: str, *sources: dict):
    """The first value of ``key`` that any source (generation config, config, its decoder) sets."""
    for source in sources:
        value = source.get(key)
        if value is not None:
            return value
    return None


def token_ids(folder: Path, config: dict, generation: dict) -> TokenIds:
    decoder_config = config.get("decoder") if isinstance(config.get("decoder"), dict) else {}
    sources = (generation, config, decoder_config)
    # Encoder-decoders name the start token decoder_start_token_id; GPT-2 style decoders only bos.
    start = first_setting("decoder_start_token_id", *sources)
    if start is None:
        start = first_setting("bos_token_id", *sources)
    if not isinstance(start, int):
        raise CaptionModelError(
            f"Neither generation_config.json nor config.json in the caption model folder {folder}"
            " gives a whole-number decoder_start_token_id or bos_token_id."
        )
    eos = first_setting("eos_token_id", *sources)
    eos_ids = eos if isinstance(eos, list) else [] if eos is None else [eos]
    return TokenIds(start=start, eos=frozenset(int(i) for i in eos_ids))


def positive_int(value, default: int) -> int:
    return value if isinstance(value, int) and value > 0 else default


def default_max_new_tokens(config: dict, generation: dict) -> int:
    if isinstance(generation.get("max_new_tokens"), int):
        return generation["max_new_tokens"]
    max_length = first_setting("max_length", generation, config)
    if isinstance(max_length, int) and max_length > 1:
        return max_length - 1  # Hugging Face counts the start token in max_length
    return DEFAULT_MAX_NEW_TOKENS


# --- loading -------------------------------------------------------------------------------


def open_session(folder: Path, name: str):
    try:
        return get_session(folder / name)
    except FileNotFoundError as error:
        raise CaptionModelError(f"The caption model folder {folder} has no {name}.") from error
    except Exception as error:  # onnxruntime raises several private exception types
        raise CaptionModelError(
            f"{name} in the caption model folder {folder} cannot be loaded; it is not a usable"
            f" ONNX model ({first_line(error)})."
        ) from error


def open_tokenizer(folder: Path):
    from tokenizers import Tokenizer

    try:
        return Tokenizer.from_file(str(folder / "tokenizer.json"))
    except Exception as error:  # tokenizers raises a bare Exception for unreadable files
        raise CaptionModelError(
            f"tokenizer.json in the caption model folder {folder} is not a tokenizer the"
            f" tokenizers package can read ({first_line(error)})."
        ) from error


def first_line(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:200] if lines else type(error).__name__


# --- preprocessing -------------------------------------------------------------------------


def preprocess_image(image: Image.Image | np.ndarray, settings: dict) -> np.ndarray:
    """``pixel_values`` [1, 3, H, W] float32, as the model's Hugging Face image processor makes it."""
    if not isinstance(image, Image.Image):
        image = Image.fromarray(np.asarray(image, dtype=np.uint8))
    picture = image.convert("RGB")
    if settings.get("do_resize", True):
        picture = resized(picture, settings)
    if settings.get("do_center_crop"):
        picture = center_cropped(picture, settings.get("crop_size"))
    pixels = np.asarray(picture, dtype=np.float32)
    if settings.get("do_rescale", True):
        pixels = pixels * float(settings.get("rescale_factor", 1 / 255))
    if settings.get("do_normalize", True):
        mean = per_channel(settings.get("image_mean", 0.5))
        std = per_channel(settings.get("image_std", 0.5))
        pixels = (pixels - mean) / std
    return np.ascontiguousarray(pixels.transpose(2, 0, 1)[np.newaxis], dtype=np.float32)


def per_channel(value) -> np.ndarray:
    values = np.asarray(value, dtype=np.float32).reshape(-1)
    return np.broadcast_to(values, (3,)) if values.size == 1 else values[:3]


def resized(picture: Image.Image, settings: dict) -> Image.Image:
    size = settings.get("size", 224)
    resample = RESAMPLE_FILTERS.get(settings.get("resample", 2), Image.Resampling.BILINEAR)
    if isinstance(size, int):
        size = {"height": size, "width": size}
    if "shortest_edge" in size:  # CLIP-style (GIT): scale the short side, keep the aspect ratio
        short = int(size["shortest_edge"])
        scale = short / min(picture.size)
        target = (max(short, round(picture.width * scale)), max(short, round(picture.height * scale)))
    else:
        target = (int(size["width"]), int(size["height"]))
    return picture.resize(target, resample)


def center_cropped(picture: Image.Image, crop_size) -> Image.Image:
    if crop_size is None:
        return picture
    if isinstance(crop_size, int):
        crop_size = {"height": crop_size, "width": crop_size}
    width, height = int(crop_size["width"]), int(crop_size["height"])
    left = (picture.width - width) // 2
    top = (picture.height - height) // 2
    return picture.crop((left, top, left + width, top + height))


# --- running -------------------------------------------------------------------------------


class EncoderRunner:
    def __init__(self, folder: Path, session):
        inputs = session.get_inputs()
        names = [i.name for i in inputs]
        if "pixel_values" in names:
            self.input_name = "pixel_values"
        elif len(inputs) == 1:
            self.input_name = names[0]
        else:
            unknown = ", ".join(n for n in names)
            raise CaptionModelError(
                f"The encoder in the caption model folder {folder} expects inputs {unknown};"
                " AccessShare only knows pixel_values."
            )
        outputs = [o.name for o in session.get_outputs()]
        self.output_name = "last_hidden_state" if "last_hidden_state" in outputs else outputs[0]
        self.session = session

    def run(self, pixels: np.ndarray) -> np.ndarray:
        return self.session.run([self.output_name], {self.input_name: pixels})[0]


class DecoderRunner:
    """Feeds the decoder by input name, so exports with extra masks or a cache also work."""

    def __init__(self, folder: Path, file_name: str, session):
        self.session = session
        self.inputs = {i.name: i for i in session.get_inputs()}
        self.past_names = [n for n in self.inputs if n.startswith("past_key_values")]
        known = {"input_ids", "encoder_hidden_states", "attention_mask", "encoder_attention_mask",
                 "use_cache_branch", *self.past_names}  # fmt: skip
        for name in self.inputs:
            if name not in known:
                raise CaptionModelError(
                    f"The decoder {file_name} in the caption model folder {folder} expects input"
                    f" {name} that AccessShare does not know."
                )
        for needed in ("input_ids", "encoder_hidden_states"):
            if needed not in self.inputs:
                raise CaptionModelError(
                    f"The decoder {file_name} in the caption model folder {folder} has no"
                    f" {needed} input, so it is not a vision-encoder-decoder's decoder."
                )
        outputs = [o.name for o in session.get_outputs()]
        self.logits_name = "logits" if "logits" in outputs else outputs[0]
        self.present_names = [n for n in outputs if n.startswith("present")]
        # Optimum pairs present.0.key (output) with past_key_values.0.key (next step's input).
        self.cache_names = [n.replace("present", "past_key_values", 1) for n in self.present_names]
        self.uses_cache = bool(self.past_names) and set(self.cache_names) == set(self.past_names)
        if self.past_names and not self.uses_cache:
            raise CaptionModelError(
                f"The decoder {file_name} in the caption model folder {folder} takes a key/value"
                " cache but does not return one in a way AccessShare understands."
            )

    def greedy(self, hidden: np.ndarray, ids: TokenIds, max_new_tokens: int) -> list[int]:
        """Most likely token at each step until an end token or ``max_new_tokens`` tokens."""
        tokens = [ids.start]
        past = self.empty_cache(hidden) if self.uses_cache else None
        for _ in range(max_new_tokens):
            logits, past = self.step(tokens, hidden, past)
            following = int(np.argmax(logits[0, -1]))
            if following in ids.eos:
                break
            tokens.append(following)
        return tokens[1:]

    def beam_search(
        self,
        hidden: np.ndarray,
        ids: TokenIds,
        max_new_tokens: int,
        num_beams: int,
        length_penalty: float = 1.0,
    ) -> list[int]:
        """The likeliest whole caption among ``num_beams`` kept at each step (one run per beam).

        Like Hugging Face, a finished caption scores its summed log-probability divided by its
        length to the power ``length_penalty``; the search ends once ``num_beams`` captions have
        finished and no open one can still beat the best, or at ``max_new_tokens``.
        """
        first_past = self.empty_cache(hidden) if self.uses_cache else None
        beams = [Beam([ids.start], 0.0, first_past)]
        finished: list[tuple[float, list[int]]] = []
        for _ in range(max_new_tokens):
            candidates = []
            for beam in beams:
                logits, past = self.step(beam.tokens, hidden, beam.past)
                scores = log_softmax(logits[0, -1])
                for token in np.argsort(scores)[::-1][: 2 * num_beams]:
                    candidates.append((beam.score + float(scores[token]), beam, int(token), past))
            candidates.sort(key=lambda c: c[0], reverse=True)
            beams = []
            for score, beam, token, past in candidates:
                if token in ids.eos:
                    length = len(beam.tokens)  # new tokens including the end token
                    finished.append((score / length**length_penalty, beam.tokens[1:]))
                else:
                    beams.append(Beam([*beam.tokens, token], score, past))
                if len(beams) == num_beams:
                    break
            if search_is_over(finished, beams, num_beams, length_penalty):
                break
        finished += [(b.score / (len(b.tokens) - 1) ** length_penalty, b.tokens[1:]) for b in beams]
        return max(finished, key=lambda f: f[0])[1]

    def step(self, tokens: list[int], hidden: np.ndarray, past: dict | None):
        cached = past is not None and bool(past.get("filled"))
        step_ids = tokens[-1:] if cached else tokens
        feed = {
            "input_ids": np.array([step_ids], dtype=np.int64),
            "encoder_hidden_states": hidden,
        }
        if "attention_mask" in self.inputs:
            feed["attention_mask"] = np.ones((1, len(tokens)), dtype=np.int64)
        if "encoder_attention_mask" in self.inputs:
            feed["encoder_attention_mask"] = np.ones(hidden.shape[:2], dtype=np.int64)
        if "use_cache_branch" in self.inputs:
            feed["use_cache_branch"] = np.array([cached], dtype=bool)
        if past is not None:
            feed.update(past["values"])
        outputs = self.session.run([self.logits_name, *self.present_names], feed)
        if not self.uses_cache:
            return outputs[0], None
        values = dict(zip(self.cache_names, outputs[1:]))
        if cached:
            # The cross-attention cache depends only on the image: the merged decoder computes it
            # on the first step and returns empty tensors afterwards, so keep the first ones.
            values.update({n: v for n, v in past["values"].items() if ".encoder." in n})
        return outputs[0], {"filled": True, "values": values}

    def empty_cache(self, hidden: np.ndarray) -> dict:
        """Zero-length key/value tensors for the first step (the merged decoder ignores them)."""
        values = {}
        for name in self.past_names:
            declared = self.inputs[name]
            shape = [self.cache_dim(d, i) for i, d in enumerate(declared.shape)]
            dtype = np.float16 if "float16" in declared.type else np.float32
            values[name] = np.zeros(shape, dtype=dtype)
        return {"filled": False, "values": values}

    @staticmethod
    def cache_dim(dim, index: int) -> int:
        if isinstance(dim, int):
            return dim
        return 1 if index == 0 else 0  # batch of one; the unnamed sequence length starts empty


@dataclass
class Beam:
    tokens: list[int]  # the start token, then the caption so far
    score: float  # summed log-probability
    past: dict | None  # the merged decoder's cache after these tokens


def log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits.astype(np.float64) - logits.max()
    return shifted - np.log(np.exp(shifted).sum())


def search_is_over(finished, beams, num_beams: int, length_penalty: float) -> bool:
    if not beams:
        return True
    if len(finished) < num_beams:
        return False
    # Hugging Face's default heuristic: judge an open beam as if it ended with the next token.
    best_open = max(b.score / len(b.tokens) ** length_penalty for b in beams)
    return max(f[0] for f in finished) >= best_open
