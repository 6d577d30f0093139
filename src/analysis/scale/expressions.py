"""SQL expressions generated from a poverty standard (standards as data, no thresholds here).

A query computes each household's inputs once, layer by layer (`inputs`: `urb`, `inc`, `sc`
and the flags `f_<indicator>`; `counts`: `kn`, `bl`, then `nd`, `su`), and the expressions
below read those aliases. They
follow `analysis.standard` exactly:

    known      income per person given (not NULL/NaN), or, without it, the score A when the
               standard has score lines
    below      income <= line (urban/rural), or score <= score line when only the score is known
    only       income <= income-only line (rule "or")
    poor       only or (below and deprivations >= min_deprivations)
    class      0 poor, 1 near-poor, 2 average living, 3 other, NULL when income is unknown

`columns` is the set of columns the dataset has: an absent optional column (income_score,
has_indicator_flags, n_deprivations) is treated as missing, never guessed.

Deprivation scores are counted in integer units: the standard's nested weights times their
common denominator (`weight_units`), so sums are exact and do not depend on the scan order.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from fractions import Fraction

from analysis.standard import Lines, Standard


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def flag_alias(indicator: str) -> str:
    return quote(f"f_{indicator}")


def weight_units(std: Standard) -> tuple[dict[str, int], int]:
    """(integer weight per indicator, denominator): weight = units / denominator, exactly."""
    fractions = {
        c: Fraction(1, len(std.dimensions) * len(cols))
        for cols in std.dimensions.values()
        for c in cols
    }
    denominator = math.lcm(*(f.denominator for f in fractions.values())) if fractions else 1
    return {c: int(f * denominator) for c, f in fractions.items()}, denominator


def _number(column: str, columns: Collection[str]) -> str:
    if column not in columns:
        return "CAST(NULL AS DOUBLE)"
    return f"(CASE WHEN isnan({column}) THEN NULL ELSE CAST({column} AS DOUBLE) END)"


def inputs(std: Standard, columns: Collection[str]) -> list[tuple[str, str]]:
    """First layer, from the dataset's columns: (alias, expression).

    A missing (NULL) flag counts as not deprived and a missing area as rural, as in
    `analysis.standard`, without a coalesce per row: a flag is counted with IS TRUE, a
    NULL condition in CASE WHEN or count_if is not taken, like false."""
    flags = [(flag_alias(c), quote(c)) for c in std.indicators]
    extra = []
    if "has_indicator_flags" in columns:
        extra.append(("by_flags", "coalesce(has_indicator_flags, true)"))
        if "n_deprivations" in columns:
            extra.append(("n_listed", "coalesce(CAST(n_deprivations AS INTEGER), 0)"))
    return [
        ("urb", "is_urban"),
        ("inc", _number("income_pc_vnd", columns)),
        ("sc", _number("income_score", columns)),
        *flags,
        *extra,
    ]


def counts(std: Standard, columns: Collection[str]) -> list[list[tuple[str, str]]]:
    """Second and third layers: flags counted per weight (`n_w<units>`), income position
    (`kn` known, `bl` below the line), then the deprivation count `nd` and score units `su`."""
    units, _ = weight_units(std)
    by_weight: dict[int, list[str]] = {}
    for c in std.indicators:
        by_weight.setdefault(units[c], []).append(c)
    partial = [
        (f"n_w{w}", " + ".join(f"CAST(({flag_alias(c)} IS TRUE) AS INTEGER)" for c in cols))
        for w, cols in by_weight.items()
    ]
    counted = " + ".join(alias for alias, _ in partial) or "0"
    if "has_indicator_flags" in columns and "n_deprivations" in columns:
        # a list row that gives only the number of deprivations: that number classifies it
        nd = f"(CASE WHEN by_flags THEN ({counted}) ELSE n_listed END)"
    else:
        nd = f"({counted})"
    su = " + ".join(f"{w} * {alias}" for (alias, _), w in zip(partial, by_weight, strict=True))
    second = [*partial, ("kn", known(std)), ("bl", below(std))]
    return [second, [("nd", nd), ("su", su or "0")]]


def has_flags(columns: Collection[str]) -> str:
    """Whether the row gives the indicators one by one (per-indicator figures and A-F)."""
    return "by_flags" if "has_indicator_flags" in columns else "true"


def line(lines: Lines) -> str:
    return f"(CASE WHEN urb THEN {int(lines.urban)} ELSE {int(lines.rural)} END)"


def known(std: Standard) -> str:
    return "(inc IS NOT NULL)" if std.score_lines is None else "(inc IS NOT NULL OR sc IS NOT NULL)"


def below(std: Standard) -> str:
    """At or below the line (NULL, read as false, when neither income nor score is known)."""
    by_income = f"(inc <= {line(std.lines)})"
    if std.score_lines is None:
        return by_income
    by_score = f"(inc IS NULL AND sc <= {line(std.score_lines)})"
    return f"({by_income} OR {by_score})"


def status_code(std: Standard, living_standard: bool = True) -> str:
    """0 poor, 1 near-poor, 2 average living (when `living_standard`), 3 other, NULL unknown;
    over the aliases `kn`, `bl` and `nd` (see `counts`)."""
    avg = ""
    if living_standard and std.avg_living_lines is not None:
        avg = f"WHEN inc <= {line(std.avg_living_lines)} THEN 2 "
    rule = f"(bl AND nd >= {int(std.min_deprivations)})"
    if std.income_only_lines is not None:
        rule = f"((inc <= {line(std.income_only_lines)}) OR {rule})"
    return f"(CASE WHEN NOT kn THEN NULL WHEN {rule} THEN 0 WHEN bl THEN 1 {avg}ELSE 3 END)"


def status_label(code: str) -> str:
    """The class code as the label `standard.classify_living_standard` gives."""
    return (
        f"(CASE {code} WHEN 0 THEN 'poor' WHEN 1 THEN 'near_poor' WHEN 2 THEN 'avg_living' "
        "WHEN 3 THEN 'not_poor' END)"
    )


def low_income(std: Standard, condition: str = "cls >= 2") -> str:
    """Decree 30/2025 low income: in the classes above poor and near-poor (`condition` on
    the class code) with income <= the low-income line; false where the standard has no
    such line or income is unknown."""
    if std.low_income_lines is None:
        return "false"
    return f"({condition} AND inc <= {line(std.low_income_lines)})"


def af_poor(std: Standard, k: int, population: str = "af_in") -> str:
    """Multidimensionally poor at cutoff k: su / denominator >= k / J, compared exactly."""
    _, denominator = weight_units(std)
    return f"({population} AND su * {len(std.indicators)} >= {int(k)} * {denominator})"
