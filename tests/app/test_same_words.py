"""The command line and the app say the same sentence for the same decision, export and
deletion: each is run both ways, on real stores over the same photos, and the words compared.

"The app" is the application layer the window speaks verbatim (tests/ui_consent checks that
the window's announcer says the outcome's sentence)."""

from __future__ import annotations

import shutil

from accessshare.app.consent import ConsentService
from accessshare.app.exports import Exports
from accessshare.cli import main
from accessshare.library import scan
from accessshare.records import RecordStore
from accessshare.vocabulary import Decision, ExportKind


def cli(capsys, data_dir, *argv) -> list[str]:
    code = main(["--data-dir", str(data_dir), *[str(a) for a in argv]])
    out = capsys.readouterr().out
    assert code == 0, out
    return out.splitlines()


def app_service(paths, dataset):
    store = RecordStore.open(paths)
    photos = {p.relpath: p for p in scan(dataset).photos}
    store.upsert_photos(dataset.resolve(), list(photos.values()))
    return ConsentService(store, paths), photos


def test_a_folder_default_is_said_alike(capsys, tmp_path, paths, dataset):
    said_by_cli = cli(capsys, tmp_path / "cli-data", "consent", "set", dataset,
                      "--purpose", "all", "--state", "refused")
    service, _photos = app_service(paths, dataset)
    said_by_app = service.set_folder_default(dataset.resolve(), Decision.DONT_SHARE, ["research"])
    assert said_by_cli == [said_by_app.sentence]
    assert said_by_app.sentence == ("Saved. Folder my photos, for photos with no decision of "
                                    "their own: Not shared for any purpose.")
    assert cli(capsys, tmp_path / "cli-data", "consent", "show", dataset)[0] == \
        service.folder_sentence(dataset.resolve())
    service.store.close()


def test_an_undo_is_said_alike(capsys, tmp_path, paths, dataset):
    cli(capsys, tmp_path / "cli-data", "consent", "set", dataset, "--purpose", "all",
        "--state", "refused")
    said_by_cli = cli(capsys, tmp_path / "cli-data", "consent", "undo")
    service, _photos = app_service(paths, dataset)
    service.set_folder_default(dataset.resolve(), Decision.DONT_SHARE, ["research"])
    assert said_by_cli == [service.undo().sentence] == ["Undone for the whole folder."]
    assert cli(capsys, tmp_path / "cli-data", "consent", "undo") == [service.undo().sentence]
    service.store.close()


def test_an_export_of_the_log_is_said_alike(capsys, tmp_path, paths, dataset):
    cli(capsys, tmp_path / "cli-data", "consent", "set", dataset / "coffee.jpg",
        "--purpose", "all", "--state", "refused")
    service, photos = app_service(paths, dataset)
    service.decide([photos["coffee.jpg"]], Decision.DONT_SHARE, ["research"])
    log = tmp_path / "exports" / "log.json"  # the same path both ways: the sentence names it
    for kind in (ExportKind.JSON, ExportKind.CSV):
        said_by_cli = cli(capsys, tmp_path / "cli-data", "export", "consent", "--format", kind,
                          "-o", log)
        said_by_app = Exports(service.store, paths, service.form).run(kind, log)
        assert said_by_cli == [said_by_app] == [f"Saved the consent log with 4 events to {log}."]
    service.store.close()


def test_an_export_of_photos_is_said_alike(capsys, tmp_path, paths, dataset):
    cli(capsys, tmp_path / "cli-data", "consent", "set", dataset, "--purpose", "research",
        "--state", "given")
    service, photos = app_service(paths, dataset)
    service.set_folder_default(dataset.resolve(), Decision.SHARE, ["research"])
    said_by_cli = cli(capsys, tmp_path / "cli-data", "export", "photos", "--purpose", "research",
                      "-o", tmp_path / "out-cli")
    said_by_app = Exports(service.store, paths, service.form).run(
        ExportKind.PHOTOS, tmp_path / "out-app", "research")
    assert said_by_cli == [said_by_app.replace("out-app", "out-cli")]
    assert said_by_app.startswith(f"Copied {len(photos)} photos shared for research to ")
    service.store.close()


def test_a_deletion_is_said_alike(capsys, tmp_path, paths, dataset):
    twin = tmp_path / "twin" / "my photos"
    shutil.copytree(dataset, twin)
    cli(capsys, tmp_path / "cli-data", "consent", "show", twin)  # the CLI's store knows it
    said_by_cli = cli(capsys, tmp_path / "cli-data", "delete", twin / "coffee.jpg",
                      "--reason", "test", "--yes")
    service, photos = app_service(paths, dataset)
    said_by_app = service.delete(photos["coffee.jpg"])
    assert said_by_cli == [said_by_app.sentence] == ["Deleted coffee.jpg. No copy remains."]
    assert said_by_app.changes.removed == (photos["coffee.jpg"].id,)
    assert not (dataset / "coffee.jpg").exists() and not (twin / "coffee.jpg").exists()
    service.store.close()



def test_a_condition_on_sharing_is_said_alike(capsys, tmp_path, paths, dataset):
    service, photos = app_service(paths, dataset)
    coffee = photos["coffee.jpg"]
    said_by_app = service.share([coffee], ["research"], redact=["faces", "text"]).sentence
    others = [arg for p in service.purpose_ids() if p != "research" for arg in ("--purpose", p)]
    data = tmp_path / "cli-data"
    cli(capsys, data, "consent", "set", dataset / "coffee.jpg", *others, "--state", "refused")
    said_by_cli = cli(capsys, data, "consent", "set", dataset / "coffee.jpg",
                      "--purpose", "research", "--state", "given", "--redact", "faces,text")
    state = ("Shared for research, faces and text removed, not for training AI models, public "
             "dataset release or commercial use.")
    assert said_by_app.startswith(f"Saved. {state}")
    assert said_by_cli[0] == f"coffee.jpg: {state}" == f"coffee.jpg: {service.spoken_state(coffee.id)}"
    assert service.redaction(coffee.id) == ("faces", "text")
    service.store.close()
