"""The main window over the real sample dataset, the real describer and a real SQLite store,
driven by keyboard as a screen reader user would."""

from __future__ import annotations

import json
import re

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from accessshare.config import Settings


def row_texts(window) -> list[str]:
    model = window.model
    return [model.data(model.index(row)) for row in range(model.rowCount())]

POSITION = re.compile(r"^Photo (\d+) of (\d+)\. ")


def test_list_items_say_position_description_and_consent_state(make_window, dataset):
    window = make_window(dataset)
    texts = row_texts(window)
    photos = len(list(dataset.glob("*.jpg")))
    assert len(texts) == photos
    for row, text in enumerate(texts):
        match = POSITION.match(text)
        assert match and int(match.group(1)) == row + 1 and int(match.group(2)) == photos, text
        assert text.endswith("Not yet decided."), text
        assert "Being described" not in text
    coffee = next(t for t in texts if "cup" in t.lower())
    assert coffee  # the coffee photo's description reaches the list item


def test_both_photos_of_a_near_duplicate_pair_say_so_until_one_is_deleted(make_window, dataset,
                                                                          qtbot):
    window = make_window(dataset)  # cat-sideways.jpg is chelsea.jpg turned by its EXIF tag
    model = window.model

    def item(name):
        row = next(r for r, p in enumerate(model.visible) if p.path.name == name)
        return model.data(model.index(row)), model.descriptions[model.visible[row].id]

    def both_flagged():
        return all("near-duplicate" in item(name)[0] for name in ("cat-sideways.jpg", "chelsea.jpg"))

    qtbot.waitUntil(both_flagged, timeout=10_000)
    assert "chelsea.jpg" in " ".join(item("cat-sideways.jpg")[1].details)
    assert "cat-sideways.jpg" in " ".join(item("chelsea.jpg")[1].details)
    assert not any("near-duplicate" in item(name)[0] for name in ("letter.jpg", "astronaut.jpg"))
    window.remove_photo(next(p.id for p in model.photos if p.path.name == "cat-sideways.jpg"))
    qtbot.waitUntil(lambda: "near-duplicate" not in item("chelsea.jpg")[0], timeout=10_000)
    assert "cat-sideways" not in " ".join(item("chelsea.jpg")[1].details)


def test_near_duplicates_are_only_looked_for_within_the_open_dataset(make_window, dataset,
                                                                    tmp_path, qtbot):
    window = make_window(dataset)
    other = tmp_path / "other"
    other.mkdir()
    Image.open(dataset / "chelsea.jpg").resize((300, 200)).save(other / "small-cat.jpg")
    window.open_dataset(other)
    qtbot.waitUntil(lambda: window.scan_done and bool(window.model.descriptions), timeout=60_000)
    text = window.model.data(window.model.index(0))
    assert text.startswith("Photo 1 of 1.") and "near-duplicate" not in text, text


def test_dataset_loaded_and_described_are_announced(make_window, dataset, a11y_events):
    window = make_window(dataset)
    said = " | ".join(window.announcer.history)
    assert re.search(r"Opened dataset: \d+ photos", said), said
    assert re.search(r"All \d+ photos described: \d+ flagged\.", said), said
    assert any("Opened dataset" in a for a in a11y_events.announcements)


def test_space_repeats_and_enter_reads_details_and_t_reads_text(make_window, dataset, press,
                                                                 a11y_events, qtbot):
    window = make_window(dataset)
    press(Qt.Key.Key_Down)
    press(Qt.Key.Key_Down)
    assert window.photo_list.currentIndex().row() == 2
    press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: any(a.startswith("Photo 3 of ") for a in a11y_events.announcements))
    # Orca reads the focused item's description, not announcements
    assert any(d.startswith("Photo 3 of ") for d in a11y_events.descriptions)
    press(Qt.Key.Key_Return)
    details = a11y_events.announcements[-1]
    assert "File: " in details and "Consent: Not yet decided." in details
    page_row = next(r for r, p in enumerate(window.model.visible) if "letter" in p.relpath)
    window._select_row(page_row)
    press(Qt.Key.Key_T)
    assert a11y_events.announcements[-1].startswith("Text in this photo: ")
    assert len(a11y_events.announcements[-1]) > len("Text in this photo: ") + 10


