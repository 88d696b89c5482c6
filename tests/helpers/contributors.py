"""Contributors with real data folders who decide and export through the command line, and
a way to run any command line in the test's process."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from accessshare.cli import main
from accessshare.consent.export import current_states
from accessshare.library.files import hash_file
from accessshare.records.chain import GENESIS_HASH, event_hash
from accessshare.records.signing import DeviceKey, sign_document


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
        assert code == 0 and out.startswith("Saved the consent log with "), out + err
        self.pseudonym = json.loads(target.read_text(encoding="utf-8"))["contributor"]
        return target

    def hash_of(self, name: str) -> str:
        return hash_file(self.photos / name)[0]


def rewrite(path, target, change, key: DeviceKey | None = None) -> None:
    """Change events with ``change(events)``, then recompute every hash after them, the head
    and the summary, as a careful forger would; re-sign with ``key`` if given (else the
    signature stays the contributor's, over the old content)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    events = sorted((e for r in document["records"] for e in r["events"]), key=lambda e: e["seq"])
    change(events)
    previous = GENESIS_HASH
    for event in events:
        event["prev_hash"] = previous
        event["hash"] = previous = event_hash(event)
    document["chain"]["head"] = previous
    for record in document["records"]:
        stated = record["current_state"]
        photos = {row["photo_hash"]: row["dataset"] for row in stated}
        purposes = list(dict.fromkeys(row["purpose"] for row in stated))
        record["current_state"] = current_states(record["events"], photos, purposes)
    if key is not None:
        document.pop("signature")
        document.update(sign_document(document, key))
    target.write_text(json.dumps(document, indent=1), encoding="utf-8")
