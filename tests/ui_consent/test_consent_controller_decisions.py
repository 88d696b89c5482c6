"""Y, N, U, P, bulk, undo and history through the controller, on a real SQLite store."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from accessshare.consent.form import load_form
from accessshare.consent.walk import record_walk_completed
from accessshare.ui.consent_controller import ConsentController


def ConsentControllerAfterWalk(window):  # noqa: N802 - reads like the class it makes
    """A controller for a contributor who already finished the consent walk."""
    record_walk_completed(window.store, load_form())
    return ConsentController(window)


def _answer(press, button: str) -> None:
    """Tab to ``button`` in the open question box and press it, as a keyboard user would."""
    while QApplication.focusWidget().accessibleName() != button:
        press(Qt.Key.Key_Tab)
    press(Qt.Key.Key_Space)


def _consent_events(store, photo_id):
    return [(e.purpose, e.state) for e in store.events(photo_hash=photo_id, kind="consent")]


def test_share_dont_share_undecided_record_events_and_change_list_text(stand_in_window):
    window = stand_in_window
    controller = ConsentControllerAfterWalk(window)
    photo = window.current_photo()
    assert window.consent_state_provider(photo.id) == ("Not yet decided.", False)

    controller.share()
    assert window.announcer.log[-1] == (
        "Saved. Shared for research, not for training AI models, public dataset release "
        "or commercial use.")
    assert ("research", "given") in _consent_events(window.store, photo.id)
    assert "Shared for research" in window.list.item(0).text()
    assert window.consent_state_provider(photo.id)[1] is True

    controller.dont_share()
    said = ("Saved. Not shared for training AI models, public dataset release or commercial use, "
            "withdrawn from research.")
    assert window.announcer.log[-1] == said
    assert ("research", "withdrawn") in _consent_events(window.store, photo.id)[-4:]
    assert window.list.item(0).text().endswith(said[len("Saved. "):])

    controller.undecided()
    assert window.announcer.log[-1] == "Saved. Not yet decided."
    assert window.list.item(0).text().endswith("Not yet decided.")
    assert window.consent_state_provider(photo.id) == ("Not yet decided.", False)


def test_choose_purposes_by_keyboard_then_y_reuses_them(stand_in_window, active_modal, press, qtbot):
    window = stand_in_window
    controller = ConsentControllerAfterWalk(window)
    controller.choose_purposes()
    dialog = active_modal(besides=window)
    assert QApplication.focusWidget().accessibleName() == "Research"
    assert "Now not yet decided." in QApplication.focusWidget().accessibleDescription()
    press(Qt.Key.Key_Space)
    press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget().accessibleName() == "Training AI models"
    press(Qt.Key.Key_Space)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    first = window.photos[0]
    assert window.announcer.log[-1] == (
        "Saved. Shared for research and training AI models, not for public dataset release "
        "or commercial use.")
    assert {("research", "given"), ("train_ai", "given")} <= set(_consent_events(window.store, first.id))
    # Y on the next photo shares for the purposes just chosen.
    press(Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: window.list.currentRow() == 1)
    controller.share()
    second = window.photos[1]
    assert {("research", "given"), ("train_ai", "given")} <= set(_consent_events(window.store, second.id))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.list)  # focus came back


def test_bulk_asks_with_count_and_no_by_default(stand_in_window, active_modal, press, qtbot):
    window = stand_in_window
    controller = ConsentControllerAfterWalk(window)
    count = len(window.photos)
    controller.bulk_decide()
    chooser = active_modal(besides=window)
    assert window.announcer.log[-1] == f"Decide for all {count} photos shown."
    press(Qt.Key.Key_Return)  # Share for research only, the first choice
    confirm = active_modal(besides=chooser)
    assert confirm.text() == f"Share {count} photos for research only?"
    assert window.announcer.log[-1] == confirm.text()
    press(Qt.Key.Key_Return)  # the default is No
    qtbot.waitUntil(lambda: not confirm.isVisible())
    assert all(not _consent_events(window.store, p.id) for p in window.photos)

    window.reminders = {p.id: "Remember, it reveals one face." for p in window.photos[:2]}
    controller.bulk_decide()
    chooser = active_modal(besides=window)
    press(Qt.Key.Key_Return)
    confirm = active_modal(besides=chooser)
    # What sharing them gives away is said before the answer, not only after.
    assert confirm.informativeText() == (
        "2 of them have privacy findings, such as faces, text or a location; the privacy "
        "filter lists them. You can undo this with Control+Z.")
    _answer(press, "Yes")
    qtbot.waitUntil(lambda: window.announcer.log[-1].startswith("Saved."))
    assert window.announcer.log[-1] == (
        f"Saved. {count} photos shared for research only. 2 of them have privacy findings, "
        "such as faces, text or a location; the privacy filter lists them.")
    assert all(("research", "given") in _consent_events(window.store, p.id) for p in window.photos)
    assert all("Shared for research" in window.list.item(row).text() for row in range(count))


def test_bulk_confirmation_says_which_decisions_it_overrides(stand_in_window, active_modal, press):
    window = stand_in_window
    controller = ConsentControllerAfterWalk(window)
    window.list.setCurrentRow(0)
    controller.share()
    window.list.setCurrentRow(1)
    controller.dont_share()

    def confirmation_for(choice_row: int) -> str:
        controller.bulk_decide()
        chooser = active_modal(besides=window)
        for _ in range(choice_row):
            press(Qt.Key.Key_Down)
        press(Qt.Key.Key_Return)
        confirm = active_modal(besides=chooser)
        details = confirm.informativeText()
        press(Qt.Key.Key_Escape)  # No: nothing is decided
        return details

    assert confirmation_for(0) == ("1 photo you had not shared will be shared. "
                                   "You can undo this with Control+Z.")
    assert confirmation_for(1) == ("1 photo you had shared will be withdrawn. "
                                   "You can undo this with Control+Z.")
    assert confirmation_for(2) == ("Your decisions for 2 photos will be cleared. "
                                   "You can undo this with Control+Z.")
    assert window.consent_state_provider(window.photos[1].id)[0] == "Not shared for any purpose."


def test_undo_writes_a_new_event_and_says_what_was_undone(stand_in_window):
    window = stand_in_window
    controller = ConsentControllerAfterWalk(window)
    photo = window.current_photo()
    controller.share()
    before = len(window.store.events(photo_hash=photo.id))
    controller.undo()
    events = window.store.events(photo_hash=photo.id)
    assert len(events) > before  # nothing was removed: undo is a new event
    assert {(e.purpose, e.state) for e in events[before:]} == {
        ("research", "pending"), ("train_ai", "pending"), ("public_release", "pending"),
        ("commercial", "pending")}
    assert window.announcer.log[-1] == f"Undone for {photo.path.name}. Not yet decided."
    assert window.list.item(0).text().endswith("Not yet decided.")
    assert window.store.verify().ok


def test_history_is_announced_and_shown(stand_in_window, active_modal, press):
    window = stand_in_window
    controller = ConsentControllerAfterWalk(window)
    controller.share()
    controller.dont_share()
    controller.history()
    dialog = active_modal(besides=window)
    spoken = window.announcer.log[-1]
    assert spoken.startswith(f"History of {window.current_photo().path.name}.")
    assert "You shared this for research on " in spoken and " and withdrew it at " in spoken
    # The three purposes decided alike at the same moments share one sentence.
    assert "You refused this for training AI models, public dataset release and commercial use on " in spoken
    assert QApplication.focusWidget() is dialog.reading
    assert dialog.reading.lines()[1].startswith("You shared this for research on ")


def _closed(widget) -> bool:
    import shiboken6

    return not shiboken6.isValid(widget) or not widget.isVisible()


def _offer_buttons(offer):
    from PySide6.QtWidgets import QPushButton

    return {b.accessibleName(): b.accessibleDescription() for b in offer.findChildren(QPushButton)}


def test_first_decision_offer_says_what_each_answer_does(stand_in_window, active_modal):
    window = stand_in_window
    controller = ConsentController(window)
    controller.share()
    offer = active_modal(besides=window)
    assert window.announcer.log[-1].startswith("Before your first decision, go through what sharing means?")
    assert _offer_buttons(offer) == {
        "Learn first": "Start the consent walk. Your decision is saved when you finish it.",
        "Decide now": "Save the decision without the walk.",
        "Cancel": "Decide nothing now.",
    }
    assert QApplication.focusWidget().accessibleName() == "Cancel"  # the safe default


def test_escape_or_enter_on_the_offer_decides_nothing_and_says_so(stand_in_window, active_modal,
                                                                  press, qtbot):
    window = stand_in_window
    controller = ConsentController(window)
    photo = window.current_photo()
    for key in (Qt.Key.Key_Escape, Qt.Key.Key_Return):
        controller._walk_offered = False  # offered once per session; offer it again
        controller.share()
        offer = active_modal(besides=window)
        assert not _consent_events(window.store, photo.id)  # nothing saved yet
        press(key)
        qtbot.waitUntil(lambda offer=offer: _closed(offer))
        assert window.announcer.log[-1] == (
            "Nothing was decided. Press Y, N or U again when you are ready.")
        assert not window.store.events(kind="consent")
        assert window.consent_state_provider(photo.id) == ("Not yet decided.", False)
    controller.dont_share()  # offered once only: the next key decides
    assert window.announcer.log[-1].startswith("Saved.")


def test_decide_now_on_the_offer_saves_without_the_walk(stand_in_window, active_modal, press, qtbot):
    window = stand_in_window
    controller = ConsentController(window)
    controller.share()
    offer = active_modal(besides=window)
    press(Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: _closed(offer))
    qtbot.waitUntil(lambda: window.announcer.log[-1].startswith("Saved."))
    assert window.announcer.log[-1].startswith("Saved. Shared for research")
    assert ("research", "given") in _consent_events(window.store, window.current_photo().id)
    assert not controller.consent.walk_completed()


def test_a_broken_form_is_said_not_crashed(stand_in_window, tmp_path):
    window = stand_in_window
    broken = tmp_path / "form.md"
    broken.write_text("## No front matter\nText.\n", encoding="utf-8")
    window.consent_form_path = broken
    controller = ConsentController(window)
    controller.share()
    said = window.announcer.log[-1]
    assert said.startswith("Consent decisions are not available. The consent form form.md has")
    assert "form.md:1:" in said
    assert not window.store.events(kind="consent")


def test_saved_earcon_plays_after_the_decision_is_stored(stand_in_window, monkeypatch):
    import accessshare.speech

    window = stand_in_window
    controller = ConsentControllerAfterWalk(window)
    played = []

    def play_earcon(name):
        # By the time the sound plays, the decision is already in the store.
        played.append((name, len(window.store.events(photo_hash=window.current_photo().id))))

    monkeypatch.setattr(accessshare.speech, "play_earcon", play_earcon, raising=False)
    controller.share()
    assert played and played[0][0] == "consent-saved" and played[0][1] > 0
    window.settings.earcons = False
    controller.dont_share()
    assert len(played) == 1  # the setting turns earcons off


def test_a_decision_waits_for_the_offered_walk_and_is_dropped_if_it_stops(
        stand_in_window, active_modal, press, qtbot):
    window = stand_in_window
    controller = ConsentController(window)
    controller.share()
    offer = active_modal(besides=window)
    while QApplication.focusWidget().accessibleName() != "Learn first":
        press(Qt.Key.Key_Tab)
    press(Qt.Key.Key_Space)
    walk = active_modal(besides=offer)
    assert walk.windowTitle().startswith("Consent")
    press(Qt.Key.Key_Escape)
    active_modal(besides=walk)
    while QApplication.focusWidget().accessibleName() != "Stop":
        press(Qt.Key.Key_Tab)
    press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not walk.isVisible())
    assert window.announcer.log[-1] == "Nothing was decided. Press Y, N or U again when you are ready."
    assert not window.store.events(kind="consent")


def test_folder_default_is_followed_by_photos_without_their_own_decision(
        stand_in_window, active_modal, press, qtbot):
    window = stand_in_window
    controller = ConsentControllerAfterWalk(window)
    refused, follower = window.photos[0], window.photos[1]
    window.list.setCurrentRow(0)
    controller.dont_share()
    name = window.dataset.name

    controller.folder_default()
    chooser = active_modal(besides=window)
    assert window.announcer.log[-1] == f"Default for the folder {name}. Now: Not yet decided."
    press(Qt.Key.Key_Return)  # share for research only, the first choice
    confirm = active_modal(besides=chooser)
    assert confirm.text() == f"Share the folder {name} for research only by default?"
    others = len(window.photos) - 1
    assert confirm.informativeText().startswith(
        f"{others} photos with no decision of their own will follow it; photos you decided one "
        "by one keep their decision.")
    _answer(press, "Yes")
    qtbot.waitUntil(lambda: window.announcer.log[-1].startswith("Saved. Folder"))
    shared_words = ("Shared for research, not for training AI models, public dataset release "
                    "or commercial use.")
    assert window.announcer.log[-1] == (
        f"Saved. Folder {name}, for photos with no decision of their own: {shared_words}")
    assert window.consent_state_provider(follower.id) == (shared_words, True)
    assert window.consent_state_provider(refused.id)[0] == "Not shared for any purpose."
    assert shared_words in window.list.item(1).text()  # the list says so too
    folder_events = window.store.events(dataset=str(window.dataset), kind="consent")
    assert {(e.purpose, e.state) for e in folder_events} >= {("research", "given"),
                                                              ("commercial", "refused")}

    controller.undo()  # one step takes the whole default back
    assert window.consent_state_provider(follower.id)[0] == "Not yet decided."
    assert "Not yet decided." in window.list.item(1).text()
