"""The Announcer's screen-reader channel: a message rides on the focused object's description
(Orca speaks description changes of the focused object) and is taken off again when focus
leaves, so returning to that object never repeats an old message."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QApplication, QListView, QPushButton, QVBoxLayout, QWidget

from accessshare.ui.announcer import ANNOUNCEMENT_ROLE, Announcer


class RecordingModel(QStringListModel):
    """Keeps what the announcer puts on the current item, as the photo model does."""

    def __init__(self, rows):
        super().__init__(rows)
        self.described: dict[int, str] = {}

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):  # noqa: N802 - Qt's name
        if role == ANNOUNCEMENT_ROLE:
            self.described[index.row()] = value
            return True
        return super().setData(index, value, role)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role in (Qt.ItemDataRole.AccessibleDescriptionRole, ANNOUNCEMENT_ROLE):
            return self.described.get(index.row(), "")
        return super().data(index, role)


def make_window(qtbot):
    window = QWidget()
    layout = QVBoxLayout(window)
    view = QListView()
    view.setModel(RecordingModel(["one", "two"]))
    view.setCurrentIndex(view.model().index(1, 0))
    button = QPushButton("Save")
    button.setAccessibleDescription("Saves the decision.")
    layout.addWidget(view)
    layout.addWidget(button)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    announcer = Announcer(window, mode="screen-reader")
    announcer.router.screen_reader_active = lambda: True
    return window, view, button, announcer


def test_a_message_on_the_focused_item_is_taken_off_when_focus_leaves(qtbot):
    window, view, button, announcer = make_window(qtbot)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    announcer.announce("Deleted night-sky.jpg. No copy remains.")
    assert view.model().described[1].startswith("Deleted night-sky.jpg")
    button.setFocus()
    qtbot.waitUntil(button.hasFocus)
    # Taken off just after the focus move is reported, so Orca never hears it again on leaving.
    qtbot.waitUntil(lambda: view.model().described[1] == "")
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.wait(10)
    assert view.model().described[1] == ""


def test_a_widget_gets_its_own_description_back_after_a_message(qtbot):
    window, view, button, announcer = make_window(qtbot)
    button.setFocus()
    qtbot.waitUntil(button.hasFocus)
    announcer.announce("Settings saved.")
    assert button.accessibleDescription().startswith("Settings saved.")
    announcer.announce("Settings saved again.")
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.waitUntil(lambda: button.accessibleDescription() == "Saves the decision.")


class SpokenWords:
    available = True

    def __init__(self):
        self.said: list[str] = []

    def say(self, text, priority="normal"):
        self.said.append(text)

    def stop(self):
        pass


def test_a_page_presented_by_focus_is_not_announced_to_the_screen_reader_again(qtbot):
    window, view, button, announcer = make_window(qtbot)
    button.setFocus()
    qtbot.waitUntil(button.hasFocus)
    announcer.announce_with_focus("Who will see your photos. Only the research team.")
    assert button.accessibleDescription() == "Saves the decision."  # no second copy to read
    assert announcer.history[-1] == "Who will see your photos. Only the research team."


def test_a_page_presented_by_focus_is_spoken_by_the_own_voice(qtbot):
    window, view, button, announcer = make_window(qtbot)
    voice = SpokenWords()
    announcer.set_speaker(voice)
    announcer.set_mode("own-voice")
    announcer.announce_with_focus("Who will see your photos. Only the research team.")
    assert voice.said == ["Who will see your photos. Only the research team."]


def test_background_news_waits_until_an_open_dialog_closes(qtbot):
    from PySide6.QtWidgets import QDialog

    window, view, button, announcer = make_window(qtbot)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    dialog = QDialog(window)
    dialog.setModal(True)
    reading = QPushButton("Next", dialog)
    dialog.show()
    reading.setFocus()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog)
    announcer.announce("All 10 photos described: 9 flagged.", "status", background=True)
    announcer.announce("Described 3 of 10 photos; 2 flagged.", "progress")
    assert announcer.history == []  # nothing cuts into the dialog
    assert reading.accessibleDescription() == ""
    dialog.accept()
    window.activateWindow()
    view.setFocus()
    qtbot.waitUntil(lambda: announcer.history == ["All 10 photos described: 9 flagged."])


def test_a_message_said_while_nothing_has_focus_is_read_with_what_takes_focus_next(qtbot):
    """As a dialog closes, focus comes back only once the window is active again; a message
    said in between (the "Saved." of a decision) waits for it instead of being lost."""
    window, view, button, announcer = make_window(qtbot)
    elsewhere = QWidget()
    qtbot.addWidget(elsewhere)
    with qtbot.waitActive(elsewhere):
        elsewhere.show()
        elsewhere.activateWindow()
    assert QApplication.focusWidget() is None
    announcer.announce("Saved. Shared for research.")
    assert announcer.history[-1] == "Saved. Shared for research."
    with qtbot.waitActive(window):
        window.activateWindow()
    view.setFocus()
    qtbot.waitUntil(lambda: view.model().described.get(1, "").startswith("Saved. Shared for research."))


def test_messages_said_as_focus_arrives_are_read_together_not_one_over_the_other(qtbot):
    window, view, button, announcer = make_window(qtbot)
    button.setFocus()
    qtbot.waitUntil(button.hasFocus)
    view.setFocus()  # and in the same turn, before the screen reader reads the item:
    announcer.announce("Consent walk stopped.")
    announcer.announce("All 10 photos described: 9 flagged.")
    assert view.model().described[1].strip() == (
        "Consent walk stopped. All 10 photos described: 9 flagged.")


def test_progress_comes_an_interval_after_a_dataset_opens_then_at_most_every_interval(qtbot):
    from accessshare.ui.announcer import PROGRESS_INTERVAL

    window, view, button, announcer = make_window(qtbot)
    now = [100.0]
    announcer._clock = lambda: now[0]
    announcer.restart_progress()
    announcer.announce("Described 1 of 10 photos; 1 flagged.", "progress")
    now[0] += PROGRESS_INTERVAL
    announcer.announce("Described 6 of 10 photos; 4 flagged.", "progress")
    now[0] += 1
    announcer.announce("Described 7 of 10 photos; 5 flagged.", "progress")
    assert announcer.history == ["Described 6 of 10 photos; 4 flagged."]


def test_background_news_waits_until_focus_has_rested_on_the_new_item(qtbot):
    """Said while the screen reader is still to read the item just reached, Orca read the news
    with the item and then again; so news waits until focus has rested a moment."""
    from accessshare.ui.announcer import NEWS_AFTER_MOVE

    window, view, button, announcer = make_window(qtbot)
    now = [100.0]
    announcer._clock = lambda: now[0]
    button.setFocus()
    qtbot.waitUntil(button.hasFocus)
    view.setFocus()  # focus comes to the list...
    qtbot.waitUntil(view.hasFocus)
    now[0] += NEWS_AFTER_MOVE
    view.setCurrentIndex(view.model().index(0, 0))  # ...and moves in it
    announcer.announce("All 10 photos described: 9 flagged.", "status", background=True)
    assert announcer.history == [] and announcer.held == ["All 10 photos described: 9 flagged."]
    now[0] += NEWS_AFTER_MOVE + 0.01
    qtbot.waitUntil(lambda: announcer.history == ["All 10 photos described: 9 flagged."])


def test_a_waiting_description_of_a_photo_left_behind_is_dropped(qtbot):
    window, view, button, announcer = make_window(qtbot)
    button.setFocus()
    qtbot.waitUntil(button.hasFocus)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    announcer.announce("A cat on a sofa.", "description", background=True)
    assert announcer.held == ["A cat on a sofa."]
    view.setCurrentIndex(view.model().index(0, 0))
    assert announcer.held == []


def test_the_own_voice_does_not_wait_for_focus_to_rest(qtbot):
    window, view, button, announcer = make_window(qtbot)
    voice = SpokenWords()
    announcer.set_speaker(voice)
    announcer.set_mode("own-voice")
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    announcer.announce("All 10 photos described: 9 flagged.", "status", background=True)
    assert voice.said == ["All 10 photos described: 9 flagged."]
