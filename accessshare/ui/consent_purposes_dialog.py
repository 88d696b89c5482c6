"""P: an accessible checklist of the form's purposes for the current photo."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from accessshare.app.results import PurposeChoice
from accessshare.ui.consent_widgets import make_button, name_widget, titled_group


REMOVAL_CHOICES = {"faces": "Faces", "text": "Text", "location": "Location and camera details"}
REMOVAL_EXPLANATIONS = {
    "faces": "Every face is covered, with the hair around it.",
    "text": "Every piece of writing is covered.",
    "location": "Where and when it was taken, the camera, its owner and the small preview "
                "picture are removed from the file.",
}


class ConsentPurposesDialog(QDialog):
    """Tick the purposes to share for; the unticked ones are refused."""

    def __init__(self, photo_name: str, purposes: list[PurposeChoice], parent: QWidget | None = None,
                 redaction: tuple[str, ...] = ()):
        super().__init__(parent)
        self.setWindowTitle(f"Choose purposes for {photo_name}")
        self.setAccessibleName(self.windowTitle())
        self._boxes: dict[str, QCheckBox] = {}

        intro = QLabel(
            "Tick each purpose you agree to. Purposes left unticked are not shared. "
            "Press Space to tick, Enter to save, Escape to cancel."
        )
        intro.setWordWrap(True)
        group, group_layout = titled_group(f"Share {photo_name} for",
                                           "A list of check boxes, one for each purpose.")
        for purpose in purposes:
            box = QCheckBox(purpose.label, group)
            box.setChecked(purpose.checked)
            name_widget(box, purpose.label,
                        f"{purpose.explanation} Now {purpose.state_words}.".strip())
            group_layout.addWidget(box)
            self._boxes[purpose.purpose_id] = box

        removal, removal_layout = titled_group(
            "Before sharing, remove", "Check boxes: what is taken out of the copies that are "
            "shared; each copy is described again to check it.")
        self._removal: dict[str, QCheckBox] = {}
        for kind, label in REMOVAL_CHOICES.items():
            box = QCheckBox(label, removal)
            box.setChecked(kind in redaction)
            name_widget(box, label, REMOVAL_EXPLANATIONS[kind])
            removal_layout.addWidget(box)
            self._removal[kind] = box

        buttons = QDialogButtonBox(self)
        save = make_button("&Save", "Save these purposes for this photo.")
        cancel = make_button("Cancel", "Close without changing anything.")
        buttons.addButton(save, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        save.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(group)
        layout.addWidget(removal)
        layout.addWidget(buttons)
        if self._boxes:
            next(iter(self._boxes.values())).setFocus()

    def checkbox(self, purpose_id: str) -> QCheckBox:
        return self._boxes[purpose_id]

    def chosen_purposes(self) -> list[str]:
        return [pid for pid, box in self._boxes.items() if box.isChecked()]

    def chosen_redaction(self) -> list[str]:
        """The kinds to remove before sharing ("faces", "text", "location")."""
        return [kind for kind, box in self._removal.items() if box.isChecked()]
