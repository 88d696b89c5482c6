"""What an unlucky or hostile user did to a real dataset, through the real command line, and
what they must get: one sentence for the bad part, and the rest still decided, exported and
deleted as the rules say."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from accessshare.cli import main

REPO = Path(__file__).resolve().parents[2]
DELETION_CHILD = Path(__file__).parent / "deletion_child.py"
SAMPLE = REPO / "assets" / "sample"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def no_traceback(err: str) -> None:
    assert "Traceback" not in err and "Error" not in err, err


def test_a_name_that_is_not_utf8_is_one_sentence_and_the_rest_is_decided(capsys, dataset):
    odd = os.path.join(bytes(dataset), b"caf\xe9 photo.jpg")
    shutil.copy(SAMPLE / "camera.jpg", odd)
    shutil.move(dataset / "camera.jpg", dataset.parent / "camera.jpg")  # only the odd name has it

    code, out, err = run(capsys, "consent", "set", dataset, "--purpose", "research",
                         "--state", "given")
    sentence = ("accessshare: caf\\xe9 photo.jpg has a name that is not valid text (UTF-8), "
                "so AccessShare cannot keep a record of it; rename it to decide about it.\n")
    assert (code, err) == (1, sentence)
    assert "Saved. Folder my photos" in out

    code, out, err = run(capsys, "consent", "show", dataset / "coffee.jpg",
                         os.fsdecode(odd))
    no_traceback(err)
    assert "coffee.jpg: Shared for research" in out
    assert err == sentence

    code, out, err = run(capsys, "export", "photos", "--purpose", "research", "-o",
                         dataset.parent / "out")
    no_traceback(err)
    assert code == 0
    assert sorted(os.listdir(dataset.parent / "out")) == ["chelsea.jpg", "coffee.jpg",
                                                          "coins.jpg", "manifest.csv"]


def test_a_folder_whose_name_is_not_utf8_is_one_sentence(capsys, dataset):
    odd = Path(os.fsdecode(os.path.join(bytes(dataset.parent), b"fotos \xff")))
    shutil.copytree(dataset, odd)

    code, out, err = run(capsys, "consent", "set", odd, dataset / "coffee.jpg", "--purpose",
                         "research", "--state", "given")
    assert (code, err) == (1, f"accessshare: {dataset.parent}/fotos \\xff has a name that is "
                              "not valid text (UTF-8), so AccessShare cannot keep a record of "
                              "it; rename it to decide about it.\n")
    assert "coffee.jpg: Shared for research" in out


def test_a_deletion_running_in_another_process_is_not_finished_as_interrupted(capsys, dataset):
    """Two processes on one data folder: a command started while another process deletes a
    photo leaves that deletion to it, rather than 'finishing' it and doubling its tombstones."""
    data = Path(os.environ["ACCESSSHARE_DATA_DIR"])
    assert run(capsys, "consent", "set", dataset, "--purpose", "research", "--state",
               "given")[0] == 0
    child = subprocess.Popen([sys.executable, str(DELETION_CHILD), str(data),
                              str(dataset / "chelsea.jpg"), "--pause"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "noted"
        child.stdin.write("\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "requested"  # paused with its intent saved

        code, out, err = run(capsys, "consent", "show", dataset / "coffee.jpg")
        assert (code, err) == (0, "")
        assert out.startswith("coffee.jpg: Shared for research")
        assert "interrupted" not in out

        child.stdin.write("\n" * 20)
        child.stdin.flush()
        rest = child.communicate(timeout=120)[0]
    finally:
        child.kill()
    assert "finished: Deleted chelsea.jpg" in rest
    with sqlite3.connect(data / "records.sqlite3") as db:
        statuses = [row[0] for row in db.execute(
            "SELECT status FROM events WHERE kind = 'deletion' ORDER BY seq")]
    assert statuses == ["requested", "done", "verified"]


SLOW_EXPORT = """
import sys, time
import accessshare.library.files as files
real = files.iter_blocks
def first_block_then_hang(handle, block=files.READ_BLOCK):
    for chunk in real(handle, 1 << 16):
        yield chunk
        print("copying", flush=True)
        time.sleep(600)
