"""Integrity signals of a review: patterns in a commune's results worth a second look.

A signal is never a conclusion: it names a rule in plain words, the comparison it rests on,
a strength, and the households or numbers behind it, so that the commune can check them
("tín hiệu cần kiểm tra lại"). Five signals, each comparing a commune of the run year with
its own past or with the other communes of the district in the same review:

- `exit_surge`: the share of the poor leaving the poor list this year against the
  commune's own earlier pace, scaled by the change the other communes saw;
- `bunching`: among exits with income at most `BAND` windows above the line, the share
  just above it (within `window`), against the same share in the other communes;
- `no_deprivation_change`: exits from the poor list whose 12 deprivation flags (or their
  count, on lists that give only the count) are identical to the year before, against the
  other communes;
- `denominator_jump`: resident households growing far more than in the other communes
  while the commune's lists shrink (a larger denominator lowers every rate);
- `other_decrease`: households leaving the lists as "giảm khác" (not an exit: death,
  moving away, households merged), against the other communes.

Strength: the excess over the expected count in units of its standard error, after
allowing for the extra spread the communes show beyond chance (`dispersion`: the median
squared Pearson residual across communes, never below 1); for the denominator, the
excess growth in units of the usual spread of growth (median absolute deviation over the
communes and years). A signal fires when the strength is at least `Z_MIN` and the effect
is material (`MIN_EXCESS` households, `MIN_RATIO` times the expected count); it is
"mạnh" (strong) from `Z_STRONG`. Communes with fewer than `MIN_BASE` households in the
comparison are not judged.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.schema import DEPRIVATION_COLUMNS
from analysis.sustainability.fragile import exits_of_year, income_ratio
from analysis.sustainability.text import tr
from analysis.vietnamese import format_number, format_pct

SIGNALS = ("exit_surge", "bunching", "no_deprivation_change", "denominator_jump", "other_decrease")
Z_MIN, Z_STRONG = 3.5, 5.0
MIN_EXCESS = 5  # households above the expected count
MIN_RATIO = 1.5  # observed / expected (shares compared with the other communes)
SURGE_MIN_RATIO = 1.3  # observed / expected exits (the commune's own pace)
MIN_BASE = 10  # households in the comparison
BAND = 3  # the bunching base: incomes up to BAND x window above the line
DENOMINATOR_MIN_PP = 0.03  # excess growth of resident households (fraction)
DENOMINATOR_MIN_EXCESS = 20  # households
DENOMINATOR_MIN_SD = 0.005  # floor of the usual spread of growth
_MEDIAN_CHI2_1 = 0.4549  # median of a chi-square with one degree of freedom
SIGNAL_COLUMNS = (
    "year", "commune_code", "commune_name", "signal", "label", "observed", "expected", "n_base",
    "ratio", "z", "fired", "strength", "strength_text", "rule", "comparison", "n_households",
)  # fmt: skip
HOUSEHOLD_COLUMNS = ("year", "commune_code", "signal", "household_id", "detail")


@dataclass(frozen=True)
class Signals:
    """Every comparison made (`table`, one row per commune and signal, `fired` or not) and the
    households behind the household signals (`households`)."""

    table: pd.DataFrame
    households: pd.DataFrame

    @property
    def fired(self) -> pd.DataFrame:
        return self.table[self.table["fired"].astype(bool)].reset_index(drop=True)


def rules(window: float = 0.05, lang: str | None = None) -> dict[str, str]:
    """Each signal's rule in plain words, with the thresholds in force."""
    common = {"min_excess": MIN_EXCESS, "z_min": format_number(Z_MIN, 1)}
    ratio = {"min_ratio": format_number(MIN_RATIO, 1)}
    return {
        "exit_surge": tr(
            "rule_exit_surge", lang, **common, min_ratio=format_number(SURGE_MIN_RATIO, 1)
        ),
        "bunching": tr(
            "rule_bunching",
            lang,
            **common,
            **ratio,
            window=format_number(100 * window),
            wide=format_number(100 * window * BAND),
        ),
        "no_deprivation_change": tr("rule_no_deprivation_change", lang, **common, **ratio),
        "denominator_jump": tr(
            "rule_denominator_jump",
            lang,
            z_min=format_number(Z_MIN, 1),
            min_pp=format_number(100 * DENOMINATOR_MIN_PP),
            min_excess=DENOMINATOR_MIN_EXCESS,
        ),
        "other_decrease": tr("rule_other_decrease", lang, **common, **ratio),
    }


