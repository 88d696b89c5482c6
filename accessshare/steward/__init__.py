"""The steward's store (Qt-free): signed consent logs of many contributors gathered into one
database, a SQLite file or PostgreSQL, and what may be used for a purpose now.

Public API (typed results; the command line and a later application layer both call these):
- ``StewardStore(url)``: opens (creating or upgrading with Alembic) the store;
  ``StewardProblem`` carries one sentence when it cannot be used.
- ``import_file(store, path) -> ImportResult`` and ``import_files(store, paths, jobs=...)``:
  verify each log with the app's verifier, pin the key on first use, refuse another key, an
  older log or a fork, and add what is new, one transaction per file.
- ``pin_file(store, path) -> PinResult``: pin keys in advance.
- ``allowed(store, purpose) -> AllowedAnswer``, ``changes(store, since) -> ChangesAnswer``,
  ``status(store) -> list[ContributorStatus]``, ``parse_moment(text)``.
- ``check_store(store) -> StoreCheck``: the steward's own log, every held chain, and the
  current state against the events.

Every import, refusal, pin and query is recorded in the steward's own hash-chained log.
"""

from accessshare.steward.check import StoreCheck, check_store
from accessshare.steward.importer import ImportResult, import_file, import_files
from accessshare.steward.pins import PinResult, pin_file
from accessshare.steward.queries import (AllowedAnswer, AllowedPhoto, Change, ChangesAnswer,
                                         ContributorStatus, allowed, changes, parse_moment,
                                         status)
from accessshare.steward.store import StewardProblem, StewardStore, store_url

__all__ = ["AllowedAnswer", "AllowedPhoto", "Change", "ChangesAnswer", "ContributorStatus",
           "ImportResult", "PinResult", "StewardProblem", "StewardStore", "StoreCheck",
           "allowed", "changes", "check_store", "import_file", "import_files", "parse_moment",
           "pin_file", "status", "store_url"]
