"""Consent keys while the window's first verification of the chain runs in the background
(``ConsentController.check_log_in_background``), over a real store and the sample photos."""

from __future__ import annotations

import hashlib

from accessshare.consent.decisions import Decisions
from accessshare.consent.form import load_form
from accessshare.consent.walk import record_walk_completed
from accessshare.sentences import en

LOG_PHOTOS = 5000  # x 4 purposes: a 20,000-event log


def _long_log(store) -> None:
    hashes = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(LOG_PHOTOS)]
    Decisions(store).decide_photos(hashes, None, "given")


def test_a_decision_made_while_the_log_is_checked_is_saved_after_it(stand_in_window, qtbot):
    from accessshare.ui.consent_controller import ConsentController

    window = stand_in_window
    _long_log(window.store)
    record_walk_completed(window.store, load_form())
    controller = ConsentController(window)
    controller.check_log_in_background()
    assert controller.state_of(window.photos[0].id) == (en.CHECKING_LOG, False)
    controller.history()  # a dialog reading states waits, and says so
    assert window.announcer.log[-1] == en.STILL_CHECKING_LOG
    window.list.setCurrentRow(0)
    controller.share()  # queued behind the check on the runner's worker, never lost
    qtbot.waitUntil(lambda: window.announcer.log[-1].startswith("Saved."), timeout=60_000)
    assert not controller.checking_log
    assert controller.state_of(window.photos[0].id)[1]  # shared
