"""The steward's store: its tables, which the Alembic migrations in ``migrations/`` define
(there, once: the code reads and writes them with plain SQL), with their own version table
(``steward_alembic_version``), so a steward's store may share a database with a contributor's
records store without either touching the other's.

- ``steward_contributors``: one row per contributor, by pseudonym: the pinned key (its
  fingerprint; the public key once a log signed by it arrived), how it was pinned, the records
  store the logs come from, the head held (the last event's number and hash) and when the
  last log applied was exported.
- ``steward_events``: every event of every contributor's log, as verified at import. Append
  only: the database refuses to change or remove one.
- ``steward_current``: what each contributor's latest log says about each photo and purpose
  now (its ``current_state``, which the verifier checked follows from the events by the app's
  own rules), with the sharing condition of the decision that counts. Replaced row by row at
  each import, so ``allowed`` reads an index rather than every event.
- ``steward_changes``: each photo and purpose that stopped being shared (or whose condition
  changed), found at import by comparing the held current state with the new one. Append only.
- ``steward_key_replacements``: each deliberate replacement of a pinned key (``steward
  repin``): the old and new fingerprints, why, when, by whom, and its log entry. Append only;
  a contributor's key may change only to the one their latest replacement names.
- ``steward_log`` and ``steward_log_head``: the steward's own append-only, hash-chained log of
  every import, refusal, pin and query, and its head kept outside it.

Times are fixed-width UTC strings (``records.chain.utc_timestamp``), which sort as text.
"""

from __future__ import annotations

VERSION_TABLE = "steward_alembic_version"
HEAD_REVISION = "0002"  # the newest migration

EVENT_COLUMNS = ("contributor", "seq", "kind", "time", "actor", "scope", "photo_hash", "dataset",
                 "purpose", "state", "form_version", "form_hash", "status", "reason", "detail",
                 "prev_hash", "hash")
CURRENT_KEY = ("contributor", "subject", "photo_hash", "purpose")
CURRENT_VALUES = ("dataset", "state", "decided_by", "event_hash", "condition")
CURRENT_COLUMNS = (*CURRENT_KEY, *CURRENT_VALUES)
CHANGE_COLUMNS = ("contributor", "subject", "photo_hash", "purpose", "change", "condition",
                  "time", "imported", "log_seq")
LOG_COLUMNS = ("seq", "kind", "time", "actor", "detail", "prev_hash", "hash")