files.iter_blocks = first_block_then_hang
from accessshare.cli import main
sys.exit(main(sys.argv[1:]))
"""


def export_killed_while_copying(dataset: Path, out: Path) -> None:
    """`export photos` killed with SIGKILL in the middle of copying the large photo."""
    child = subprocess.Popen([sys.executable, "-c", SLOW_EXPORT, "export", "photos",
                              "--purpose", "research", "-o", str(out)], stdout=subprocess.PIPE,
                             text=True)
    try:
        assert child.stdout.readline().strip() == "copying"
    finally:
        child.kill()
        child.wait(timeout=60)
    assert [p.name for p in out.iterdir() if p.name.endswith(".partial")], "nothing half-written"


def large_photo(dataset: Path) -> Path:
    import numpy as np
    from PIL import Image

    path = dataset / "large.png"
    noise = np.random.default_rng(7).integers(0, 255, (400, 400, 3), dtype=np.uint8)
    Image.fromarray(noise).save(path)
    return path


def only_a_large_photo_shared(capsys, dataset: Path) -> tuple[Path, Path]:
    """The dataset holds one photo large enough to be caught mid-copy, shared for research;
    returns it and the steward's export folder."""
    large = large_photo(dataset)
    for name in ("coffee.jpg", "chelsea.jpg", "camera.jpg", "coins.jpg"):
        (dataset / name).unlink()
    assert run(capsys, "consent", "set", dataset, "--purpose", "research", "--state",
               "given")[0] == 0
    return large, dataset.parent / "for steward"


def test_a_copy_half_written_when_an_export_was_killed_goes_with_the_photo(capsys, dataset):
    large, out = only_a_large_photo_shared(capsys, dataset)
    export_killed_while_copying(dataset, out)

    code, said, err = run(capsys, "delete", large, "--reason", "changed my mind", "--yes")
    assert (code, err) == (0, "")
    assert said.startswith("Deleted large.png")
    assert sorted(os.listdir(out)) == []


def test_exporting_again_after_a_killed_export_leaves_nothing_half_written(capsys, dataset):
    large_photo(dataset)
    out = dataset.parent / "for steward"
    assert run(capsys, "consent", "set", dataset, "--purpose", "research", "--state",
               "given")[0] == 0
    export_killed_while_copying(dataset, out)

    code, said, err = run(capsys, "export", "photos", "--purpose", "research", "-o", out)
    assert (code, err) == (0, "")
    assert sorted(os.listdir(out)) == ["camera.jpg", "chelsea.jpg", "coffee.jpg", "coins.jpg",
                                       "large.png", "manifest.csv"]


def test_the_log_is_never_written_over_the_records_a_photo_or_a_device(capsys, dataset,
                                                                        tmp_path):
    """`export consent -o` given a wrong path by mistake: the records database, a photo of
    the dataset, a pipe. Each is refused in one sentence and stays as it was."""
    assert run(capsys, "consent", "set", dataset / "coffee.jpg", "--purpose", "research",
               "--state", "given")[0] == 0
    data = Path(os.environ["ACCESSSHARE_DATA_DIR"])
    photo_bytes = (dataset / "coffee.jpg").read_bytes()
    pipe = tmp_path / "pipe.json"
    os.mkfifo(pipe)

    for target, sentence in [
            (data / "records.sqlite3", "records.sqlite3 is one of AccessShare's own files; "
                                       "choose a file outside its data folder."),
            (dataset / "coffee.jpg", "coffee.jpg is inside the dataset folder my photos; "
                                     "choose a file outside your photos."),
            (dataset / "log.json", "log.json is inside the dataset folder my photos; "
                                   "choose a file outside your photos."),
            (pipe, "pipe.json is not a regular file (a device, pipe or folder); choose a "
                   "file name to write to."),
            (Path(""), ". is not a regular file (a device, pipe or folder); choose a "
                       "file name to write to.")]:
        code, out, err = run(capsys, "export", "consent", "--format", "csv", "-o", target)
        assert (code, out, err) == (2, "", f"accessshare: {sentence}\n")

    assert (dataset / "coffee.jpg").read_bytes() == photo_bytes
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert not (dataset / "log.json").exists()
    code, out, _ = run(capsys, "log", "verify")
    assert (code, out) == (0, "Chain intact: 1 event verified.\n")
    code, out, _ = run(capsys, "export", "consent", "--format", "json", "-o",
                       data / "exports" / "log.json")
    assert (code, out) == (0, f"Saved the consent log with 1 event to "
                              f"{data / 'exports' / 'log.json'}.\n")


