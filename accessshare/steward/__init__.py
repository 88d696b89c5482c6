"""The steward's store (Qt-free): signed consent logs of many contributors gathered into one
database, a SQLite file or PostgreSQL, and what may be used for a purpose now.

Public API (typed results; the command line and a later application layer both call these):
- ``StewardStore(url)``: opens (creating or upgrading with Alembic) the store;
  ``StewardProblem`` carries one sentence when it cannot be used.
- ``import_file(store, path) -> ImportResult`` and ``import_files(store, paths, jobs=...)``:
  verify each log with the app's verifier, pin the key on first use, refuse another key, an
  older log or a fork, and add what is new, one transaction per file.
- ``pin_file(store, path) -> PinResult``: pin keys in advance.
- ``repin(store, pseudonym, new_key, reason) -> RepinResult``: replace a pinned key, on the
  record, keeping the history held.
- ``allowed(store, purpose) -> AllowedAnswer``, ``changes(store, since) -> ChangesAnswer``,
  ``status(store) -> list[ContributorStatus]``, ``parse_moment(text)``.
- ``check_store(store) -> StoreCheck``: the steward's own log, every held chain, and the
  current state against the events.

Every import, refusal, pin, key replacement and query is recorded in the steward's own hash-chained log.
"""

from importlib import import_module
from typing import TYPE_CHECKING

# Each name's module, loaded when the name is first used: `steward allowed` then loads the
# store and its queries, not the verifier and the importer (a steward waits for each command).
_MODULE_OF = {
    "StoreCheck": "check", "check_store": "check",
    "ImportResult": "importer", "import_file": "importer", "import_files": "importer",
    "PinResult": "pins", "RepinResult": "pins", "pin_file": "pins", "repin": "pins",
    "AllowedAnswer": "queries", "AllowedPhoto": "queries", "Change": "queries",
    "ChangesAnswer": "queries", "ContributorStatus": "queries", "allowed": "queries",
    "changes": "queries", "parse_moment": "queries", "status": "queries",
    "StewardProblem": "store", "StewardStore": "store", "store_url": "store",
}
__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_MODULE_OF[name]}"), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from accessshare.steward.check import StoreCheck, check_store  # noqa: F401
    from accessshare.steward.importer import ImportResult, import_file, import_files  # noqa: F401
    from accessshare.steward.pins import PinResult, RepinResult, pin_file, repin  # noqa: F401
    from accessshare.steward.queries import (AllowedAnswer, AllowedPhoto, Change,  # noqa: F401
                                             ChangesAnswer, ContributorStatus, allowed,
                                             changes, parse_moment, status)
    from accessshare.steward.store import StewardProblem, StewardStore, store_url  # noqa: F401
