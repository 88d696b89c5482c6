"""Fixtures for the describer tests."""

from __future__ import annotations

import pytest

from accessshare.describe.pipeline import Describer


@pytest.fixture(scope="session")
def describer() -> Describer:
    """One describer for the tests that need no cache or caption model (models load once)."""
    made = Describer()
    made.load()
    return made
