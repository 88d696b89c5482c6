"""The words of the consent and deletion events, without the database (the command line's
``--help`` lists them without loading SQLAlchemy)."""

from accessshare.vocabulary import STORED_STATUSES

CONSENT_STATES = STORED_STATUSES  # ISO/IEC TS 27560: given, refused, withdrawn, pending
DELETION_STATUSES = ("requested", "done", "verified")
