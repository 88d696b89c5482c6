"""A deletion killed with SIGKILL at every one of its steps, in a real process, on SQLite and
on PostgreSQL: the next start finishes it, so no copy, name, label or recognised text remains,
the log holds one requested, done and verified tombstone, and the content is never shared by
an earlier decision again. Killed before its intent was recorded, nothing was deleted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pg_databases import database_url

from accessshare.cli import main
from accessshare.config import AppPaths
from accessshare.library import ThumbnailCache, scan
from accessshare.records import RecordStore

CHILD = Path(__file__).parent / "deletion_child.py"
STEPS = ("noted", "requested", "photo files", "exported copies", "named by hash", "database",
         "indexes", "done", "verified")
RECOGNISED = "WHISKERS FAMILY 42 ELM STREET"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    yield from database_url(request.param, f"sqlite:///{tmp_path / 'data' / 'records.sqlite3'}",
                            "accessshare_f")


@pytest.fixture
def prepared(db_url, dataset, tmp_path, capsys, monkeypatch):
    """The cat shared for research and exported, with a second copy in a sub-folder, a
    thumbnail and a description holding its recognised text."""
    monkeypatch.setenv("ACCESSSHARE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ACCESSSHARE_DB_URL", db_url)
    paths = AppPaths(tmp_path / "data", db_url).ensure()
    (dataset / "sub").mkdir()
    (dataset / "sub" / "cat copy.jpg").write_bytes((dataset / "chelsea.jpg").read_bytes())
    assert main(["consent", "set", str(dataset), "--purpose", "research", "--state",
                 "given"]) == 0
    assert main(["export", "photos", "--purpose", "research", "-o",
                 str(tmp_path / "out")]) == 0
    cat = next(p for p in scan(dataset).photos if p.relpath == "chelsea.jpg")
    with RecordStore.open(paths) as store:
        store.cache_description(cat.id, "m", {"sentence": "A cat.",
                                              "text": [{"text": RECOGNISED}]})
    ThumbnailCache(paths.thumbnails_dir).get_or_make(cat)
    capsys.readouterr()
    return paths, cat


def kill_at(step: str, paths: AppPaths, photo: Path) -> list[str]:
    """Run a deletion in a child process and SIGKILL it right after ``step``."""
    child = subprocess.Popen([sys.executable, str(CHILD), str(paths.data_dir), str(photo),
                              "--pause"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    seen = []
    for line in child.stdout:
        seen.append(line.strip())
        if seen[-1] == step:
            os.kill(child.pid, signal.SIGKILL)
            break
        child.stdin.write("\n")
        child.stdin.flush()
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL, (seen, child.stderr.read())
    return seen


def everything_under(*folders: Path):
    for folder in folders:
        for directory, _dirs, names in os.walk(folder):
            for name in names:
                yield Path(directory) / name


@pytest.mark.parametrize("step", STEPS)
def test_a_deletion_killed_at_any_step_is_finished_at_the_next_start(prepared, dataset,
                                                                     tmp_path, capsys, step):
    paths, cat = prepared
    data = cat.path.read_bytes()
    assert kill_at(step, paths, cat.path) == list(STEPS[:STEPS.index(step) + 1])
    assert main(["consent", "show", str(dataset)]) == 0  # the next start
    out = capsys.readouterr().out
    with RecordStore.open(paths) as store:
        statuses = [e.status for e in store.events(photo_hash=cat.id, kind="deletion")]
        assert store.verify().ok
    if step == "noted":  # killed before the intent was recorded: nothing was deleted
        assert statuses == [] and cat.path.read_bytes() == data
        assert "chelsea.jpg: Shared for research" in out
        return
    assert statuses == ["requested", "done", "verified"]
    if step != "verified":  # after its last tombstone there was nothing left to finish
        assert out.startswith(f"Finished deleting a photo whose deletion was interrupted "
                              f"({cat.id[:12]}). No copy remains.\n"), out
    for file in everything_under(paths.data_dir, dataset, tmp_path / "out"):
        assert cat.id not in file.name, file
        content = file.read_bytes()
        assert content != data, file
        assert RECOGNISED.encode() not in content, file
        if file.suffix in (".json", ".jsonl", ".csv") and file.name != "manifest.csv" \
                or file.parent == tmp_path / "out":
            assert b"chelsea" not in content and b"my cat" not in content, file
    # The same bytes put back are not shared by the decision made before the deletion.
    cat.path.write_bytes(data)
    assert main(["consent", "show", str(cat.path)]) == 0
    assert capsys.readouterr().out.startswith("chelsea.jpg: Deleted earlier; not shared.")
