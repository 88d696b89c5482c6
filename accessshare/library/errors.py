"""Problems with input files, phrased as one plain sentence that names the file."""

from __future__ import annotations

from pathlib import Path


class ImageProblem(Exception):
    """A photo that cannot be read. ``str()`` is one sentence for the contributor to hear."""

    def __init__(self, path: str | Path, message: str):
        self.path = Path(path)
        self.message = message
        super().__init__(message)


def describe_os_error(path: Path, error: OSError, what: str = "photo") -> str:
    name = path.name or str(path)
    if isinstance(error, PermissionError):
        return f"The {what} {name} cannot be read: permission denied."
    if isinstance(error, FileNotFoundError):
        return f"The {what} {name} is missing; it may have been moved or deleted."
    if isinstance(error, IsADirectoryError):
        return f"{name} is a folder, not a {what}."
    return f"The {what} {name} cannot be read: {error.strerror or error}."
