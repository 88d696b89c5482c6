"""Records: photos, the description cache, and the append-only hash-chained consent and deletion log."""

from accessshare.records.chain import canonical_json, event_hash, first_break
from accessshare.records.models import CONSENT_STATES, ConsentEvent, DeletionEvent, Event
from accessshare.records.store import DescriptionCache, RecordStore, VerifyReport

__all__ = ["CONSENT_STATES", "ConsentEvent", "DeletionEvent", "DescriptionCache", "Event",
           "RecordStore", "VerifyReport", "canonical_json", "event_hash", "first_break"]
