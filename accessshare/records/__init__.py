"""Records: photos, the description cache, and the append-only hash-chained consent and deletion log."""

from accessshare.records.chain import (CHAINED_FIELDS, GENESIS_HASH, canonical_json, event_hash,
                                       first_break)
from accessshare.records.models import CONSENT_STATES, ConsentEvent, DeletionEvent, Event
from accessshare.records.store import (DescriptionCache, RecordStore, RecordsUnavailable,
                                       VerifyReport, verify_events)

__all__ = ["CHAINED_FIELDS", "CONSENT_STATES", "ConsentEvent", "DeletionEvent", "DescriptionCache",
           "Event", "GENESIS_HASH", "RecordStore", "RecordsUnavailable", "VerifyReport",
           "canonical_json", "event_hash", "first_break", "verify_events"]
