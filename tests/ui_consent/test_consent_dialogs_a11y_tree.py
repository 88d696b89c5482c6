"""Every consent dialog, as a screen reader sees it: each focusable control has a name and a
role, and Tab visits them all without leaving the dialog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from accessshare.ui.consent_bulk_dialog import ConsentBulkDialog
from accessshare.ui.consent_delete_dialog import delete_confirmation
from accessshare.ui.consent_export_dialog import ConsentExportDialog
from accessshare.ui.consent_history_dialog import ConsentHistoryDialog
from accessshare.ui.consent_purposes_dialog import ConsentPurposesDialog, PurposeChoice
from accessshare.ui.consent_walk_dialog import ConsentWalkDialog, WalkPage


class OnePageWalk:
    def page(self):
        return WalkPage(1, 2, "Who sees your photos", "Researchers at the lab.")

    def can_go_back(self):
        return False


class Actions:
    def purposes(self):
        return [("research", "Research")]

    def default_path(self, kind, purpose):
        from pathlib import Path
        return Path("/tmp/x")

    def run(self, kind, path, purpose):
        return "done"


def _dialogs():
    yield "walk", lambda: ConsentWalkDialog(OnePageWalk(), lambda _t: None)
    yield "purposes", lambda: ConsentPurposesDialog("coffee.jpg", [
        PurposeChoice("research", "Research", "Studies.", "shared", True),
        PurposeChoice("commercial", "Commercial use", "Products.", "not shared", False)])
    yield "delete", lambda: delete_confirmation(None, "coffee.jpg", 1)
    yield "export", lambda: ConsentExportDialog(Actions(), lambda _t: None)
    yield "history", lambda: ConsentHistoryDialog("coffee.jpg", ["You shared it."])
    yield "bulk", lambda: ConsentBulkDialog(3, {"share": "Share", "dont_share": "Don't share",
                                               "undecided": "Undecided"})


@pytest.mark.parametrize("make", [make for _name, make in _dialogs()],
                         ids=[name for name, _make in _dialogs()])
def test_every_focusable_control_is_named_and_reachable_by_tab(qtbot, make):
    dialog = make()
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    assert QApplication.focusWidget() is not None and dialog.isAncestorOf(QApplication.focusWidget())
    focusable = [w for w in dialog.findChildren(QWidget)
                 if w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus]
    for widget in focusable:
        interface = QAccessible.queryAccessibleInterface(widget)
        name = interface.text(QAccessible.Text.Name)
        assert name.strip(), f"{type(widget).__name__} has no accessible name"
        assert interface.role() != QAccessible.Role.NoRole
    visited = []
    for _ in range(len(focusable) + 2):
        current = QApplication.focusWidget()
        assert current is not None and dialog.isAncestorOf(current), "Tab left the dialog"
        visited.append(current)
        QTest.keyClick(current, Qt.Key.Key_Tab)
    # Radio groups take one Tab stop, so only require one member of each group.
    missing = [w for w in focusable if w not in visited
               and not (w.metaObject().className() == "QRadioButton"
                        and any(v.parent() is w.parent() and v.metaObject().className() == "QRadioButton"
                                for v in visited))]
    assert not missing, [m.accessibleName() or type(m).__name__ for m in missing]
