"""Contributors with real data folders who decide and export through the command line, and
a way to run any command line in the test's process."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from accessshare.cli import main
from accessshare.library.files import hash_file


def run(capsys, *argv) -> tuple[int, str, str]:
    """One command line, as a steward or contributor types it: (exit status, out, err)."""
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@dataclass
class Contributor:
    """A contributor with their own data folder (records, device key) and photo folder."""

    data: Path
    photos: Path
    capsys: object
    pseudonym: str | None = None  # known from their first export

    def cli(self, *argv) -> tuple[int, str, str]:
        return run(self.capsys, "--data-dir", self.data, *argv)

    def decide(self, names, purpose: str, state: str) -> None:
        targets = [self.photos / n for n in names] if names else [self.photos]
        code, out, err = self.cli("consent", "set", *targets, "--purpose", purpose,
                                  "--state", state)
        assert code == 0, out + err

    def export(self, name: str) -> Path:
        target = self.data.parent / name
        code, out, err = self.cli("export", "consent", "--format", "json", "-o", target)
        assert code == 0 and out.startswith("Exported "), out + err
        self.pseudonym = json.loads(target.read_text(encoding="utf-8"))["contributor"]
        return target

    def hash_of(self, name: str) -> str:
        return hash_file(self.photos / name)[0]
