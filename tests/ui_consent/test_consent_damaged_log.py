"""A damaged consent log in the window (the main window, its real Announcer, a real SQLite file
edited by hand): withdrawing, refusing, "not yet decided" and deleting are saved and said with
the damage; sharing and undo are refused in one sentence and append nothing. The command line
follows the same rule (tests/consent/test_consent_damaged_log.py)."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from accessshare.app.consent import ConsentService
from accessshare.config import Settings
from accessshare.consent.form import load_form
from accessshare.consent.walk import record_walk_completed
from accessshare.library import scan
from accessshare.records import RecordStore
from accessshare.sentences import en

DAMAGED = "The consent log is damaged, so nothing is shared until it is repaired."
NOT_SHARED = ("Not saved: the consent log is damaged, so nothing can be shared until it is "
              "repaired; you can still withdraw, refuse or delete.")
PURPOSES = {"research", "train_ai", "public_release", "commercial"}


def _records(app_paths) -> str:
    return str(app_paths.data_dir / "records.sqlite3")


def _events_after(app_paths, seq: int) -> list[tuple]:
    """(kind, scope, photo hash, dataset, purpose, state, status) of the events after ``seq``,
    read from the SQLite file itself."""
    with sqlite3.connect(_records(app_paths)) as db:
        return db.execute("SELECT kind, scope, photo_hash, dataset, purpose, state, status "
                          "FROM events WHERE seq > ? ORDER BY seq", (seq,)).fetchall()


def _last_seq(app_paths) -> int:
    with sqlite3.connect(_records(app_paths)) as db:
        return db.execute("SELECT max(seq) FROM events").fetchone()[0]


@pytest.fixture
def damaged(qtbot, app_paths, sample_copy):
    """The main window over a dataset whose consent log was edited by hand after coffee.jpg
    was shared; the window has said so once."""
    from accessshare.ui.main_window import MainWindow

    store = RecordStore.open(app_paths)
    record_walk_completed(store, load_form())
    photos = {p.relpath: p for p in scan(sample_copy).photos}
    store.upsert_photos(sample_copy.resolve(), list(photos.values()))
    ConsentService(store, app_paths).share([photos["coffee.jpg"]], ["research"])
    with sqlite3.connect(_records(app_paths)) as db:  # someone edits the database by hand
        db.execute("DROP TRIGGER events_no_update")
        db.execute("UPDATE events SET state = 'given' WHERE seq = 2")
    assert not store.verify().ok

    window = MainWindow(app_paths, Settings(), store, make_describer=None)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    window.open_dataset(sample_copy)
    qtbot.waitUntil(lambda: window.scan_done and not window.consent_controller.checking_log,
                    timeout=30_000)
    qtbot.waitUntil(lambda: any(line.startswith("The consent log is damaged")
                                for line in window.announcer.history), timeout=10_000)
    window.photo_list.setFocus()
    window.photos = photos
    yield window
    window.close()
    store.close()


def _select(window, name: str) -> str:
    row = next(r for r, p in enumerate(window.model.visible) if p.path.name == name)
    window._select_row(row)
    return window.model.visible[row].id


def _said(qtbot, window, sentence: str) -> None:
    qtbot.waitUntil(lambda: sentence in window.announcer.history, timeout=10_000)


def _answer(press, button: str) -> None:
    """Tab to ``button`` in the open box and press it, as a keyboard user would."""
    while QApplication.focusWidget().accessibleName() != button:
        press(Qt.Key.Key_Tab)
    press(Qt.Key.Key_Space)


def test_the_start_sentence_says_withdrawals_still_work(damaged):
    said = [line for line in damaged.announcer.history
            if line.startswith("The consent log is damaged")]
    assert len(said) == 1
    assert "none can be shared until it is repaired. You can still withdraw, refuse and " \
           "delete" in said[0]


def test_n_and_u_are_saved_and_said_with_the_damage(damaged, qtbot, press, app_paths):
    coffee = _select(damaged, "coffee.jpg")
    before = _last_seq(app_paths)
    press(Qt.Key.Key_N)
    _said(qtbot, damaged, f"Withdrawn and saved. {DAMAGED}")
    assert {(e[2], e[4], e[5]) for e in _events_after(app_paths, before)} == {
        (coffee, purpose, "withdrawn") for purpose in PURPOSES}

    before = _last_seq(app_paths)
    press(Qt.Key.Key_U)
    _said(qtbot, damaged, f"Set back to not yet decided and saved. {DAMAGED}")
    assert {(e[2], e[4], e[5]) for e in _events_after(app_paths, before)} == {
        (coffee, purpose, "pending") for purpose in PURPOSES}
    assert damaged.model.item_text(damaged.model.visible.index(damaged.current_photo())) \
        .endswith("Not shared: the consent log is damaged.")


def test_sharing_and_undo_are_refused_and_append_nothing(damaged, qtbot, press, app_paths):
    _select(damaged, "coffee.jpg")
    before = _last_seq(app_paths)
    press(Qt.Key.Key_Y)
    qtbot.waitUntil(lambda: damaged.announcer.history.count(NOT_SHARED) == 1, timeout=10_000)
    press(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    _said(qtbot, damaged, en.NOT_UNDONE_LOG_DAMAGED)
    press(Qt.Key.Key_R)  # share with faces, text and location removed: sharing all the same
    qtbot.waitUntil(lambda: damaged.announcer.history.count(NOT_SHARED) == 2, timeout=10_000)
    assert en.NOT_UNDONE_LOG_DAMAGED.startswith("Nothing was undone: the consent log is damaged")
    assert _events_after(app_paths, before) == []


def _bulk(press, active_modal, window, shortcut, choice_row: int):
    press(shortcut, Qt.KeyboardModifier.ControlModifier)
    chooser = active_modal(besides=window)
    for _ in range(choice_row):
        press(Qt.Key.Key_Down)
    press(Qt.Key.Key_Return)
    active_modal(besides=chooser)
    _answer(press, "Yes")


def test_bulk_and_the_folder_default_follow_the_same_rule(damaged, qtbot, press, active_modal,
                                                         app_paths):
    shown = [p.id for p in damaged.model.visible]
    before = _last_seq(app_paths)
    _bulk(press, active_modal, damaged, Qt.Key.Key_B, 0)  # share them all: refused
    qtbot.waitUntil(lambda: NOT_SHARED in damaged.announcer.history, timeout=10_000)
    assert _events_after(app_paths, before) == []

    _bulk(press, active_modal, damaged, Qt.Key.Key_B, 1)  # don't share any of them
    _said(qtbot, damaged, f"Withdrawn and saved for {len(shown)} photos. {DAMAGED}")
    assert {(e[2], e[4], e[5]) for e in _events_after(app_paths, before)} == {
        (photo, purpose, "withdrawn") for photo in shown for purpose in PURPOSES}

    before = _last_seq(app_paths)
    _bulk(press, active_modal, damaged, Qt.Key.Key_D, 0)  # share the folder: refused
    qtbot.waitUntil(lambda: damaged.announcer.history.count(NOT_SHARED) == 2, timeout=10_000)
    assert _events_after(app_paths, before) == []

    before = _last_seq(app_paths)
    _bulk(press, active_modal, damaged, Qt.Key.Key_D, 1)  # the folder: don't share
    folder = damaged.dataset.name
    _said(qtbot, damaged, f"Withdrawn and saved for folder {folder}. {DAMAGED}")
    assert {(e[1], e[4], e[5]) for e in _events_after(app_paths, before)} == {
        ("dataset", purpose, "withdrawn") for purpose in PURPOSES}


def test_deleting_is_done_and_said_with_the_damage(damaged, qtbot, press, active_modal,
                                                   app_paths):
    coffee = _select(damaged, "coffee.jpg")
    path = damaged.current_photo().path
    before = _last_seq(app_paths)
    press(Qt.Key.Key_Delete)
    active_modal(besides=damaged)
    _answer(press, "Delete")
    _said(qtbot, damaged, f"Deleted coffee.jpg. No copy remains. {DAMAGED}")
    assert not path.exists()
    assert [(e[0], e[2], e[6]) for e in _events_after(app_paths, before)] == [
        ("deletion", coffee, status) for status in ("requested", "done", "verified")]


def test_a_study_session_records_what_was_saved_on_a_damaged_log(damaged, qtbot, press,
                                                                  active_modal):
    from accessshare.study import report

    assert damaged.study.start("P12")
    active_modal(besides=damaged)
    _answer(press, "Agree")
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=5000)
    damaged.photo_list.setFocus()
    _select(damaged, "coffee.jpg")
    press(Qt.Key.Key_N)
    _said(qtbot, damaged, f"Withdrawn and saved. {DAMAGED}")
    press(Qt.Key.Key_Y)  # refused: not a decision the session records
    _said(qtbot, damaged, NOT_SHARED)
    damaged.study.recorder.end()
    decisions = [(r["state"], r["purpose"]) for r in report.event_rows(damaged.store, "P12")
                 if r["event"] == "decision"]
    assert decisions == [("withdrawn", "all")]
