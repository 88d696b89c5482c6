"""The main window as a screen reader sees it over AT-SPI, from a separate process, under Xvfb
(ACCESSIBILITY.md, recipe 3): every focusable object has a name and a role, and Tab reaches
every control."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
NEEDED = ("xvfb-run", "xdotool", "dbus-run-session")
LAUNCHER = Path("/usr/libexec/at-spi-bus-launcher")
TABS = 8
# Tab stops by name; the filter box is named by its current choice and labelled "Show".
CONTROLS = {"Photos": "list", "Details": "list", "Photo view": {"image", "label"}}


def _missing() -> list[str]:
    missing = [tool for tool in NEEDED if shutil.which(tool) is None]
    if not LAUNCHER.exists():
        missing.append("at-spi2-core")
    if subprocess.run(["/usr/bin/python3", "-c", "import pyatspi"], capture_output=True).returncode:
        missing.append("python3-pyatspi")
    return missing


def test_every_focusable_object_is_named_and_tab_reaches_every_control(tmp_path):
    missing = _missing()
    if missing:
        pytest.skip("AT-SPI test needs xvfb, dbus, at-spi and pyatspi: missing " + ", ".join(missing))
    from accessshare.paths import sample_dataset

    dataset = tmp_path / "dataset"
    shutil.copytree(sample_dataset(), dataset)
    env = dict(os.environ, ACCESSSHARE_DATA_DIR=str(tmp_path / "data"), QT_QPA_PLATFORM="xcb",
               QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1", HOME=str(tmp_path))
    script = (
        f"{LAUNCHER} --launch-immediately & L=$!; "
        f"{sys.executable} -m accessshare open {dataset} & A=$!; "
        f"/usr/bin/python3 {HERE / 'atspi_main_client.py'} {TABS}; rc=$?; "
        "kill $A $L; wait $A; exit $rc")
    result = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "dbus-run-session", "--",
         "bash", "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, (result.stdout[-3000:], result.stderr[-3000:])
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["window"] == "dataset — AccessShare"
    objects = report["focusable"]
    # A closed combo box's pop-up list is out of the way: it cannot take focus, and none of
    # its items claims focus while focus is elsewhere (Qt's did, with no name).
    popups = [o for o in objects if o["inside"] == "combo box" and o["role"] in ("list", "list item")]
    assert not [o for o in popups if o["focusable"] and o["role"] == "list"], popups
    assert not [o for o in popups if o["focused"]], popups
    focused = [o for o in objects if o["focused"] and o["role"] != "frame"]
    assert len(focused) <= 1, f"more than one object says it has focus: {focused}"
    report["focusable"] = [o for o in objects if o["focusable"] and o["showing"]
                           and o["inside"] != "combo box"]
    unnamed = [o for o in report["focusable"] if not o["name"].strip() or not o["role"]]
    assert not unnamed, f"focusable objects without a name or role: {unnamed}"
    view = next(o for o in report["focusable"] if o["name"] == "Photo view")
    assert view["description"].startswith("The current photo, large."), view  # its own
    roles = {o["name"]: o["role"] for o in report["focusable"]}
    for name, role in CONTROLS.items():
        assert roles.get(name) in ({role} if isinstance(role, str) else role), (name, roles)
    assert any(o["role"] == "combo box" for o in report["focusable"])
    reached = [(o["name"], o["role"]) for o in report["focused"]]
    reached_stops = {"combo box" if role == "combo box" else
                     "Photos" if role == "list item" and name.startswith("Photo ") else name
                     for name, role in reached}
    wanted = set(CONTROLS) | {"combo box"}
    assert wanted <= reached_stops, f"Tab never reached {wanted - reached_stops}: {reached}"
    photos = len(list(dataset.glob("*.jpg")))
    items = [o["name"] for o in report["focusable"] if o["role"] == "list item"]
    assert any(name.startswith(f"Photo 1 of {photos}. ") for name in items), items
