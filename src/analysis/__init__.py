"""Poverty-reduction analytics for Vietnamese district offices."""

__version__ = "0.1.0"
