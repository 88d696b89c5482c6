"""The window's first verification of the consent chain runs off the UI thread: the window
opens and answers at once, an intact log is not spoken, and a tampered one is said once and
gets no decision to share appended (real SQLite store, real sample photos; what is still saved
on it: tests/ui_consent/test_consent_damaged_log.py)."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import Qt, QTimer
from sqlalchemy import text

from accessshare.app.consent import ConsentService
from accessshare.config import Settings
from accessshare.consent.decisions import Decisions
from accessshare.consent.form import load_form
from accessshare.consent.walk import record_walk_completed
from accessshare.library import scan
from accessshare.sentences import en

LOG_PHOTOS = 5000  # x 4 purposes: a 20,000-event log, checked in about half a second


def _long_log(store) -> None:
    hashes = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(LOG_PHOTOS)]
    Decisions(store).decide_photos(hashes, None, "given")


def _shown_window(qtbot, app_paths, store):
    from accessshare.ui.main_window import MainWindow

    window = MainWindow(app_paths, Settings(), store, make_describer=None)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    window.photo_list.setFocus()
    return window


def _item(window, name: str) -> str:
    model = window.model
    row = next(r for r, p in enumerate(model.visible) if p.path.name == name)
    return model.item_text(row)


def test_the_window_answers_while_the_log_is_checked_and_says_nothing_when_it_is_intact(
        qtbot, app_paths, store, dataset):
    _long_log(store)
    window = _shown_window(qtbot, app_paths, store)
    window.open_dataset(dataset)
    controller = window.consent_controller
    assert controller.checking_log  # open_dataset returned before the chain was verified
    turns: list[bool] = []
    QTimer.singleShot(0, lambda: turns.append(controller.checking_log))
    qtbot.waitUntil(lambda: bool(turns), timeout=5000)
    assert turns == [True], "the event loop waited for the verification"

    qtbot.waitUntil(lambda: window.scan_done and not controller.checking_log, timeout=60_000)
    assert _item(window, "coffee.jpg").endswith("Not yet decided.")
    qtbot.waitUntil(lambda: not window.announcer.held, timeout=10_000)
    assert not [line for line in window.announcer.history if "consent log" in line]


def test_a_tampered_log_is_said_once_at_start_and_gets_no_decision_to_share(
        qtbot, app_paths, store, dataset, press):
    record_walk_completed(store, load_form())
    photos = {p.relpath: p for p in scan(dataset).photos}
    store.upsert_photos(dataset.resolve(), list(photos.values()))
    ConsentService(store, app_paths).share([photos["coffee.jpg"]], ["research"])
    with store.engine.begin() as connection:  # someone edits the database by hand
        connection.execute(text("DROP TRIGGER events_no_update"))
        connection.execute(text("UPDATE events SET state = 'given' WHERE seq = 2"))

    window = _shown_window(qtbot, app_paths, store)
    window.open_dataset(dataset)

    def problems() -> list[str]:
        return [line for line in window.announcer.history
                if line.startswith("The consent log is damaged")]

    qtbot.waitUntil(lambda: bool(problems()), timeout=30_000)
    assert problems() == [en.log_failed_in_app(
        store.verify().message)]
    assert "none can be shared until it is repaired" in problems()[0]
    assert _item(window, "coffee.jpg").endswith("Not shared: the consent log is damaged.")

    events = len(store.events())
    window._select_row(window.model.visible.index(next(
        p for p in window.model.visible if p.path.name == "coffee.jpg")))
    press(Qt.Key.Key_Y)
    qtbot.waitUntil(lambda: window.announcer.history[-1] == en.NOT_SHARED_LOG_DAMAGED,
                    timeout=10_000)
    assert len(store.events()) == events  # nothing appended to the broken chain
    qtbot.waitUntil(lambda: not window.announcer.held, timeout=10_000)
    assert len(problems()) == 1


def _said_key_change(window) -> list[str]:
    return [line for line in window.announcer.history
            if line.startswith("This device's signing key was made anew")]


def test_a_device_key_made_anew_is_said_once_at_start_and_an_intact_one_not_at_all(
        qtbot, app_paths, dataset, tmp_path):
    from accessshare.app.consent import key_change_notice
    from accessshare.app.exports import Exports
    from accessshare.records import RecordStore
    from accessshare.vocabulary import ExportKind

    with RecordStore.open(app_paths) as store:
        _long_log(store)
        Exports(store, app_paths, load_form()).run(ExportKind.JSON, tmp_path / "before.json")
        earlier = store.device_key().fingerprint
    with RecordStore.open(app_paths) as store:  # the key intact: nothing said
        window = _shown_window(qtbot, app_paths, store)
        window.open_dataset(dataset)
        qtbot.waitUntil(lambda: window.scan_done and not window.consent_controller.checking_log,
                        timeout=60_000)
        qtbot.waitUntil(lambda: not window.announcer.held, timeout=10_000)
        assert _said_key_change(window) == []
        window.close()

    (app_paths.data_dir / "device-key.pem").unlink()  # lost; made anew by the next start
    with RecordStore.open(app_paths) as store:
        window = _shown_window(qtbot, app_paths, store)
        window.open_dataset(dataset)
        qtbot.waitUntil(lambda: bool(_said_key_change(window)), timeout=60_000)
        said = _said_key_change(window)
        assert said == [key_change_notice(store)]
        assert (f"the key that signed your earlier consent records "
                f"({' '.join(earlier[i:i + 4] for i in range(0, 16, 4))}) is missing") in said[0]
        window.open_dataset(dataset)  # another folder in the same session: not said again
        qtbot.waitUntil(lambda: not window.consent_controller.checking_log, timeout=60_000)
        qtbot.waitUntil(lambda: not window.announcer.held, timeout=10_000)
        assert len(_said_key_change(window)) == 1