def test_no_output_option_writes_over_the_records_or_a_pipe(capsys, dataset, tmp_path):
    assert run(capsys, "consent", "set", dataset / "coffee.jpg", "--purpose", "research",
               "--state", "given")[0] == 0
    data = Path(os.environ["ACCESSSHARE_DATA_DIR"])
    records = data / "records.sqlite3"
    steward_store = tmp_path / "steward.sqlite3"
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    own = "is one of AccessShare's own files; choose a file outside its data folder."
    for argv, sentence in [
            (["study", "export", "--format", "csv", "-o", records], f"records.sqlite3 {own}"),
            (["speak", "hello", "--to", records], f"records.sqlite3 {own}"),
            (["steward", "status", "--db", steward_store, "-o", steward_store],
             f"steward.sqlite3 {own}"),
            (["steward", "status", "--db", steward_store, "-o", pipe],
             "pipe is not a regular file (a device, pipe or folder); choose a file name to "
             "write to.")]:
        code, out, err = run(capsys, *argv)
        assert (code, out, err) == (2, "", f"accessshare: {sentence}\n"), argv
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert run(capsys, "log", "verify")[:2] == (0, "Chain intact: 1 event verified.\n")


def test_a_data_folder_that_is_a_file_is_one_sentence(capsys, dataset):
    photo = dataset / "coffee.jpg"
    before = photo.read_bytes()
    for argv in (["log", "verify"], ["scan", dataset], ["consent", "show", photo]):
        code, out, err = run(capsys, "--data-dir", photo, *argv)
        assert (code, out) == (2, "")
        assert err == (f"accessshare: The data folder {photo} is a file, not a folder; give "
                       "--data-dir a folder (new or AccessShare's own).\n")
    assert photo.read_bytes() == before


def test_a_pipe_or_a_link_to_a_device_named_like_a_photo_is_said_as_such(capsys, dataset):
    assert run(capsys, "scan", dataset)[0] == 0
    assert run(capsys, "consent", "show", dataset)[0] == 0  # the folder is known
    os.mkfifo(dataset / "pipe.jpg")
    (dataset / "zero.jpg").symlink_to("/dev/zero")
    for name in ("pipe.jpg", "zero.jpg"):
        code, out, err = run(capsys, "consent", "set", dataset / name, "--purpose",
                             "research", "--state", "given")
        assert (code, out) == (1, "")
        assert err == (f"accessshare: {name} is not a regular file (it is a device, pipe or "
                       "socket), so it was not read.\n")
    code, out, err = run(capsys, "delete", dataset / "pipe.jpg", "--reason", "x", "--yes")
    assert (code, out, err) == (2, "", "accessshare: pipe.jpg is not a regular file (it is a "
                                       "device, pipe or socket), so it was not read. Nothing "
                                       "was deleted.\n")
    assert stat.S_ISFIFO(os.lstat(dataset / "pipe.jpg").st_mode)


