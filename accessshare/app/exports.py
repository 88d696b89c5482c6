"""The steward's exports and the check of an exported log, said the same by the window and the
command line: the consent log as signed JSON or as CSV, the photos shared for one purpose, and
the verification of an exported JSON log."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accessshare.app.results import Outcome
from accessshare.config import AppPaths
from accessshare.consent import export
from accessshare.consent.export import ExportProblem
from accessshare.consent.form import ConsentForm
from accessshare.records import RecordStore
from accessshare.records.signing import short_fingerprint
from accessshare.sentences import en
from accessshare.vocabulary import ExportKind

if TYPE_CHECKING:
    from accessshare.describe.redaction import Redactor

__all__ = ["ExportKind", "ExportProblem", "Exports"]


class Exports:
    def __init__(self, store: RecordStore, paths: AppPaths, form: ConsentForm, *,
                 describer: Any | None = None):
        """``describer``: one already loaded (the window's), to make and check the redacted
        copies of photos shared on a condition; without it the export loads one if needed."""
        self.store, self.paths, self.form = store, paths, form
        self.describer = describer

    def purposes(self) -> list[tuple[str, str]]:
        """(purpose id, name) for the choice of purpose."""
        return [(p.id, p.name) for p in self.form.purposes]

    def default_path(self, kind: ExportKind | str, purpose: str | None) -> Path:
        folder = Path(self.paths.exports_dir)
        return {ExportKind.JSON: folder / "consent-log.json",
                ExportKind.CSV: folder / "consent-log.csv",
                ExportKind.PHOTOS: folder / f"photos-{purpose or self.form.purpose_ids[0]}",
                ExportKind.VERIFY: folder / "consent-log.json"}[ExportKind(kind)]

    def run(self, kind: ExportKind | str, path: Path, purpose: str | None = None) -> str:
        """Do one export or check; returns the sentence to say. An export that cannot be
        made raises ``ExportProblem`` with one plain sentence."""
        outcome = self.outcome(ExportKind(kind), Path(path), purpose)
        if not outcome.ok and kind != ExportKind.VERIFY:  # a failed check is its answer
            raise ExportProblem(outcome.sentence)
        return outcome.sentence

    def outcome(self, kind: ExportKind, path: Path, purpose: str | None = None, *,
                progress: Callable[[int, int], None] | None = None,
                stop: Callable[[], bool] | None = None) -> Outcome:
        """The export as an outcome: a problem is an outcome that is not ``ok``. A photo
        export tells ``progress(done, total)`` and asks ``stop()`` between photos
        (``consent.export.export_photos``)."""
        try:
            if kind is ExportKind.VERIFY:
                report = export.verify_export_file(path)
                if report.ok and report.fingerprint:  # the key, for a steward to compare
                    return Outcome(f"{report.message} " + en.export_signed(
                        str(report.signed_by), short_fingerprint(report.fingerprint)))
                return Outcome(report.message, ok=report.ok)
            if kind is ExportKind.PHOTOS:
                if purpose is None:
                    raise ExportProblem("Choose the purpose whose photos are exported.")
                photos = export.export_photos(self.store, self.paths, purpose, path, self.form,
                                              make_redactor=self._redactor, progress=progress,
                                              stop=stop)
                return Outcome(photos.message)
            return Outcome(en.log_exported(self.export_log(kind, path), path))
        except ExportProblem as problem:
            return Outcome(str(problem), ok=False)
        except OSError as problem:
            return Outcome(en.cannot_write(path, problem.strerror or problem), ok=False)

    def _redactor(self) -> Redactor:
        """Built only when a photo shared on a condition is exported: with the describer
        already loaded, or one loaded now (its models)."""
        from accessshare.describe.pipeline import Describer
        from accessshare.describe.redaction import Redactor

        return Redactor(self.describer or Describer(models_dir=self.paths.models_dir))

    def export_log(self, kind: ExportKind, path: Path) -> int:
        """The whole consent and deletion log as JSON or CSV; returns the events written."""
        export.check_log_target(self.store, self.paths, path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind is ExportKind.JSON:
            return export.export_consent_json(self.store, path, self.form)
        return export.export_consent_csv(self.store, path)
