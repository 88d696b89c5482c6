"""Records: photos, the description cache, and the append-only hash-chained consent and deletion log.

The names below are loaded on first use (PEP 562), so that ``accessshare.records.states`` (and
the command line's ``--help``) can be imported without SQLAlchemy."""

from importlib import import_module

from accessshare.records.states import CONSENT_STATES

_HOMES = {
    "CHAINED_FIELDS": "chain", "GENESIS_HASH": "chain", "canonical_json": "chain",
    "event_hash": "chain", "first_break": "chain",
    "ConsentEvent": "models", "DeletionEvent": "models", "Event": "models",
    "DescriptionCache": "store", "RecordStore": "store", "RecordsUnavailable": "store",
    "VerifyReport": "store", "verify_events": "store",
}

__all__ = ["CHAINED_FIELDS", "CONSENT_STATES", "ConsentEvent", "DeletionEvent", "DescriptionCache",
           "Event", "GENESIS_HASH", "RecordStore", "RecordsUnavailable", "VerifyReport",
           "canonical_json", "event_hash", "first_break", "verify_events"]


_SUBMODULES = {"chain", "key_history", "models", "signing", "states", "store"}


def __getattr__(name: str):
    if name in _SUBMODULES:
        return import_module(f"{__name__}.{name}")
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