def test_an_exported_copy_out_of_reach_is_not_said_to_be_gone(capsys, dataset):
    """The copies were exported to a drive that is not connected when the photo is deleted:
    the deletion must not say that no copy remains."""
    out = dataset.parent / "usb stick"
    assert run(capsys, "consent", "set", dataset, "--purpose", "research", "--state",
               "given")[0] == 0
    assert run(capsys, "export", "photos", "--purpose", "research", "-o", out)[0] == 0
    out.rename(dataset.parent / "unplugged")

    code, said, err = run(capsys, "delete", dataset / "coffee.jpg", "--reason", "x", "--yes")
    assert (code, err) == (1, "")
    assert said == (f"Deleted coffee.jpg, but 1 copy remains: "
                    f"{out / 'coffee.jpg'} could not be reached (its folder is missing: "
                    "perhaps on a drive that is not connected).\n")
    assert (dataset.parent / "unplugged" / "coffee.jpg").exists()


def test_a_pipe_or_a_device_given_as_a_form_or_a_log_is_refused_at_once(tmp_path):
    """Each would wait forever for a writer, or read /dev/zero until memory ran out."""
    pipe = tmp_path / "log.json"
    os.mkfifo(pipe)
    not_form = "is not a consent form: it is not a regular file, or it is larger than any form"
    not_log = "is not a consent log: it is not a regular file, or it is larger than any export."
    for argv, code, words in [
            (["log", "verify", pipe], 1, f"log.json {not_log}"),
            (["log", "verify", "/dev/zero"], 1, f"zero {not_log}"),
            (["consent", "walk", "--consent-form", "/dev/zero"], 2, f"zero:0: {not_form}"),
            (["consent", "walk", "--consent-form", pipe], 2, f"log.json:0: {not_form}"),
            (["steward", "import", pipe, "--db", tmp_path / "steward.sqlite3"], 1,
             "Refused log.json (unreadable): log.json is not a regular file.")]:
        child = subprocess.run([sys.executable, "-m", "accessshare", *map(str, argv)],
                               capture_output=True, text=True, timeout=60, cwd=REPO)
        assert child.returncode == code, (argv, child.stderr)
        assert words in child.stdout + child.stderr, argv
        no_traceback(child.stderr)


def mounted_tmpfs(folder: Path, size: str) -> bool:
    folder.mkdir()
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True).returncode == 0


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")
def test_a_full_disk_under_the_records_is_said_as_such(capsys, dataset, tmp_path):
    small = tmp_path / "small disk"
    if not mounted_tmpfs(small, "600k"):
        pytest.skip("this machine cannot mount a tmpfs")
    try:
        data = small / "data"
        argv = ["--data-dir", data]
        assert run(capsys, *argv, "consent", "set", dataset / "coffee.jpg", "--purpose",
                   "research", "--state", "given")[0] == 0
        with open(small / "filler", "wb", buffering=0) as filler:  # the disk fills up
            with contextlib.suppress(OSError):
                while True:
                    filler.write(b"\0" * 4096)
        code, out, err = run(capsys, *argv, "consent", "set", dataset / "coffee.jpg",
                             "--purpose", "research", "--state", "withdrawn")
        assert code == 2 and "full" in err and "Free some space and try again." in err, err
        no_traceback(err)
        (small / "filler").unlink()
        code, out, _ = run(capsys, *argv, "consent", "show", dataset / "coffee.jpg")
        assert out.startswith("coffee.jpg: Shared for research")  # the first one was kept
    finally:
        subprocess.run(["umount", str(small)], check=True)