def test_details_pane_holds_every_finding_one_item_each(make_window, dataset):
    window = make_window(dataset)
    row = next(r for r, p in enumerate(window.model.visible) if "rocket" in p.relpath)
    window._select_row(row)
    items = window.details.lines()
    description = window.model.descriptions[window.current_photo().id]
    for line in description.details:  # each finding is one item, read whole
        assert line in items[1:] or line in items[1], line
    assert "location" in " ".join(description.privacy)
    for row in range(len(window.model.visible)):  # no item repeats what the summary says
        window._select_row(row)
        header, *lines = window.details.lines()
        # A short first item: where the photo is, and its name.
        photo = window.current_photo()
        assert header == f"Photo {row + 1} of {len(window.model.visible)}: {photo.path.name}."
        assert not any(line in lines[0] for line in lines[1:]), lines
        assert window.details.place() == 0
    assert window.details.accessibleName() == "Details"


def test_details_pane_follows_a_deletion_at_once(make_window, dataset, press, qtbot):
    """After a deletion the details say the new position, never the deleted photo's."""
    window = make_window(dataset)
    window._select_row(5)
    deleted = window.current_photo()
    window.remove_photo(deleted.id)
    photo = window.current_photo()
    total = window.model.rowCount()
    assert window.details.lines()[0] == f"Photo 6 of {total}: {photo.path.name}."
    assert window.model.item_text(5).startswith(f"Photo 6 of {total}. ")


