"""The details pane: every finding about the current photo, one list item each.

Its first item is short ("Photo 3 of 10: chelsea.jpg."), then the description, each detail,
the recognised text line by line, the label, the file and the consent state. Each is read
whole with the arrow keys (``ReadingList``).
"""

from __future__ import annotations

from accessshare.ui.reading_list import ReadingList

DESCRIPTION = "Every finding, one an item: read on with the arrow keys."


class DetailsPane(ReadingList):
    def __init__(self, parent=None):
        super().__init__("Details", DESCRIPTION, parent)
        self.setObjectName("details")
        self._photo_id: str | None = None
        self.set_lines(["Open a folder of photos with Ctrl+O."])

    def show_photo(self, model, photo) -> None:
        """``photo``'s details; the place in the list is kept while it is the same photo (its
        description arriving), and goes back to the top for another photo."""
        row = model.row_of(photo.id)
        where = f"Photo {row + 1} of {model.rowCount()}: " if row is not None else ""
        same = photo.id == self._photo_id
        self._photo_id = photo.id
        self.set_lines([f"{where}{photo.path.name}.", *details_lines(model, photo)], to_top=not same)

    def show_message(self, text: str) -> None:
        self._photo_id = None
        self.set_lines([text])


def details_lines(model, photo) -> list[str]:
    """Every finding about ``photo``, as the model knows it now."""
    summary = model.body(photo)
    lines = [summary]
    description = model.descriptions.get(photo.id)
    if description is not None:  # a detail the summary already says word for word is skipped
        lines += [line for line in description.details if line not in summary]
        if description.text:
            lines.append("Recognised text:")
            lines += [line["text"] for line in description.text]
    if photo.label and not any(line.startswith("Labelled ") for line in lines):
        lines.append(f"Your label: {photo.label}.")  # unless the label check already said it
    lines.append(f"File: {photo.relpath}, {photo.width} by {photo.height} pixels, "
                 f"{size_words(photo.size)}.")
    lines += [f"Problem: {problem}" for problem in photo.problems]
    spoken_state, _shared = model.state_provider(photo.id)
    lines.append(f"Consent: {spoken_state}")
    return lines


def size_words(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} megabytes"
    return f"{max(1, round(size / 1000))} kilobytes"
