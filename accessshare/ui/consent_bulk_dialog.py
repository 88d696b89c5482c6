"""Ctrl+B: choose one decision for every photo in the current view (and Ctrl+D, the same three
choices for the folder's default)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QVBoxLayout,
    QWidget,
)

from accessshare.sentences import en
from accessshare.ui.consent_widgets import ChoiceRadio, make_button, name_widget, titled_group
from accessshare.vocabulary import Decision

# The decisions, in the order offered.
BULK_DECISIONS = tuple(Decision)


class ConsentBulkDialog(QDialog):
    """Offers Share (for the contributor's chosen purposes), Don't share and Undecided."""

    def __init__(self, count: int, choice_texts: dict[Decision, str], parent: QWidget | None = None,
                 *, title: str | None = None, group_title: str | None = None):
        super().__init__(parent)
        photos = en.photos(count)
        self.setWindowTitle(title or f"Decide for all {photos} shown")
        self.setAccessibleName(self.windowTitle())
        group, group_layout = titled_group(group_title or f"Decision for all {photos} shown",
                                           "Arrow keys choose; Enter goes on to a confirmation.")
        self._choices = QButtonGroup(self)
        for index, key in enumerate(BULK_DECISIONS):
            radio = ChoiceRadio(choice_texts[key], group)
            name_widget(radio, choice_texts[key])
            self._choices.addButton(radio, index)
            group_layout.addWidget(radio)
        self._choices.button(0).setChecked(True)

        buttons = QDialogButtonBox(self)
        go_on = make_button("Continue", "Ask for confirmation before applying.")
        cancel = make_button("Cancel", "Change nothing.")
        buttons.addButton(go_on, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
        go_on.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(group)
        layout.addWidget(buttons)
        self._choices.button(0).setFocus()

    def decision(self) -> Decision:
        return BULK_DECISIONS[self._choices.checkedId()]
