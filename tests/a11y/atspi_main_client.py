"""An AT-SPI client, run as a separate process under /usr/bin/python3 (pyatspi is Debian's):
finds the AccessShare window as a screen reader would, lists every focusable object with its
name and role, then presses Tab repeatedly and records which objects receive focus.

Usage: /usr/bin/python3 atspi_main_client.py TABS  -> prints one JSON report on stdout.
"""

import json
import subprocess
import sys
import time

import pyatspi
from gi.repository import GLib



def find_app(timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        desktop = pyatspi.Registry.getDesktop(0)
        for index in range(desktop.childCount):
            app = desktop.getChildAtIndex(index)
            if app is None:
                continue
            for window_index in range(app.childCount):
                window = app.getChildAtIndex(window_index)
                if window is not None and "AccessShare" in (window.name or ""):
                    return app, window
        time.sleep(0.5)
    return None, None


def walk(node, found, depth=0, inside=""):
    if node is None or depth > 40:
        return
    try:
        states = node.getState()
        focusable, focused = states.contains(pyatspi.STATE_FOCUSABLE), states.contains(pyatspi.STATE_FOCUSED)
        if focusable or focused:
            found.append({"name": node.name or "", "role": node.getRoleName(),
                          "description": node.description or "", "inside": inside,
                          "showing": states.contains(pyatspi.STATE_SHOWING),
                          "focusable": focusable, "focused": focused})
        if node.getRole() == pyatspi.ROLE_COMBO_BOX:
            inside = "combo box"
        # A list's items are reached with the arrow keys, not Tab; one is enough to check.
        children = range(min(node.childCount, 3 if node.getRole() == pyatspi.ROLE_LIST else 500))
        for index in children:
            walk(node.getChildAtIndex(index), found, depth + 1, inside)
    except Exception:  # noqa: BLE001 - an object that vanished while walking
        return


def focus_window():
    """Without a window manager nothing has keyboard focus until it is given by hand."""
    found = subprocess.run(["xdotool", "search", "--name", "— AccessShare"], capture_output=True,
                           text=True).stdout.split()
    for window_id in found[:1]:
        subprocess.run(["xdotool", "windowactivate", "--sync", window_id], capture_output=True)
        subprocess.run(["xdotool", "windowfocus", "--sync", window_id], capture_output=True)


def main():
    tabs = int(sys.argv[1])
    app, window = find_app()
    if window is None:
        print(json.dumps({"error": "no AccessShare window on AT-SPI"}))
        return 2
    time.sleep(3.0)  # let the dataset load and the first item take focus
    focusable = []
    walk(window, focusable)
    focused = []

    def on_focus(event):
        if event.detail1 == 1:
            source = event.source
            try:
                focused.append({"name": source.name or "", "role": source.getRoleName()})
            except Exception:  # noqa: BLE001
                pass

    pyatspi.Registry.registerEventListener(on_focus, "object:state-changed:focused")
    presses = {"left": tabs}

    def press_tab():
        if presses["left"] == 0:
            GLib.timeout_add(800, lambda: pyatspi.Registry.stop() or False)
            return False
        presses["left"] -= 1
        subprocess.run(["xdotool", "key", "--clearmodifiers", "Tab"], check=False)
        return True

    def begin():
        focus_window()
        GLib.timeout_add(500, press_tab)
        return False

    GLib.timeout_add(1000, begin)
    pyatspi.Registry.start()
    print(json.dumps({"window": window.name, "focusable": focusable, "focused": focused}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