def test_deleting_an_empty_photo_file_never_sweeps_other_empty_files(capsys, dataset):
    assert run(capsys, "consent", "show", dataset)[0] == 0  # the folder is known
    (dataset / "empty.jpg").write_bytes(b"")
    (dataset / ".nomedia").write_bytes(b"")
    (dataset / "KEEP ME.txt").write_bytes(b"")
    code, out, err = run(capsys, "delete", dataset / "empty.jpg", "--reason", "x", "--yes")
    assert (code, out, err) == (2, "", "accessshare: empty.jpg is empty (0 bytes), so it holds "
                                       "no photo to delete; nothing was deleted.\n")
    assert {p.name for p in dataset.iterdir()} >= {"empty.jpg", ".nomedia", "KEEP ME.txt"}
    assert run(capsys, "log", "verify")[1] == "Chain intact: 0 events verified.\n"


def test_a_steward_imports_a_log_whose_file_name_is_not_utf8(capsys, dataset, tmp_path):
    assert run(capsys, "consent", "set", dataset / "coffee.jpg", "--purpose", "research",
               "--state", "given")[0] == 0
    log = tmp_path / "alice.json"
    assert run(capsys, "export", "consent", "--format", "json", "-o", log)[0] == 0
    odd = os.fsdecode(os.path.join(bytes(tmp_path), b"alic\xe9.json"))
    shutil.copy(log, odd)
    store = tmp_path / "steward.sqlite3"

    code, out, err = run(capsys, "steward", "import", odd, "--db", store)
    no_traceback(err)
    assert code == 0, err
    assert out.startswith("Imported alic\\xe9.json, signed by the key ")
    code, out, _ = run(capsys, "steward", "verify", "--db", store)
    assert code == 0 and out.startswith("The steward's store is intact: its log of 1 entry")


def test_words_that_are_not_utf8_in_an_option_are_one_sentence(dataset):
    """A terminal in Latin-1 gives bytes that are not UTF-8; records keep UTF-8 only."""
    not_utf8 = os.fsdecode(b"moved abroad \xe9")
    for argv, option in [
            (["consent", "set", dataset / "coffee.jpg", "--purpose", "research", "--state",
              "given", "--reason", not_utf8], "reason"),
            (["delete", dataset / "chelsea.jpg", "--reason", not_utf8, "--yes"], "reason"),
            (["speak", not_utf8, "--to", dataset.parent / "said.wav"], "text")]:
        child = subprocess.run([sys.executable, "-m", "accessshare", *map(str, argv)],
                               capture_output=True, timeout=60, cwd=REPO)
        assert (child.returncode, child.stdout) == (2, b""), child.stderr
        assert child.stderr.decode() == (f"accessshare: The {option} given is not valid text "
                                         "(UTF-8); nothing was done. Type it again, or set "
                                         "the terminal to UTF-8.\n")
    assert (dataset / "chelsea.jpg").exists()


def test_more_describer_processes_than_the_computer_holds_are_refused(capsys, dataset):
    """Each process holds the models (about 450 MB): a typo of --workers 200 must not start
    200 of them."""
    cores = os.cpu_count() or 1
    code, out, err = run(capsys, "describe", dataset / "coffee.jpg", "--workers", 200)
    assert (code, out) == (2, "")
    assert err.startswith("accessshare: --workers 200 is more than this computer can hold: "
                          "each describer process needs about 450 MB and a core; use at most ")
    assert 1 <= int(err.rsplit(" ", 1)[1].rstrip(".\n")) <= cores


