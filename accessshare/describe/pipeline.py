"""The describer: one call per photo gives what it shows, how good it is and what it gives away.

Each photo is decoded once, at most DETECTOR_SIDE pixels on its long side (JPEG draft decoding
does most of the shrinking), and those pixels are shared by every detector. The models run in
two lanes at once, one thread each on two cores. OCR runs only when the text reader's cheap gate
says text is likely. Results are cached by content hash and
``models_key``; a cached description is re-assembled without decoding the photo, so a renamed
photo, a changed manifest label or a different verbosity never costs a model run.
"""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import importlib
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from accessshare.describe import duplicates, fusion, labels, quality, shapes
from accessshare.describe.faces import FaceDetector
from accessshare.describe.metadata import read_metadata
from accessshare.describe.objects import ObjectDetector
from accessshare.describe.onnx_session import lane_count
from accessshare.describe.phrasing import HEDGED, PHRASING_VERSION, STATED, VERBOSITIES, phrase, privacy_reminder
from accessshare.describe.things import ThingClassifier, green_share, sky_share
from accessshare.library.decode import decode_bytes, open_header, open_upright
from accessshare.library.errors import ImageProblem
from accessshare.library.exif import read_facts
from accessshare.library.scanner import ROTATED_ORIENTATIONS, PhotoInfo, Problem, analyse

PIPELINE_VERSION = "5"  # bump when the stored findings change shape or meaning
# 1000, not 1024: a 4000-pixel-wide 12 MP JPEG then decodes at a quarter scale straight to
# 1000 x 750 (JPEG draft decoding); 1024 needed half scale (2000 x 1500) and a resize, 50 ms.
DETECTOR_SIDE = 1000
SHARED_SIDE = 512  # the copy shared by the object detector, classifier, nudity and quality
PERSON_CONFIDENCE = 0.5  # a person this likely is a privacy finding, even when unsure
SCREEN_KINDS = frozenset({"tv screen", "laptop screen", "phone screen", "computer screen"})
DEFAULT_NUDITY_THRESHOLD = 0.8
DEFAULT_TEXT_GATE = 0.5


EXIT_WAIT_SECONDS = 10.0


class DescribeError(Exception):
    """A photo that could not be described; ``str()`` is one plain sentence."""


class _InFlight:
    """Counts model runs under way, so interpreter exit can wait for them.

    Callers such as the app describe on daemon threads. If Python exits while one of them is
    inside onnxruntime, the runtime's thread pools are torn down under it and the process
    aborts ("terminate called without an active exception"). At exit we refuse new runs and
    wait for the running ones to finish.
    """

    def __init__(self):
        self._condition = threading.Condition()
        self._running = 0
        self._closing = False

    def __enter__(self):
        with self._condition:
            if self._closing:
                raise DescribeError("The describer is shutting down.")
            self._running += 1

    def __exit__(self, *exc_info):
        with self._condition:
            self._running -= 1
            self._condition.notify_all()

    def close(self, timeout: float = EXIT_WAIT_SECONDS) -> None:
        with self._condition:
            self._closing = True
            self._condition.wait_for(lambda: self._running == 0, timeout)


_in_flight = _InFlight()
atexit.register(_in_flight.close)
# The second lane of each photo's models (see Describer._run_models), shared by every
# describer: a thread starts on first use, one per photo being described at once, and is
# reused after (each new thread running onnxruntime holds memory of its own).
_second_lanes = ThreadPoolExecutor(max_workers=4, thread_name_prefix="describe-lane")


@dataclass
class Description:
    id: str | None
    path: str
    width: int
    height: int
    label: str | None
    sentence: str
    details: list[str]
    verbosity: str
    objects: list[dict]
    faces: int
    text: list[dict]
    quality: list[str]
    privacy: list[str]
    metadata: dict
    models: dict
    findings: dict = field(default_factory=dict, repr=False)  # what phrasing works from

    @property
    def flagged(self) -> bool:
        return bool(self.privacy or self.quality)

    def to_json(self) -> dict:
        return {
            "id": self.id, "path": self.path, "sentence": self.sentence,
            "details": list(self.details), "objects": self.objects, "faces": self.faces,
            "text": self.text, "quality": list(self.quality), "privacy": list(self.privacy),
            "metadata": self.metadata, "width": self.width, "height": self.height,
            "label": self.label, "models": dict(self.models),
        }

    def privacy_reminder(self) -> str:
        """What sharing this photo gives away, in one sentence ("" when nothing is flagged)."""
        return privacy_reminder(self.findings)

    def rephrased(self, verbosity: str) -> "Description":
        """The same findings in other words; no model runs."""
        sentence, details = phrase(self.findings, verbosity)
        return dataclasses.replace(self, sentence=sentence, details=details, verbosity=verbosity)