# ---------------------------------------------------------------- statistics
def dispersion(k: np.ndarray, expected: np.ndarray, variance: np.ndarray) -> float:
    """Spread beyond chance across communes: median squared Pearson residual / its chi-square
    median, never below 1 (robust to the few communes a signal is about)."""
    ok = variance > 0
    if ok.sum() < 3:
        return 1.0
    r2 = (k[ok] - expected[ok]) ** 2 / variance[ok]
    return max(1.0, float(np.median(r2)) / _MEDIAN_CHI2_1)


def _leave_one_out(k: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Each commune's comparison share: the other communes' k over their n (plus a half
    household over one, so a share of 0 elsewhere still has a spread)."""
    others_n = n.sum() - n
    return np.where(others_n > 0, (k.sum() - k + 0.5) / (others_n + 1), np.nan)


def _score(k, n, p, extra_variance=0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(expected, ratio, z) of counts k out of n against rates p, overdispersion allowed for."""
    k, n, p = (np.asarray(x, dtype=float) for x in (k, n, p))
    expected = n * p
    variance = n * p * (1 - p) + extra_variance
    judged = (n >= MIN_BASE) & np.isfinite(p)
    phi = dispersion(k[judged], expected[judged], variance[judged])
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(variance > 0, (k - expected) / np.sqrt(phi * variance), np.nan)
        ratio = np.where(expected > 0, k / expected, np.inf)
    z = np.where(judged, z, np.nan)
    return expected, ratio, z


def _fires(k, expected, ratio, z, min_ratio: float) -> np.ndarray:
    z = np.nan_to_num(np.asarray(z, dtype=float), nan=-np.inf)
    return (z >= Z_MIN) & (np.asarray(k) - expected >= MIN_EXCESS) & (ratio >= min_ratio)


def _strength(z: float, lang: str | None = None) -> tuple[str, str]:
    if not np.isfinite(z) or z < Z_MIN:
        return "", ""
    label = tr("strength_strong" if z >= Z_STRONG else "strength_moderate", lang)
    return label, tr("strength_text", lang, label=label, z=format_number(z, 1))


def _rows(signal: str, year: int, codes, names, k, n, expected, ratio, z, fired, comparisons,
          rule: str, n_households=None) -> pd.DataFrame:  # fmt: skip
    strengths = [_strength(v) if f else ("", "") for v, f in zip(z, fired, strict=True)]
    return pd.DataFrame(
        {
            "year": year,
            "commune_code": list(codes),
            "commune_name": [names.get(c, c) for c in codes],
            "signal": signal,
            "label": tr(f"signal_{signal}"),
            "observed": np.asarray(k, dtype=float),
            "expected": np.asarray(expected, dtype=float),
            "n_base": np.asarray(n, dtype=float),
            "ratio": np.asarray(ratio, dtype=float),
            "z": np.asarray(z, dtype=float),
            "fired": np.asarray(fired, dtype=bool),
            "strength": [s[0] for s in strengths],
            "strength_text": [s[1] for s in strengths],
            "rule": rule,
            "comparison": comparisons,
            "n_households": (
                np.asarray(n_households, dtype=float) if n_households is not None else np.nan
            ),
        }
    )


def _n(x: float) -> str:
    return format_number(x)


def _p(x: float) -> str:
    return format_pct(x, 1)


# ---------------------------------------------------------------- commune-level signals
def exit_surge(table: pd.DataFrame, year: int, names: Mapping[str, str], rule: str) -> pd.DataFrame:
    """Exits from the poor list this year against the commune's own earlier pace."""
    t = table.dropna(subset=["n_poor_start", "n_poor_out_near_poor", "n_poor_out_above"])
    t = t.assign(k=t["n_poor_out_near_poor"] + t["n_poor_out_above"])
    now = t[t["year"] == year].set_index("commune_code")
    before = t[t["year"] < year].groupby("commune_code")[["k", "n_poor_start"]].sum()
    before = before.reindex(now.index)
    ok = (before["n_poor_start"] > 0).fillna(False).to_numpy()
    now, before = now[ok], before[ok]
    if now.empty:
        return pd.DataFrame(columns=list(SIGNAL_COLUMNS))
    k, n = now["k"].to_numpy(float), now["n_poor_start"].to_numpy(float)
    k0, n0 = before["k"].to_numpy(float), before["n_poor_start"].to_numpy(float)
    own = k0 / n0
    other_now, other_before = _leave_one_out(k, n), _leave_one_out(k0, n0)
    with np.errstate(invalid="ignore", divide="ignore"):
        drift = np.where(other_before > 0, other_now / other_before, 1.0)
    p = np.clip(own * np.nan_to_num(drift, nan=1.0), 1e-6, 0.99)
    # the commune's earlier pace is itself a sample: its error adds to the expected count's
    expected, ratio, z = _score(k, n, p, extra_variance=n**2 * p * (1 - p) / n0)
    fired = _fires(k, expected, ratio, z, SURGE_MIN_RATIO)
    earlier = sorted(int(y) for y in t.loc[t["year"] < year, "year"].unique())
    span = f"{earlier[0]}–{earlier[-1]}" if len(earlier) > 1 else str(earlier[0])
    comparisons = [
        tr("comparison_exit_surge", year=year, k=_n(a), n=_n(b), rate=_p(a / b if b else np.nan),
           earlier=span, rate_own=_p(c), other_now=_p(d), other_before=_p(e), expected=_n(f))
        for a, b, c, d, e, f in zip(k, n, own, other_now, other_before, expected, strict=True)
    ]  # fmt: skip
    return _rows("exit_surge", year, now.index, names, k, n, expected, ratio, z, fired,
                 comparisons, rule)  # fmt: skip


def other_decrease(
    table: pd.DataFrame, year: int, names: Mapping[str, str], rule: str
) -> pd.DataFrame:
    """Households leaving the lists as "giảm khác", against the other communes."""
    cols = ["n_poor_start", "n_near_poor_start", "n_poor_out_other", "n_near_poor_out_other"]
    now = table[table["year"] == year].dropna(subset=cols).set_index("commune_code")
    if now.empty:
        return pd.DataFrame(columns=list(SIGNAL_COLUMNS))
    k = (now["n_poor_out_other"] + now["n_near_poor_out_other"]).to_numpy(float)
    n = (now["n_poor_start"] + now["n_near_poor_start"]).to_numpy(float)
    p = _leave_one_out(k, n)
    expected, ratio, z = _score(k, n, p)
    fired = _fires(k, expected, ratio, z, MIN_RATIO)
    comparisons = [
        tr("comparison_other_decrease", year=year, k=_n(a), n=_n(b),
           share=_p(a / b if b else np.nan), share_other=_p(c), expected=_n(d))
        for a, b, c, d in zip(k, n, p, expected, strict=True)
    ]  # fmt: skip
    return _rows("other_decrease", year, now.index, names, k, n, expected, ratio, z, fired,
                 comparisons, rule, k)  # fmt: skip


def denominator_jump(
    table: pd.DataFrame, year: int, names: Mapping[str, str], rule: str
) -> pd.DataFrame:
    """Resident households growing far beyond the other communes while the lists shrink."""
    t = table.dropna(subset=["n_households", "n_poor", "n_near_poor"]).sort_values("year")
    t = t.assign(listed=t["n_poor"] + t["n_near_poor"])
    wide = t.pivot_table(index="commune_code", columns="year", values="n_households")
    listed = t.pivot_table(index="commune_code", columns="year", values="listed")
    if year not in wide.columns or year - 1 not in wide.columns:
        return pd.DataFrame(columns=list(SIGNAL_COLUMNS))
    excess_all = []
    for y in [c for c in wide.columns if c - 1 in wide.columns and c <= year]:
        pair = wide[[y - 1, y]].dropna()
        growth = pair[y] / pair[y - 1] - 1
        others = (pair[y].sum() - pair[y]) / (pair[y - 1].sum() - pair[y - 1]) - 1
        excess_all.append((growth - others).rename(y))
    excess_frame = pd.concat(excess_all, axis=1)
    values = excess_frame.to_numpy().ravel()
    values = values[np.isfinite(values)]
    sd = max(DENOMINATOR_MIN_SD, 1.4826 * float(np.median(np.abs(values - np.median(values)))))
    pair = wide[[year - 1, year]].dropna()
    before, after = pair[year - 1].to_numpy(float), pair[year].to_numpy(float)
    growth = after / before - 1
    others = (after.sum() - after) / (before.sum() - before) - 1
    expected = before * (1 + others)
    z = (growth - others) / sd
    lists = listed.reindex(pair.index)
    shrank = (lists[year] < lists[year - 1]).fillna(False).to_numpy()
    fired = (
        (z >= Z_MIN)
        & (growth - others >= DENOMINATOR_MIN_PP)
        & (after - expected >= DENOMINATOR_MIN_EXCESS)
        & shrank
    )
    poor = t[t["year"] == year].set_index("commune_code")["n_poor"].reindex(pair.index)
    comparisons = [
        tr("comparison_denominator_jump", year=year, before=_n(b), after=_n(a), growth=_p(g),
           growth_other=_p(o), list_before=_n(lb), list_after=_n(la), rate=_p(pp / a),
           rate_alt=_p(pp / e))
        for b, a, g, o, lb, la, pp, e in zip(
            before, after, growth, others, lists[year - 1], lists[year], poor, expected,
            strict=True,
        )
    ]  # fmt: skip
    ratio = np.where(expected > 0, after / expected, np.inf)
    return _rows("denominator_jump", year, pair.index, names, after, before, expected, ratio, z,
                 fired, comparisons, rule)  # fmt: skip


# ---------------------------------------------------------------- household-level signals
def _exits(households: pd.DataFrame, year: int, status_col: str) -> pd.DataFrame:
    """This year's exits with their previous-year flags (suffix _before)."""
    exits = exits_of_year(households, year, status_col)
    prev = households[households["year"] == year - 1].set_index("household_id")
    flags = [c for c in (*DEPRIVATION_COLUMNS, "has_indicator_flags") if c in prev.columns]
    before = prev[flags].add_suffix("_before")
    return exits.join(before, on="household_id")


def _unchanged(exits: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(comparable, unchanged) per exit: all 12 flags identical when both years list them,
    else the same number of deprivations."""
    has_now = exits.get("has_indicator_flags", pd.Series(True, index=exits.index))
    has_before = exits.get("has_indicator_flags_before", pd.Series(True, index=exits.index))
    both = (has_now.fillna(False) & has_before.fillna(False)).to_numpy(dtype=bool)
    same_flags = np.ones(len(exits), dtype=bool)
    for c in DEPRIVATION_COLUMNS:
        if c in exits.columns and f"{c}_before" in exits.columns:
            a = exits[c].fillna(False).to_numpy(dtype=bool)
            b = exits[f"{c}_before"].fillna(False).to_numpy(dtype=bool)
            same_flags &= a == b
    from analysis.sustainability.fragile import deprivation_counts

    after = deprivation_counts(exits).to_numpy(dtype=float, na_value=np.nan)
    before = pd.to_numeric(exits["n_deprivations_before"], errors="coerce").to_numpy(dtype=float)
    counts_known = ~np.isnan(after) & ~np.isnan(before)
    comparable = both | counts_known
    unchanged = np.where(both, same_flags, counts_known & (after == before))
    return comparable, unchanged


def _share_signal(
    signal: str,
    year: int,
    frame: pd.DataFrame,
    base: np.ndarray,
    hit: np.ndarray,
    names: Mapping[str, str],
    rule: str,
    comparison_key: str,
    detail: pd.Series,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A household share per commune (`hit` among `base`) against the other communes."""
    codes = frame["commune_code"].astype(str).to_numpy()
    grouped = (
        pd.DataFrame({"c": codes[base], "hit": hit[base]}).groupby("c")["hit"].agg(["sum", "size"])
    )
    if grouped.empty:
        return pd.DataFrame(columns=list(SIGNAL_COLUMNS)), pd.DataFrame(
            columns=list(HOUSEHOLD_COLUMNS)
        )
    k, n = grouped["sum"].to_numpy(float), grouped["size"].to_numpy(float)
    p = _leave_one_out(k, n)
    expected, ratio, z = _score(k, n, p)
    fired = _fires(k, expected, ratio, z, MIN_RATIO)
    comparisons = [
        tr(comparison_key, year=year, k=_n(a), n=_n(b), share=_p(a / b), share_other=_p(c),
           expected=_n(d))
        for a, b, c, d in zip(k, n, p, expected, strict=True)
    ]  # fmt: skip
    rows = _rows(signal, year, grouped.index, names, k, n, expected, ratio, z, fired,
                 comparisons, rule, k)  # fmt: skip
    chosen = base & hit
    households = pd.DataFrame(
        {
            "year": year,
            "commune_code": codes[chosen],
            "signal": signal,
            "household_id": frame["household_id"].astype(str).to_numpy()[chosen],
            "detail": detail.to_numpy()[chosen],
        }
    )
    fired_codes = set(rows.loc[rows["fired"], "commune_code"])
    households = households[households["commune_code"].isin(fired_codes)]
    return rows, households.sort_values(["commune_code", "household_id"], ignore_index=True)


def bunching(
    exits: pd.DataFrame, year: int, standard, window: float, names, rule: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Exits' incomes just above the line, against the shape of the other communes' exits."""
    ratio = income_ratio(exits, standard)
    base = (ratio > 1) & (ratio <= 1 + BAND * window + 1e-12)
    hit = ratio <= 1 + window + 1e-12
    detail = pd.Series(
        [f"+{format_number(100 * (r - 1), 1)} %" if np.isfinite(r) else "" for r in ratio]
    )
    return _share_signal("bunching", year, exits, base, hit, names, rule, "comparison_bunching",
                         detail)  # fmt: skip


def no_deprivation_change(
    exits: pd.DataFrame, year: int, names, rule: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Exits from the poor list whose deprivations are identical to the year before, against
    the other communes (a near-poor household has few deprivations: unchanged is common)."""
    comparable, unchanged = _unchanged(exits)
    comparable &= (exits["exit_from"] == "poor").to_numpy()
    before = pd.to_numeric(exits["n_deprivations_before"], errors="coerce")
    detail = before.map(lambda v: "" if pd.isna(v) else f"{int(v)} → {int(v)}").reset_index(
        drop=True
    )
    return _share_signal("no_deprivation_change", year, exits, comparable, unchanged, names,
                         rule, "comparison_no_deprivation_change", detail)  # fmt: skip


# ---------------------------------------------------------------- all signals of a review
def integrity_signals(
    households: pd.DataFrame | None,
    table: pd.DataFrame,
    year: int,
    standard,
    *,
    window: float = 0.05,
    names: Mapping[str, str] | None = None,
    broken_years: Collection[int] = (),
    status_col: str = "reported_status",
) -> Signals:
    """Every signal of review `year`. `table`: the commune x year indicator table on the run
    year's units (counts and dynamics; earlier vintages summed onto them); `households`:
    the household panel (None on summary-table input: the household signals are skipped)."""
    names = dict(names or {})
    if not names and "commune_name" in table.columns:
        now = table[table["year"] == year]
        names = dict(zip(now["commune_code"].astype(str), now["commune_name"], strict=False))
    text = rules(window)
    frames = [
        exit_surge(table, year, names, text["exit_surge"]),
        denominator_jump(table, year, names, text["denominator_jump"]),
        other_decrease(table, year, names, text["other_decrease"]),
    ]
    people = []
    linked = (
        households is not None
        and year in set(households["year"])
        and year - 1 in set(households["year"])
        and year not in set(broken_years)
    )
    if linked:
        exits = _exits(households, year, status_col)
        # only the communes the table compares (those with a list every year)
        judged = set(table.loc[table["year"] == year, "commune_code"].astype(str))
        exits = exits[exits["commune_code"].astype(str).isin(judged)]
        for rows, hh in (
            bunching(exits, year, standard, window, names, text["bunching"]),
            no_deprivation_change(exits, year, names, text["no_deprivation_change"]),
        ):
            frames.append(rows)
            people.append(hh)
    frames = [f for f in frames if len(f)]
    table_out = (
        pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=SIGNAL_COLUMNS)
    )
    table_out = (
        table_out.astype({"fired": bool, "commune_code": str}) if len(table_out) else table_out
    )
    people_out = (
        pd.concat(people, ignore_index=True)
        if people
        else pd.DataFrame({c: pd.Series(dtype=object) for c in HOUSEHOLD_COLUMNS})
    )
    return Signals(table_out[list(SIGNAL_COLUMNS)], people_out)