PAUSED_EXPORT = """
import sys
import accessshare.library.files as files
real = files.iter_blocks
def first_block_then_wait(handle, block=files.READ_BLOCK):
    for number, chunk in enumerate(real(handle, 1 << 16)):
        yield chunk
        if number == 0:
            print("copying", flush=True)
            sys.stdin.readline()
files.iter_blocks = first_block_then_wait
from accessshare.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_photo_deleted_while_an_export_copies_it_leaves_no_copy(capsys, dataset):
    """Two processes: an export is copying the photo when the contributor deletes it."""
    large, out = only_a_large_photo_shared(capsys, dataset)
    command = [sys.executable, "-m", "accessshare"]
    exporting = subprocess.Popen([sys.executable, "-c", PAUSED_EXPORT, "export", "photos",
                                  "--purpose", "research", "-o", str(out)],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert exporting.stdout.readline().strip() == "copying"
        deleting = subprocess.Popen([*command, "delete", str(large), "--reason", "x", "--yes"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    cwd=REPO)
        with contextlib.suppress(subprocess.TimeoutExpired):
            deleting.wait(timeout=5)  # a deletion that does not wait for the copy ends here
        exporting.stdin.write("\n")
        exporting.stdin.flush()
        assert exporting.wait(timeout=120) == 0
        said, err = deleting.communicate(timeout=120)
    finally:
        exporting.kill()
    assert err == ""
    assert said == "Deleted large.png and 1 exported copy. No copy remains.\n"
    assert sorted(os.listdir(out)) == ["manifest.csv"]
    assert "large.png" not in (out / "manifest.csv").read_text(encoding="utf-8-sig")


def test_the_data_folder_is_never_decided_as_a_dataset(capsys, dataset):
    """A typo shares AccessShare's own data folder: refused, so its exports/ stays usable."""
    data = Path(os.environ["ACCESSSHARE_DATA_DIR"])
    assert run(capsys, "log", "verify")[0] == 0
    for target in (data, data / "chain-heads"):
        code, out, err = run(capsys, "consent", "set", target, "--purpose", "research",
                             "--state", "given")
        assert (code, out) == (1, "")
        assert err == (f"accessshare: {target} is part of AccessShare's own data folder, not "
                       "your photos; nothing was decided or shown for it.\n")
    assert run(capsys, "log", "verify")[1] == "Chain intact: 0 events verified.\n"
    assert run(capsys, "consent", "set", dataset, "--purpose", "research", "--state",
               "given")[0] == 0
    code, out, _ = run(capsys, "export", "photos", "--purpose", "research", "-o",
                       data / "exports" / "research")
    assert code == 0 and out.startswith("Copied 4 photos shared for research")


def test_the_window_deciding_a_folder_named_in_another_encoding_says_why(dataset, tmp_path):
    """The app layer under the window's Ctrl+D: one sentence, nothing saved."""
    from accessshare.app.consent import ConsentService
    from accessshare.config import resolve_paths
    from accessshare.records import RecordStore
    from accessshare.vocabulary import ConsentStatus

    odd = Path(os.fsdecode(os.path.join(bytes(tmp_path), b"fotos \xff")))
    shutil.copytree(dataset, odd)
    paths = resolve_paths(tmp_path / "data").ensure()
    with RecordStore.open(paths) as store:
        decided = ConsentService(store, paths).set_folder_states(
            odd, ["research"], ConsentStatus.GIVEN, [])
        assert (decided.outcome.ok, decided.outcome.saved) == (False, False)
        assert decided.outcome.sentence == (
            f"{odd.name} has a name that is not valid text (UTF-8), so AccessShare cannot "
            "keep a record of it; rename it to decide about it.")
        assert (store.verify().ok, store.verify().checked) == (True, 0)


def test_a_form_with_a_purpose_named_all_is_refused(capsys, dataset, tmp_path):
    """'--purpose all' means every purpose: a form's purpose 'all' would share a photo for
    commercial use when the contributor meant that one purpose."""
    form = tmp_path / "form.md"
    form.write_text((REPO / "assets" / "consent" / "default.md").read_text(encoding="utf-8")
                    .replace("{#research}", "{#all}", 1), encoding="utf-8")
    code, out, err = run(capsys, "consent", "set", dataset / "coffee.jpg", "--purpose", "all",
                         "--state", "given", "--consent-form", form)
    assert (code, out) == (2, "")
    assert "purpose id 'all' is kept for every purpose at once; choose another id" in err
    assert run(capsys, "log", "verify")[1] == "Chain intact: 0 events verified.\n"