@dataclass
class DescribeFailure:
    path: str
    error: str

    def to_json(self) -> dict:
        return {"path": self.path, "error": self.error}


def optional_module(name: str):
    """A detector module written alongside this one; None until it exists."""
    qualified = f"accessshare.describe.{name}"
    try:
        return importlib.import_module(qualified)
    except ModuleNotFoundError as error:
        if error.name == qualified:
            return None
        raise


def constant(module, names: tuple[str, ...], default: float) -> float:
    for name in names:
        if hasattr(module, name):
            return float(getattr(module, name))
    return default


class Describer:
    """Describes photos; create once, ``describe`` is thread-safe."""

    def __init__(self, *, cache=None, caption_model: Path | None = None, verbosity: str = "brief",
                 models_dir: Path | None = None):
        if verbosity not in VERBOSITIES:
            raise ValueError(f"verbosity must be one of {', '.join(VERBOSITIES)}")
        self.cache = cache
        self.verbosity = verbosity
        self.caption_problem: str | None = None
        self.duplicates = duplicates.DuplicateIndex()
        self._names: dict[str, str] = {}  # photo id -> file name, to say which photo a twin is
        self.objects = ObjectDetector()
        self.faces = FaceDetector()
        self.things = ThingClassifier()
        self._text_module = optional_module("text")
        self._nudity_module = optional_module("nudity")
        self._screens_module = optional_module("screens")
        self.text_reader = self._text_module.TextReader(min_confidence=0.5) if self._text_module else None
        self.nudity = self._nudity_module.NudityScorer() if self._nudity_module else None
        self.text_gate = constant(self._text_module, ("TEXT_GATE_THRESHOLD", "TEXT_LIKELIHOOD_THRESHOLD",
                                                      "GATE_THRESHOLD", "TEXT_GATE"), DEFAULT_TEXT_GATE)
        self.nudity_threshold = constant(self._nudity_module, ("NUDITY_THRESHOLD",),
                                         DEFAULT_NUDITY_THRESHOLD)
        self.captioner = self._open_captioner(caption_model, models_dir)
        self._load_lock = threading.Lock()
        self._loaded = False
        # One photo's OCR at a time: it is the largest model run (hundreds of MB of buffers),
        # and two at once on two cores only doubled peak memory. Redaction's text search takes
        # it too.
        self.ocr_lock = threading.Lock()
        self.models = self._model_versions()
        self.models_key = ";".join(f"{name}={version}" for name, version in self.models.items())
        self.models_key += f";phrasing={PHRASING_VERSION};pipeline={PIPELINE_VERSION}"

    # ---- set-up --------------------------------------------------------------------------

    def _open_captioner(self, caption_model: Path | None, models_dir: Path | None):
        captioner_module = optional_module("captioner")
        if captioner_module is None:
            return None
        folder = caption_model
        if folder is None and models_dir is not None:
            folder = captioner_module.find_caption_model(Path(models_dir))
        if folder is None:
            return None
        try:
            return captioner_module.Captioner(folder)
        except captioner_module.CaptionModelError as error:
            self._caption_failed(error)
            return None

    def _caption_failed(self, error: Exception) -> None:
        self.caption_problem = (f"The caption model cannot be used, so photos are described by the "
                                f"object and face detectors instead. {error}")
        self.captioner = None

    def _model_versions(self) -> dict[str, str]:
        models = {"objects": self.objects.version, "faces": self.faces.version,
                  "things": self.things.version}
        if self.text_reader is not None:
            models["text"] = self.text_reader.version
        if self.nudity is not None:
            models["nudity"] = self.nudity.version
        if self._screens_module is not None:
            models["screens"] = str(getattr(self._screens_module, "VERSION", "1"))
        if self.captioner is not None:
            models["caption"] = self.captioner.version
        return models

    def load(self) -> None:
        """Create every model session now (else each loads on first use)."""
        with self._load_lock:
            if self._loaded:
                return
            self.objects.load()
            self.faces.load()
            self.things.load()
            for model in (self.text_reader, self.nudity):
                if model is not None:
                    model.load()
            if self.captioner is not None:
                try:
                    self.captioner.load()
                except Exception as error:  # noqa: BLE001 - any broken model falls back
                    self._caption_failed(error)
            self._loaded = True

    # ---- describing ----------------------------------------------------------------------

    def describe(self, photo: PhotoInfo | str | Path) -> Description:
        """Describe one photo; raises ImageProblem for one that cannot be read."""
        info, stored = self._findings(photo)
        return self._assemble(info, stored)

    def describe_copy(self, data: bytes, name: str) -> Description:
        """Describe an image held in memory (a redacted copy about to be written), exactly as
        a file with these bytes would be, but without the cache or the near-duplicate index:
        the copy is not a photo of the dataset. Raises ImageProblem if it cannot be decoded."""
        info = info_from_bytes(data, name)
        with _in_flight:
            self.load()
            stored = self._run_models(decode_bytes(data, Path(name), max_side=DETECTOR_SIDE))
        return self._assemble(info, stored, remember=False)

    @staticmethod
    def model_run():
        """A context for model runs made outside ``describe`` (redaction's own searches), so
        that interpreter exit waits for them as it does for descriptions."""
        return _in_flight

    def describe_many(self, photos: Iterable[PhotoInfo | str | Path], workers: int | None = None,
                      progress: Callable[[Description | DescribeFailure], Any] | None = None
                      ) -> Iterator[Description | DescribeFailure]:
        """Describe in a thread pool, in the given order; failures come back, not raised.

        Models run in the pool; results are assembled here, in order, so the later photo of a
        near-duplicate pair is the one that names the earlier, whatever the threads' timing.
        """
        self.load()
        with ThreadPoolExecutor(max_workers=workers or 2) as pool:
            for found in pool.map(self._findings_or_failure, photos):
                result = found if isinstance(found, DescribeFailure) else self._assemble_or_failure(*found)
                if progress is not None:
                    progress(result)
                yield result

    def start_dataset(self) -> None:
        """Forget the photos seen so far, so near-duplicates are only found within one dataset."""
        self.duplicates = duplicates.DuplicateIndex()
        self._names = {}

    def forget_photo(self, photo_id: str) -> None:
        """A deleted photo is nobody's near-duplicate any more."""
        self.duplicates.remove(photo_id)
        self._names.pop(photo_id, None)

    def twins_of(self, photo_id: str) -> list[str]:
        """Photos described so far that are near-duplicates of this one, closest first."""
        return self.duplicates.near_duplicates_of(photo_id)

    def _findings(self, photo: PhotoInfo | str | Path) -> tuple[PhotoInfo, dict]:
        """The model findings, from the cache or by running the models."""
        info = photo if isinstance(photo, PhotoInfo) else photo_info(Path(photo))
        stored = self.cache.get(info.id, self.models_key) if self.cache is not None else None
        if not stored or "hash" not in stored:
            with _in_flight:
                self.load()
                stored = self._run_models(open_upright(info.path, max_side=DETECTOR_SIDE))
            if self.cache is not None:
                self.cache.put(info.id, self.models_key, stored)
        return info, stored

    def _findings_or_failure(self, photo) -> tuple[PhotoInfo, dict] | DescribeFailure:
        path = str(photo.path if isinstance(photo, PhotoInfo) else photo)
        try:
            return self._findings(photo)
        except (ImageProblem, DescribeError) as problem:
            return DescribeFailure(path, str(problem))
        except Exception as error:  # noqa: BLE001 - one bad photo must not stop the rest
            return DescribeFailure(path, f"The photo {Path(path).name} could not be described: {error}")

    def _assemble_or_failure(self, info: PhotoInfo, stored: dict) -> Description | DescribeFailure:
        try:
            return self._assemble(info, stored)
        except Exception as error:  # noqa: BLE001 - one bad photo must not stop the rest
            return DescribeFailure(str(info.path), f"The photo {Path(info.path).name} could not be "
                                                   f"described: {error}")

    def _run_models(self, image: Image.Image) -> dict:
        """Every model's findings on an upright photo at most DETECTOR_SIDE on its long side.

        The models are independent, so they run in two lanes at once (onnxruntime lets go of
        the interpreter lock while it computes): the text gate and nudity beside the object
        detector, classifier and faces, about 110 ms of work each on one core. Reading text,
        the one long run, follows alone with every thread."""
        # One smaller copy for every model that looks at the whole photo at 512 px or less;
        # the full copy is for reading text and a second look at faces.
        small = shrunk(image, SHARED_SIDE)
        seen, looked = self._side_by_side((self._look_for_things, image, small),
                                          (self._look_for_privacy, image, small))
        objects, faces, classified = seen["objects"], seen["faces"], seen["classified"]
        lines = self._read_text(image) if looked["text_likely"] else []
        screens = self._screens(image, objects, lines)
        things = [thing.to_json() for thing in classified.things]
        subject = quality.main_subject(objects, faces, things)
        measured = quality.assess(
            small, subject["box"] if subject else None, part=subject["part"] if subject else "object",
            sky=looked["sky"] >= fusion.SKY_MIN,
            printed=bool(lines) and any(s["kind"] in fusion.DOCUMENT_FINDINGS for s in screens))
        round_objects = seen["round"]
        return {
            "caption": self._caption(image),
            "objects": objects,
            "things": things,
            "kinds": classified.kinds,
            "small_round": classified.small_round,
            "round": round_objects.to_json() if round_objects else None,
            "texture": seen["texture"],
            "sky": looked["sky"],
            "green": looked["green"],
            "faces": faces,
            "text": [{"text": line.text, "confidence": float(line.confidence),
                      "box": [float(v) for v in line.box]} for line in lines],
            # the gate found lines of text but none could be read (handwriting, a tilted page)
            "text_unread": looked["text_likely"] and not lines,
            "pii": [p.kind for p in self._text_module.find_personal_data(lines)] if lines else [],
            "screens": screens,
            "nudity": looked["nudity"],
            "quality": {**measured.to_json(), "subject": subject["label"] if subject else None,
                        "dark": measured.dark, "bright": measured.bright,
                        "low_contrast": measured.low_contrast},
            "hash": duplicates.hash_to_hex(duplicates.dhash(small)),
        }

    def _side_by_side(self, first: tuple, second: tuple) -> tuple[Any, Any]:
        """Run ``first`` here and ``second`` in a lane thread at once, each a (function,
        *arguments) tuple, and return both results; one after the other when there are threads
        for only one lane. Both have finished before any error is raised, so no model run
        outlives the call (interpreter exit waits only for calls, see _InFlight)."""
        if lane_count() < 2:
            return first[0](*first[1:]), second[0](*second[1:])
        pending = _second_lanes.submit(*second)
        try:
            here = first[0](*first[1:])
        finally:
            wait([pending])
        return here, pending.result()

    def _look_for_things(self, image: Image.Image, small: Image.Image) -> dict:
        """Objects, faces, things and scenes, and the round outlines and textures said when
        nothing else is sure."""
        objects = [o.to_json() for o in self.objects.detect(small)]
        classified = self.things.classify(small)
        faces = [{"confidence": f.confidence, "box": list(f.box)} for f in self.faces.detect(image)]
        # Round outlines and textures are only said when nothing is stated: skip them (about
        # 10 ms) when a model is already sure on its own.
        sure = (any(o["confidence"] >= STATED for o in objects)
                or any(t.confidence >= fusion.THING_STATED for t in classified.things)
                or any(f["confidence"] >= fusion.SURE_FACE for f in faces))
        return {"objects": objects, "faces": faces, "classified": classified,
                "round": None if sure else shapes.round_objects(small),
                "texture": not sure and shapes.even_texture(small)}

    def _look_for_privacy(self, image: Image.Image, small: Image.Image) -> dict:
        """Whether text is likely (the gate shrinks the full copy itself: from the shared
        512 px copy it saw text in a cat's fur), nudity, and the sky and greenery shares."""
        text_likely = (self.text_reader is not None
                       and self.text_reader.text_likelihood(image) >= self.text_gate)
        return {"text_likely": text_likely,
                "nudity": float(self.nudity.score(small)) if self.nudity is not None else None,
                "sky": sky_share(small), "green": green_share(small)}

    def _read_text(self, image: Image.Image) -> list:
        """The lines read, once the gate has found text likely."""
        with self.ocr_lock:
            return self.text_reader.read(image)

    def _caption(self, image: Image.Image) -> str | None:
        captioner = self.captioner
        if captioner is None:
            return None
        try:
            return captioner.caption(image)
        except Exception as error:  # noqa: BLE001 - fall back to the detectors
            self._caption_failed(error)
            return None

    def _assemble(self, info: PhotoInfo, stored: dict, remember: bool = True) -> Description:
        """Add what depends on the file and the dataset (EXIF, label, duplicates) and phrase it.
        With ``remember`` false the photo joins no near-duplicate pair (a copy of a photo)."""
        if remember:
            self.duplicates.add(info.id, duplicates.hash_from_hex(stored["hash"]))
            self._names[info.id] = Path(info.path).name
        metadata = read_metadata(info.exif)
        findings = {**stored, "quality": dict(stored["quality"])}
        twins = self.duplicates.near_duplicates_of(info.id) if remember else []
        findings["quality"]["duplicate"] = self._names.get(twins[0], "another photo") if twins else None
        findings["metadata"] = {**metadata.to_json(), "identifiers": list(metadata.identifiers)}
        seen = [o["label"] for o in stored["objects"] if o["confidence"] >= HEDGED]
        seen += [screen["kind"] for screen in stored.get("screens", [])]
        seen += [t["coco"] for t in stored.get("things", []) if t["coco"] and t["confidence"] >= fusion.THING_HEDGED]
        check = labels.check_label(info.label, seen, stored.get("caption"))
        findings["label"] = dataclasses.asdict(check) if check else None
        findings["privacy"] = privacy_flags(findings, metadata.flags, self.nudity_threshold)
        findings["quality_flags"] = quality_flags(findings["quality"])
        sentence, details = phrase(findings, self.verbosity)
        return Description(
            id=info.id, path=str(info.path), width=info.width, height=info.height,
            label=info.label, sentence=sentence, details=details, verbosity=self.verbosity,
            objects=stored["objects"], faces=len(stored["faces"]),
            text=[{"text": t["text"], "confidence": t["confidence"]} for t in stored["text"]],
            quality=findings["quality_flags"], privacy=findings["privacy"],
            metadata=metadata.to_json(), models=dict(self.models), findings=findings,
        )

    def _screens(self, image: Image.Image, objects: list[dict], lines: list) -> list[dict]:
        """Screens and documents follow from the objects and text (no model of their own)."""
        if self._screens_module is None:
            return []
        from accessshare.describe.objects import DetectedObject

        detected = [DetectedObject(o["label"], o["confidence"], tuple(o["box"])) for o in objects]
        found = self._screens_module.find_screens_and_documents(detected, lines, *image.size)
        return [{"kind": s.kind, "confidence": float(s.confidence), "box": [float(v) for v in s.box]}
                for s in found]


