"""The application layer without Qt: the dataset session, the consent service's decisions,
bulk effects, the folder's default, undo and exports, on a real SQLite store and real photos.
Until issue 13 these rules were tested only through a stand-in window."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from accessshare.app.consent import ConsentService
from accessshare.app.exports import Exports
from accessshare.app.session import DatasetSession
from accessshare.describe.pipeline import Description
from accessshare.records.signing import short_fingerprint
from accessshare.library import scan
from accessshare.vocabulary import ConsentStatus, Decision, ExportKind, PhotoFilter

REPO = Path(__file__).resolve().parents[2]
NOT_SHARED_ELSEWHERE = "not for training AI models, public dataset release or commercial use."


@pytest.fixture
def photos(store, dataset):
    found = sorted(scan(dataset).photos, key=lambda p: p.relpath)
    store.upsert_photos(dataset.resolve(), found)
    return found


@pytest.fixture
def consent(store, paths):
    return ConsentService(store, paths)


def described(photo, privacy: list[str] | None = None) -> Description:
    """A description as the describer returns it (the findings its phrasing works from)."""
    findings = {"faces": 1} if privacy else {}
    return Description(photo.id, str(photo.path), 10, 10, None, "A photo.", [], "brief", [],
                       len(privacy or []), [], [], privacy or [], {}, {}, findings)


# The dataset session ----------------------------------------------------------------------------

def test_opening_another_dataset_resets_everything_together(tmp_path, dataset, photos):
    session = DatasetSession()
    assert session.open(tmp_path / "missing") == (
        f"Cannot open {tmp_path / 'missing'}: it is not a folder that exists.")
    assert session.open(dataset) == ""
    session.add_photos(photos)
    for photo in photos[:-1]:
        session.set_description(photo.id, described(photo))
    session.set_failure(photos[-1].id, "It is broken.")
    session.scan_done = True
    assert session.heard(photos[0].id, "A photo.") and not session.heard(photos[0].id, "A photo.")
    assert session.all_described_once() == "All 4 photos described: 0 flagged."
    assert session.all_described_once() is None  # said once per dataset

    other = tmp_path / "other"
    other.mkdir()
    assert session.open(other) == ""
    assert session.counts() == (0, 0, 0) and not session.failures and not session.scan_done
    assert session.heard(photos[0].id, "A photo.")  # forgotten with the last dataset
    session.add_photos(photos[:1])
    session.set_description(photos[0].id, described(photos[0]))
    session.scan_done = True
    assert session.all_described_once() == "All 1 photo described: 0 flagged."


def test_the_session_counts_filters_and_says_its_status(dataset, photos, consent):
    session = DatasetSession(state_provider=consent.state_of)
    session.open(dataset)
    session.add_photos(photos)
    session.set_description(photos[0].id, described(photos[0], ["One face."]))
    consent.decide([photos[1]], Decision.SHARE, ["research"])
    assert session.counts() == (4, 1, 1)
    assert session.decision_counts() == (1, 0, 3)
    assert [p.relpath for p in photos if session.accepts(p, PhotoFilter.PRIVACY)] == [photos[0].relpath]
    assert [p.relpath for p in photos if session.accepts(p, PhotoFilter.SHARED)] == [photos[1].relpath]
    assert session.opened_sentence() == "Opened my photos: 4 photos. 1 flagged photo so far."
    assert session.status_sentence(shown=4) == (
        "Dataset my photos: 4 photos. Showing all photos: 4. 1 described, 1 flagged. 1 shared, "
        "0 not shared, 3 not yet decided. still opening.")
    session.scan_done = True
    assert session.nothing_here() == "No photos match this filter. Press Ctrl+F to choose another."


# Decisions ---------------------------------------------------------------------------------------

def test_one_decision_says_the_state_and_what_a_shared_photo_gives_away(consent, photos):
    coffee = photos[0]
    outcome = consent.decide([coffee], Decision.SHARE, ["research"],
                             reminder=lambda _id: "Remember, it shows one face.")
    assert outcome.sentence == ("Saved. Shared for research, " + NOT_SHARED_ELSEWHERE
                                + " Remember, it shows one face.")
    assert outcome.changes.photo_ids == (coffee.id,) and outcome.saved
    assert consent.state_of(coffee.id) == ("Shared for research, " + NOT_SHARED_ELSEWHERE, True)
    outcome = consent.decide([coffee], Decision.DONT_SHARE, ["research"],
                             reminder=lambda _id: "Remember, it shows one face.")
    assert outcome.sentence == ("Saved. Not shared for training AI models, public dataset release "
                                "or commercial use, withdrawn from research.")
    choices = {c.purpose_id: (c.state_words, c.checked) for c in consent.purpose_choices(coffee.id)}
    assert choices["research"] == ("withdrawn", False)
    assert choices["commercial"] == ("not shared", False)


def test_a_bulk_decision_says_what_it_overrides_then_counts(consent, photos):
    consent.decide([photos[0]], Decision.SHARE, ["research"])
    consent.decide([photos[1]], Decision.DONT_SHARE, ["research"])
    assert consent.bulk_effect(photos, Decision.SHARE, ["research"]) == (
        "1 photo you had not shared will be shared.")
    assert consent.bulk_effect(photos, Decision.DONT_SHARE, ["research"]) == (
        "1 photo you had shared will be withdrawn.")
    assert consent.bulk_effect(photos, Decision.UNDECIDED, ["research"]) == (
        "Your decisions for 2 photos will be cleared.")
    flagged = {photos[2].id}
    outcome = consent.decide(photos, Decision.SHARE, ["research", "train_ai"],
                             reminder=lambda i: "It shows a face." if i in flagged else "")
    assert outcome.sentence == (
        "Saved. 4 photos shared for research and training AI models. 1 of them has privacy "
        "findings, such as faces, text or a location; the privacy filter lists them.")
    assert outcome.changes.photo_ids == tuple(p.id for p in photos)
    assert all(consent.is_shared(p.id) for p in photos)


def test_the_folder_default_is_followed_and_undone_in_one_step(consent, photos, dataset):
    root = dataset.resolve()
    consent.decide([photos[0]], Decision.SHARE, ["research"])
    assert consent.photos_without_own_decision(photos) == 3
    outcome = consent.set_folder_default(root, Decision.SHARE, ["commercial"])
    assert outcome.changes.all_photos
    assert outcome.sentence == (
        "Saved. Folder my photos, for photos with no decision of their own: Shared for "
        "commercial use, not for research, training AI models or public dataset release.")
    assert consent.is_shared(photos[1].id)
    undone = consent.undo()
    assert undone.sentence == "Undone for the whole folder." and undone.changes.all_photos
    assert consent.spoken_state(photos[1].id) == "Not yet decided."
    undone = consent.undo({photos[0].id: "coffee.jpg"})
    assert undone.sentence == "Undone for coffee.jpg. Not yet decided."
    assert consent.undo().sentence == "There is no decision to undo."


def test_a_folder_that_stops_sharing_names_the_photos_that_keep_their_own(consent, photos,
                                                                         dataset):
    consent.decide([photos[0]], Decision.SHARE, ["research"])
    decided = consent.set_folder_states(dataset.resolve(), ["research"], ConsentStatus.WITHDRAWN,
                                        photos)
    assert decided.keeping_own == (
        f"1 photo you decided one by one keeps its own decision and is still shared: "
        f"{photos[0].path.name}. To withdraw it too, give its path.")


# Exports and deletion ---------------------------------------------------------------------------

def test_exports_say_what_they_did_and_problems_in_one_sentence(consent, photos, dataset, paths,
                                                                 tmp_path):
    consent.decide(photos[:2], Decision.SHARE, ["research"])
    exports = Exports(consent.store, paths, consent.form)
    log = exports.default_path(ExportKind.JSON, None)
    assert exports.run(ExportKind.JSON, log) == f"Saved the consent log with 8 events to {log}."
    key = short_fingerprint(consent.store.device_key().fingerprint)
    verified = exports.run(ExportKind.VERIFY, log)  # with the key a steward compares by ear
    assert verified.startswith("consent-log.json is intact: 8 events verified. Signed by ")
    assert verified.endswith(f" with the device key {key}."), verified
    inside = exports.outcome(ExportKind.PHOTOS, dataset / "subset", "research")
    assert not inside.ok and "inside" in inside.sentence
    copied = exports.outcome(ExportKind.PHOTOS, tmp_path / "subset", "research")
    assert copied.ok and copied.sentence.startswith("Copied 2 photos shared for research to ")
    assert copied.sentence.endswith("Left out: 2 not yet decided.")


def test_a_refused_deletion_is_said_and_removes_nothing(consent, photos):
    gone = photos[0]
    gone.path.rename(gone.path.with_name("moved.jpg"))  # renamed since the list was made
    outcome = consent.delete(gone)
    assert not outcome.ok and not outcome.changes.removed
    assert outcome.sentence == (f"{gone.path.name} was not deleted: {gone.path} is not there; give "
                                "the path of one photo file to delete.")
    assert gone.path.with_name("moved.jpg").exists()


# The rules of the layer itself ------------------------------------------------------------------

def test_the_application_layer_runs_without_qt():
    code = ("import sys, accessshare.app.consent, accessshare.app.exports, accessshare.app.session, "
            "accessshare.app.stores, accessshare.sentences, accessshare.vocabulary\n"
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.stdout.strip() == "[]", result.stderr


def _enum_values() -> set[str]:
    return {ConsentStatus.GIVEN, ConsentStatus.REFUSED, ConsentStatus.PENDING,
            ConsentStatus.UNVERIFIED, Decision.DONT_SHARE, Decision.UNDECIDED}


def test_no_bare_literal_of_a_vocabulary_outside_its_definition():
    """"given", "dont_share"... are written only where their StrEnum defines them."""
    found = []
    for path in sorted((REPO / "accessshare").rglob("*.py")):
        if "migrations" in path.parts or path.name == "vocabulary.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        definitions = {id(node) for cls in ast.walk(tree) if isinstance(cls, ast.ClassDef)
                       and any(getattr(b, "id", "") == "StrEnum" for b in cls.bases)
                       for node in ast.walk(cls)}
        found += [f"{path.relative_to(REPO)}:{node.lineno} {node.value!r}"
                  for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and node.value in _enum_values()
                  and id(node) not in definitions]
    assert found == []


def test_every_sentence_is_extractable_for_translation():
    """gettext's tools extract only literal text: every _() and plural() in the sentences
    module has literal arguments, and plural's two forms both have a {count}."""
    source = (REPO / "accessshare" / "sentences" / "en.py").read_text(encoding="utf-8")
    calls = [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call)
             and getattr(node.func, "id", "") in ("_", "plural")]
    assert len(calls) > 100
    for call in calls:
        texts = call.args if call.func.id == "_" else call.args[1:]
        assert all(isinstance(t, ast.Constant) and isinstance(t.value, str) for t in texts), \
            ast.dump(call)
        if call.func.id == "plural":  # xgettext --keyword=plural:2,3: msgid and msgid_plural
            assert all("{count}" in t.value for t in texts)
    assert source.count("# Translators:") >= 5