def test_tab_and_f6_walk_every_control_and_focus_is_never_lost(make_window, dataset, press):
    window = make_window(dataset)
    window.filter_box.setFocus()
    visited = []
    for _ in range(8):
        focused = QApplication.focusWidget()
        assert focused is not None and window.isAncestorOf(focused)
        visited.append(focused)
        press(Qt.Key.Key_Tab)
    picture = window.photo_view.picture  # the photo view's focusable image
    assert {window.filter_box, window.photo_list, window.details, picture} <= set(visited)
    window.photo_list.setFocus()
    for expected in (window.details, picture, window.photo_list):
        press(Qt.Key.Key_F6)
        assert QApplication.focusWidget() is expected
    press(Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is picture


def test_arrow_keys_home_end_and_flagged_jump(make_window, dataset, press):
    window = make_window(dataset)
    window.photo_list.setFocus()
    press(Qt.Key.Key_End)
    assert window.photo_list.currentIndex().row() == window.model.rowCount() - 1
    press(Qt.Key.Key_Home)
    assert window.photo_list.currentIndex().row() == 0
    flagged = [r for r, p in enumerate(window.model.visible) if window.model.is_flagged(p)]
    assert flagged, "the sample dataset has flagged photos"
    press(Qt.Key.Key_F)
    expected = next((r for r in flagged if r > 0), flagged[0])
    assert window.photo_list.currentIndex().row() == expected


def test_filters_by_privacy_and_consent(make_window, dataset, press, qtbot):
    window = make_window(dataset)
    total = window.model.rowCount()
    window.filter_box.setCurrentIndex(window.filter_box.findData("privacy"))
    privacy_rows = window.model.rowCount()
    assert 0 < privacy_rows < total
    assert all(window.model.descriptions[p.id].privacy for p in window.model.visible)
    assert re.match(rf"Photo 1 of {privacy_rows}\. ", row_texts(window)[0])
    assert window.announcer.history[-1].startswith("Showing photos with privacy flags: ")
    window.filter_box.setCurrentIndex(window.filter_box.findData("all"))
    window.photo_list.setFocus()
    refused = window.current_photo()
    press(Qt.Key.Key_N)
    answer_walk_offer_decide_now(press, qtbot)
    window.filter_box.setCurrentIndex(window.filter_box.findData("undecided"))
    assert window.model.rowCount() == total - 1
    assert refused not in window.model.visible
    window.filter_box.setCurrentIndex(window.filter_box.findData("not-shared"))
    assert window.model.visible == [refused]


def test_verbosity_key_switches_to_detailed_words(make_window, dataset, press):
    window = make_window(dataset)
    brief = row_texts(window)
    press(Qt.Key.Key_V)
    assert window.settings.verbosity == "detailed"
    assert window.announcer.history[-1] == "Detailed descriptions."
    detailed = row_texts(window)
    assert detailed != brief
    assert all(d.verbosity == "detailed" for d in window.model.descriptions.values())


def test_bad_files_are_announced_by_name_and_the_rest_loads(make_window, dataset):
    (dataset / "broken.jpg").write_bytes(b"this is not a photo")
    (dataset / "empty.png").write_bytes(b"")
    window = make_window(dataset)
    said = " ".join(window.announcer.history)
    assert "2 files could not be opened" in said
    assert "broken.jpg" in window.status_sentence() and "empty.png" in window.status_sentence()
    assert window.model.rowCount() == len(list(dataset.glob("*.jpg"))) - 1


def test_missing_folder_is_a_spoken_error(make_window, dataset, tmp_path, a11y_events):
    window = make_window(dataset)
    window.open_dataset(tmp_path / "nowhere")
    assert "nowhere" in a11y_events.announcements[-1]
    assert "not a folder that exists" in a11y_events.announcements[-1]
    assert window.model.rowCount() > 0  # the open dataset stays


def test_zoom_and_high_contrast_keys(make_window, dataset, press, qtbot, app_paths):
    window = make_window(dataset)
    qtbot.waitUntil(lambda: window.photo_view.image is not None)
    fit = window.photo_view.current_factor()
    press(Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.photo_view.current_factor() > fit
    assert window.announcer.history[-1].startswith("Zoom ")
    press(Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.photo_view.current_factor() == fit
    press(Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.announcer.history[-1] == "High contrast on."
    assert QApplication.palette().window().color().name() == "#000000"
    assert json.loads(app_paths.settings_file.read_text())["high_contrast"] is True
    press(Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.palette().window().color().name() != "#000000"


def test_items_are_three_lines_high_at_any_font_size(make_window, dataset, qtbot):
    window = make_window(dataset)
    view = window.photo_list

    def item_height():
        return view.visualRect(window.model.index(0)).height()

    before = item_height()
    assert before >= 3 * view.fontMetrics().lineSpacing()
    window.settings.font_point_size = 24
    window._apply_look()
    qtbot.waitUntil(lambda: item_height() > before * 1.5, timeout=3000)
    assert item_height() >= 3 * view.fontMetrics().lineSpacing()
    window.settings.font_point_size = 0
    window._apply_look()


def answer_walk_offer_decide_now(press, qtbot):
    """The first decision offers the consent walk; "Decide now" (Alt+D) saves the decision."""
    def offer_has_focus():
        modal, focused = QApplication.activeModalWidget(), QApplication.focusWidget()
        return modal is not None and focused is not None and modal.isAncestorOf(focused)

    qtbot.waitUntil(offer_has_focus)
    press(Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)


def test_share_key_saves_and_the_item_says_so(make_window, dataset, press, qtbot, store):
    window = make_window(dataset)
    window.photo_list.setFocus()
    press(Qt.Key.Key_Down)
    press(Qt.Key.Key_Y)
    answer_walk_offer_decide_now(press, qtbot)
    photo = window.model.visible[1]
    states = {e.purpose: e.state for e in store.events(photo_hash=photo.id)}
    assert states["research"] == "given" and states["commercial"] == "refused"
    # Shared: what the photo gives away is said once more (it shows a face).
    saved = next(t for t in reversed(window.announcer.history) if t.startswith("Saved."))
    assert saved.endswith("Remember, it reveals one face."), saved
    text = row_texts(window)[1]
    assert text.startswith("Photo 2 of ") and "Shared for research" in text
    assert "Shared for research" in window.details.text()
    press(Qt.Key.Key_S)
    assert "1 shared, 0 not shared, 9 not yet decided" in window.announcer.history[-1]
    press(Qt.Key.Key_N)
    assert "Not shared" in row_texts(window)[1] or "not shared" in row_texts(window)[1].lower()
    assert window.announcer.history[-1].startswith("Saved.")
    assert "Remember" not in window.announcer.history[-1]  # nothing shared, nothing to recall
    press(Qt.Key.Key_S)
    assert "0 shared, 1 not shared, 9 not yet decided" in window.announcer.history[-1]


def test_settings_dialog_saves_by_keyboard(make_window, dataset, qtbot, app_paths):
    from accessshare.ui.settings_dialog import SettingsDialog

    window = make_window(dataset)
    dialog = SettingsDialog(window.settings, window)
    qtbot.addWidget(dialog)
    dialog.verbosity.setCurrentIndex(dialog.verbosity.findData("detailed"))
    dialog.speech_rate.setValue(250)
    dialog.high_contrast.setChecked(True)
    dialog.font_size.setValue(16)
    window.apply_settings(dialog.chosen())
    saved = Settings.load(app_paths.settings_file)
    assert (saved.verbosity, saved.speech_rate, saved.high_contrast, saved.font_point_size) == (
        "detailed", 250, True, 16)
    assert QApplication.font().pointSize() == 16
    window.apply_settings(Settings())


def test_help_and_settings_give_focus_back_where_it_was(make_window, dataset, press, qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest

    window = make_window(dataset)
    window.details.setFocus()
    qtbot.waitUntil(window.details.hasFocus)

    def close_the_dialog():
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None, timeout=3000)
        QTest.keyClick(QApplication.activeModalWidget(), Qt.Key.Key_Escape)

    for key, modifier in ((Qt.Key.Key_F1, Qt.KeyboardModifier.NoModifier),
                          (Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)):
        QTimer.singleShot(0, close_the_dialog)
        press(key, modifier)
        # Dialogs open window-modal without a nested event loop (ui.dialogs.show_dialog), so
        # the press returns while the dialog is still open; it closes on Escape.
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=3000)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is window.details, timeout=2000)
    assert window.announcer.history[-1] == "Settings not changed."


def test_ctrl_f_chooses_a_filter_by_keyboard_and_returns_to_the_list(make_window, dataset, press,
                                                                     qtbot):
    window = make_window(dataset)
    window.photo_list.setFocus()
    press(Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.filter_box.view().isVisible())
    press(Qt.Key.Key_Down)
    press(Qt.Key.Key_Down)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.model.filter == "privacy")
    assert QApplication.focusWidget() is window.photo_list
    assert re.match(r"Showing photos with privacy flags: \w+ photos?\.", window.announcer.history[-1])


def test_a_settings_choice_changed_by_arrow_key_is_spoken(qtbot, a11y_events):
    from accessshare.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
    dialog.verbosity.setFocus()
    qtbot.waitUntil(dialog.verbosity.hasFocus)
    from PySide6.QtTest import QTest
    QTest.keyClick(dialog.verbosity, Qt.Key.Key_Down)
    assert dialog.verbosity.currentData() == "detailed"
    assert dialog.verbosity.accessibleDescription().startswith("Detailed: counts")
    assert any(a.startswith("Detailed: counts") for a in a11y_events.announcements)


def test_moving_past_the_first_or_last_photo_says_so(make_window, dataset, press, qtbot):
    window = make_window(dataset, describe=False)
    window.photo_list.setFocus()
    press(Qt.Key.Key_End)
    last = window.photo_list.currentIndex().row()
    assert last == window.model.rowCount() - 1
    press(Qt.Key.Key_Down)
    assert window.photo_list.currentIndex().row() == last
    assert window.announcer.history[-1] == "Last photo."
    press(Qt.Key.Key_Home)
    press(Qt.Key.Key_Up)
    assert window.announcer.history[-1] == "First photo."


def test_ctrl_d_offers_the_folder_default(make_window, dataset, press, qtbot):
    window = make_window(dataset, describe=False)
    window.photo_list.setFocus()
    press(Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None, timeout=3000)
    dialog = QApplication.activeModalWidget()
    assert dialog.windowTitle() == f"Default for the folder {dataset.name}"
    dialog.reject()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=3000)
