"""Shift+R: hear and see the photo as it would be shared with faces, text and location removed,
before deciding. The real window, the real describer, a real photo with a face."""

from __future__ import annotations

from PySide6.QtCore import Qt


def test_shift_r_says_and_shows_the_redacted_copy_and_saves_nothing(make_window, dataset, press, qtbot, store):
    before = {p.name: p.read_bytes() for p in dataset.iterdir()}
    window = make_window(dataset)
    row = next(i for i, p in enumerate(window.model.visible) if p.path.name == "camera.jpg")
    window._select_row(row)
    window.photo_list.setFocus()
    assert window.model.descriptions[window.current_photo().id].faces == 1
    press(Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier)
    assert window.announcer.history[-1] == "Removing and checking, for camera.jpg…"
    qtbot.waitUntil(lambda: window.announcer.history[-1].startswith("After removal:"), timeout=60_000)
    # The search for text to cover is more eager than the describer's: a mark on the tripod.
    said = "After removal: a person, face hidden, and a tripod; text hidden; no location."
    assert window.announcer.history[-1] == said
    view = window.photo_view
    assert view.summary.startswith(said)
    assert "Described again after covering, to check it: no face, no text and no location found." in view.summary
    assert view.image is not None and not view.image.isNull()
    assert store.events(kind="consent") == []  # hearing it decides nothing
    assert {p.name: p.read_bytes() for p in dataset.iterdir()} == before  # and writes nothing
