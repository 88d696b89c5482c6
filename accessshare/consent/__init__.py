"""Consent: the form and its walk, decisions, deletion and steward exports (Qt-free).

Public API (the consent GUI builds on these):
- ``form.load_form(path=None) -> ConsentForm``; ``form.FormError`` (``.errors``: "file:line: ...").
- ``walk.ConsentWalk(form, store)``: ``page()``, ``forward()``, ``back()``, ``answer(i)``,
  ``is_finished()``, ``complete()``; ``walk.walk_completed(store, form)``.
- ``decisions.Decisions(store, form)``: ``decide_photos``, ``decide_dataset``, ``effective``,
  ``summary``, ``history``, ``undo_last``.
- ``deletion.delete_photo(...)`` and ``export`` (JSON, CSV, consented photos, verify).
"""

from accessshare.consent.decisions import Decisions, Effective, Undone
from accessshare.consent.form import ConsentForm, FormError, Purpose, Question, Section, load_form
from accessshare.consent.walk import ConsentWalk, WalkStep, walk_completed

__all__ = ["ConsentForm", "ConsentWalk", "Decisions", "Effective", "FormError", "Purpose",
           "Question", "Section", "Undone", "WalkStep", "load_form", "walk_completed"]
