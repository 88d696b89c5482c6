"""Sharing on condition in the app: R on the photo, the removal boxes of the purposes dialog
(P), the condition spoken after saving and in the photo's item, and the event stored."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from accessshare.consent.form import load_form
from accessshare.consent.walk import record_walk_completed
from accessshare.ui.consent_controller import ConsentController
from accessshare.ui.keymap import BINDINGS


def controller_after_walk(window) -> ConsentController:
    record_walk_completed(window.store, load_form())
    return ConsentController(window)


def conditions(store, photo_id) -> dict[str, list[str]]:
    """purpose -> kinds removed, from the latest consent event of each purpose."""
    latest = {e.purpose: e for e in store.events(photo_hash=photo_id, kind="consent")}
    return {p: json.loads(e.detail).get("redact", []) for p, e in latest.items() if e.state == "given"}


def test_r_shares_with_faces_text_and_location_removed_and_says_so(stand_in_window):
    window = stand_in_window
    controller = controller_after_walk(window)
    photo = window.current_photo()
    controller.share_redacted()
    said = ("Shared for research, faces, text, location and camera details removed, not for "
            "training AI models, public dataset release or commercial use.")
    assert window.announcer.log[-1].startswith(f"Saved. {said}")
    assert conditions(window.store, photo.id) == {"research": ["faces", "location", "text"]}
    assert window.list.item(0).text().endswith(said)
    assert window.consent_state_provider(photo.id) == (said, True)


def test_r_is_a_key_and_a_menu_item_in_the_consent_menu():
    (binding,) = [b for b in BINDINGS if b.action == "share_redacted"]
    assert binding.keys == ("R",) and binding.menu == "Consent" and binding.consent
    assert binding.menu_text == "Consent: Share with faces, text and location removed"


def test_the_purposes_dialog_offers_what_to_remove(stand_in_window, active_modal, press, qtbot):
    window = stand_in_window
    controller = controller_after_walk(window)
    photo = window.current_photo()
    controller.choose_purposes()
    dialog = active_modal(besides=window)
    assert QApplication.focusWidget().accessibleName() == "Research"
    press(Qt.Key.Key_Space)
    while QApplication.focusWidget().accessibleName() != "Faces":
        press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget().accessibleDescription() == "Every face is covered, with the hair around it."
    press(Qt.Key.Key_Space)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.announcer.log[-1].startswith(
        "Saved. Shared for research, faces removed, not for training AI models")
    assert conditions(window.store, photo.id) == {"research": ["faces"]}

    # Opened again, the box shows the condition in force; unticking it shares without one.
    controller.choose_purposes()
    dialog = active_modal(besides=window)
    while QApplication.focusWidget().accessibleName() != "Faces":
        press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget().isChecked()
    press(Qt.Key.Key_Space)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.announcer.log[-1].startswith("Saved. Shared for research, not for")
    assert conditions(window.store, photo.id) == {"research": []}
