"""Consent: the form and its walk, decisions, deletion and steward exports (Qt-free).

Public API (the consent GUI builds on these; all calls commit before they return):
- ``load_form(path=None) -> ConsentForm`` (version, sha256, purposes, sections, questions);
  ``FormError.errors`` are "file:line: what is wrong" sentences.
- ``ConsentWalk(form, store)``: ``page()``, ``can_go_back()``, ``forward()``, ``back()``,
  ``answer(i) -> (correct, explanation)``, ``is_finished()``, ``complete()``, ``spoken()``;
  ``walk_completed(store, form)``.
- ``Decisions(store, form)``: ``decide_photos``, ``decide_dataset``, ``decide_states``,
  ``share_only``, ``refuse_all``, ``reset`` (each one decision, returns the photo count),
  ``effective``/``effective_many``, ``states``, ``summary``, ``history``, ``undo_last``.
- ``deletion.delete_photo(store, paths, path, reason) -> DeletionReport(.ok, .message)``,
  ``deletion.exported_copies(paths, photo_hash)``.
- ``export.export_consent_json``, ``export.export_consent_csv``, ``export.export_photos``,
  ``export.verify_export_file(path) -> ExportVerifyReport(.ok, .message, .position)``.
"""

from accessshare.consent.decisions import Decisions, Effective, Undone
from accessshare.consent.form import ConsentForm, FormError, Purpose, Question, Section, load_form
from accessshare.consent.walk import ConsentWalk, WalkStep, walk_completed

__all__ = ["ConsentForm", "ConsentWalk", "Decisions", "Effective", "FormError", "Purpose",
           "Question", "Section", "Undone", "WalkStep", "load_form", "walk_completed"]
