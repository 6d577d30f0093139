"""Test settings shared by every test module."""

import pytest
from hypothesis import settings

from analysis import i18n

# Property tests check invariants, not speed: no per-example deadline (CI machines vary in load).
settings.register_profile("project", deadline=None)
settings.load_profile("project")


@pytest.fixture(autouse=True)
def _vietnamese_by_default():
    """Every test starts and ends in Vietnamese: a test that loads an English config (which
    sets the process's language, analysis.i18n) does not leak it into the next one."""
    i18n.reset()
    yield
    i18n.reset()
