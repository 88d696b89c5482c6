"""Delete: a confirmation that says exactly what will be removed, with Cancel as the default."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from accessshare.ui.consent_widgets import confirmation_box


def removal_sentence(photo_name: str, exported_copies: int) -> str:
    copies = {0: "", 1: ", and the 1 copy AccessShare exported"}.get(
        exported_copies, f", and the {exported_copies} copies AccessShare exported")
    return (f"This removes the photo file {photo_name}, its thumbnail, its description and "
            f"recognised text{copies}. There is no trash: it cannot be undone. "
            "A record that a photo was deleted is kept, without the photo or its description.")


def delete_confirmation(parent: QWidget | None, photo_name: str, exported_copies: int) -> QMessageBox:
    return confirmation_box(
        parent,
        title=f"Delete {photo_name}",
        question=f"Delete {photo_name} for good?",
        details=removal_sentence(photo_name, exported_copies),
        confirm_text="&Delete",
        cancel_text="Cancel",
        icon=QMessageBox.Icon.Warning,
    )
