"""AccessShare: review, describe, consent to and delete photos you contributed to a dataset."""

__version__ = "0.1.0"
