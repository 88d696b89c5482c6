"""The application layer's tests use the consent core's fixtures: a real SQLite store, the
bundled form and four real photos (tests/consent/conftest.py). No Qt is imported here."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "consent_fixtures", Path(__file__).resolve().parents[1] / "consent" / "conftest.py")
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)

paths, store, form, dataset = _fixtures.paths, _fixtures.store, _fixtures.form, _fixtures.dataset
write_form = _fixtures.write_form
