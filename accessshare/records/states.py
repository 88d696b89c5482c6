"""The words of the consent and deletion events, without the database (the command line's
``--help`` lists them without loading SQLAlchemy)."""

CONSENT_STATES = ("given", "refused", "withdrawn", "pending")  # ISO/IEC TS 27560
DELETION_STATUSES = ("requested", "done", "verified")
