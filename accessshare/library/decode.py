"""Safe decoding: every later step sees the photo upright, in RGB, within a pixel limit."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from accessshare.library.errors import ImageProblem, describe_os_error
from accessshare.library.files import FileTooLarge, NotRegularFile, read_regular

DEFAULT_MAX_PIXELS = 100_000_000  # 100 megapixels: larger than any phone photo
MAX_PHOTO_BYTES = 1 << 30  # 1 GiB: decoding reads the whole file, so bigger ones are refused
IMAGE_EXTENSIONS = frozenset(
    {".jpg", ".jpeg", ".jpe", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".heif"}
)
# Pillow's own bomb guard would raise on open; ours checks the header first and explains.
Image.MAX_IMAGE_PIXELS = None
_heif_registered = False


def register_heif() -> None:
    """Let Pillow read HEIC/HEIF, which phones save by default."""
    global _heif_registered
    if not _heif_registered:
        from pillow_heif import register_heif_opener

        register_heif_opener()
        _heif_registered = True


def open_upright(path: str | Path, *, max_pixels: int = DEFAULT_MAX_PIXELS,
                 max_side: int | None = None) -> Image.Image:
    """Decode ``path`` upright and in RGB; raise ImageProblem with a plain sentence if not."""
    path = Path(path)
    try:
        data = read_regular(path, MAX_PHOTO_BYTES)
    except (NotRegularFile, FileTooLarge) as problem:
        raise ImageProblem(path, str(problem)) from problem
    except OSError as error:
        raise ImageProblem(path, describe_os_error(path, error)) from error
    return decode_bytes(data, path, max_pixels=max_pixels, max_side=max_side)


def decode_bytes(data: bytes, path: Path, *, max_pixels: int = DEFAULT_MAX_PIXELS,
                 max_side: int | None = None) -> Image.Image:
    image = open_header(data, path, max_pixels=max_pixels)
    try:
        if max_side and image.format == "JPEG":
            # DCT scaling: decode at 1/2, 1/4 or 1/8. The box has the photo's shape, as draft
            # keeps both sides at least the box's: a square box made a 4:3 photo decode at
            # twice the size it needed.
            scale = max_side / max(image.size)
            image.draft("RGB", (max(1, int(image.width * scale)), max(1, int(image.height * scale))))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            image.seek(0)
            image.load()
            upright = ImageOps.exif_transpose(image)
        rgb = to_rgb(upright)
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise ImageProblem(path, _decode_failure(path, error)) from error
    if max_side and max(rgb.size) > max_side:
        rgb.thumbnail((max_side, max_side), Image.Resampling.BILINEAR, reducing_gap=2.0)
    return rgb


def open_header(data, path: Path, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> Image.Image:
    """Open lazily (header only) and refuse empty files, non-images and decompression bombs.

    ``data`` is the file's bytes or an open, seekable binary file."""
    register_heif()
    name = path.name
    if not data:
        raise ImageProblem(path, f"The photo {name} is empty (0 bytes); it cannot be shown.")
    try:
        with warnings.catch_warnings():  # a damaged EXIF block: Pillow warns, the photo is fine
            warnings.simplefilter("ignore")
            image = Image.open(io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data)
    except UnidentifiedImageError as error:
        raise ImageProblem(path, f"{name} is not a photo that AccessShare can read; "
                                 "it may be a different kind of file with a photo's name.") from error
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageProblem(path, _decode_failure(path, error)) from error
    width, height = image.size
    if width * height > max_pixels:
        raise ImageProblem(
            path,
            f"{name} was not opened because it is too large to open safely: "
            f"{width} by {height} pixels ({width * height / 1e6:.0f} megapixels; "
            f"the limit is {max_pixels / 1e6:.0f}). It may be a decompression bomb.",
        )
    if width == 0 or height == 0:
        raise ImageProblem(path, f"The photo {name} has no pixels; it cannot be shown.")
    return image


def looks_truncated(data: bytes, image_format: str | None) -> bool:
    """Cheap end-of-file check used while scanning, so a cut-short photo is caught early."""
    tail = data[-4096:].rstrip(b"\x00")
    if image_format == "JPEG":
        return not tail.endswith(b"\xff\xd9") and b"\xff\xd9" not in tail[-64:]
    if image_format == "PNG":
        return b"IEND" not in tail[-64:]
    return False


def to_rgb(image: Image.Image) -> Image.Image:
    """Convert CMYK, 16-bit, palette and transparent photos to plain RGB."""
    if image.mode == "RGB":
        return image
    if image.mode.startswith("I") or image.mode == "F":
        import numpy as np  # only here: scanning and the command line do without its import

        values = np.asarray(image, dtype=np.float64)
        scale = 256.0 if values.max(initial=0) > 255 else 1.0
        return Image.fromarray((values / scale).clip(0, 255).astype(np.uint8)).convert("RGB")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _decode_failure(path: Path, error: Exception) -> str:
    text = str(error).lower()
    if "truncated" in text or isinstance(error, EOFError) or "premature end" in text:
        return f"The photo {path.name} is cut short (the file is truncated); it cannot be shown."
    reason = " ".join(str(error).split()).rstrip(".")  # libheif's reasons end in a line break
    return f"The photo {path.name} is damaged and cannot be shown ({reason})."