def shrunk(image: Image.Image, side: int) -> Image.Image:
    """``image`` with its long side at most ``side`` (box-averaged, so fine detail does not alias)."""
    if max(image.size) <= side:
        return image
    scale = side / max(image.size)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)


def photo_info(path: Path) -> PhotoInfo:
    """Hash and read the header of a loose file, as the scanner does."""
    found = analyse(path, path.name)
    if isinstance(found, Problem):
        raise ImageProblem(path, found.message)
    return found


def info_from_bytes(data: bytes, name: str) -> PhotoInfo:
    """What the scanner would record for a file holding ``data`` (its upright size and EXIF)."""
    path = Path(name)
    header = open_header(data, path)
    facts = read_facts(header)
    width, height = header.size
    if facts.orientation in ROTATED_ORIENTATIONS:
        width, height = height, width
    return PhotoInfo(id=hashlib.sha256(data).hexdigest(), path=path, relpath=path.name,
                     size=len(data), mtime=0.0, width=width, height=height,
                     format=header.format, exif=facts)


def privacy_flags(findings: dict, metadata_flags: list[str], nudity_threshold: float) -> list[str]:
    kinds = {screen["kind"] for screen in findings.get("screens", [])}
    nudity = findings.get("nudity")
    present = {
        "face": bool(findings["faces"]),
        "person": any(o["label"] == "person" and o["confidence"] >= PERSON_CONFIDENCE
                      for o in findings["objects"]),
        "text": bool(findings["text"]) or bool(findings.get("text_unread")),
        "pii-text": bool(findings["pii"]),
        "screen": bool(kinds & SCREEN_KINDS),
        "document": bool(kinds - SCREEN_KINDS),
        "nudity": nudity is not None and nudity >= nudity_threshold,
        "location": "location" in metadata_flags,
        "device-id": "device-id" in metadata_flags,
    }
    return [flag for flag, on in present.items() if on]


def quality_flags(measured: dict) -> list[str]:
    present = {
        "blurry": bool(measured.get("blur")), "dark": bool(measured.get("dark")),
        "bright": bool(measured.get("bright")), "low-contrast": bool(measured.get("low_contrast")),
        "cropped": bool(measured.get("cropped_edges")), "small": bool(measured.get("small")),
        "duplicate": bool(measured.get("duplicate")),
    }
    return [flag for flag, on in present.items() if on]
