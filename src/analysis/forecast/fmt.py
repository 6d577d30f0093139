"""Vietnamese number formatting for generated sentences and documents (1.234,5)."""

from __future__ import annotations

import math

from babel.numbers import format_decimal


def num(x: float, digits: int = 1) -> str:
    """1234.5 -> '1.234,5'; NaN -> '–'."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(round(float(x), digits), format=pattern, locale="vi")


def pct(fraction: float, digits: int = 0) -> str:
    """0.253 -> '25%' (a fraction shown as a percentage)."""
    return num(100 * fraction, digits) + "%"


def count(x: float) -> str:
    return num(x, 0)
