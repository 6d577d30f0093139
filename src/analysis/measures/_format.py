"""Vietnamese number formatting for the sentences and tables of the measures (1.234,56)."""

from __future__ import annotations

import math


def fmt_int(value: float) -> str:
    """1234567 -> '1.234.567'."""
    return f"{round(value):,}".replace(",", ".")


def fmt_num(value: float, decimals: int = 2) -> str:
    """1234.5 -> '1.234,50'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def fmt_pct(fraction: float, decimals: int = 2) -> str:
    """0.0345 -> '3,45 %'."""
    return f"{fmt_num(100 * fraction, decimals)} %"


def fmt_pp(points: float, decimals: int = 2) -> str:
    """A change in percentage points, signed: -0.0081 -> '-0,81 điểm phần trăm'."""
    sign = "+" if points > 0 else ""
    return f"{sign}{fmt_num(100 * points, decimals)} điểm phần trăm"
