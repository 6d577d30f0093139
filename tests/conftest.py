"""Test settings shared by every test module."""

from hypothesis import settings

# Property tests check invariants, not speed: no per-example deadline (CI machines vary in load).
settings.register_profile("project", deadline=None)
settings.load_profile("project")
