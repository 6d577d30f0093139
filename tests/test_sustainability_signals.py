"""Each integrity signal's rule on small hand-made communes: it fires where the pattern is, stays
silent where it is not, and says what it compared."""

import numpy as np
import pandas as pd
import pytest

from analysis.sustainability.signals import (
    SIGNALS,
    integrity_signals,
    rules,
)
from sustainability_panels import panel
from text_rules import violations

STANDARD = "vn-2022-2025"
LINE = 1_500_000
COMMUNES = [f"0000{i}" for i in range(1, 7)]
NAMES = {c: f"Xã {c[-1]}" for c in COMMUNES}


def _table(years=(2022, 2023, 2024), changes=None) -> pd.DataFrame:
    """An indicator table: every commune 200 poor, 150 near-poor at the start of each year,
    60 poor exits, 3 'giảm khác', 1000 resident households growing 1 % a year; `changes`:
    (code, year) -> {column: value}."""
    rows = []
    for code in COMMUNES:
        for i, year in enumerate((years[0] - 1, *years)):
            rows.append(
                {
                    "year": year,
                    "commune_code": code,
                    "commune_name": NAMES[code],
                    "unit_vintage": 2024,
                    "n_households": round(1000 * 1.01**i),
                    "n_poor": 200 - i,
                    "n_near_poor": 150 - i,
                    **(
                        {
                            "n_poor_start": 200,
                            "n_poor_out_near_poor": 30,
                            "n_poor_out_above": 30 + (i % 2),
                            "n_poor_out_other": 2,
                            "n_near_poor_start": 150,
                            "n_near_poor_out_other": 1 + (i % 2),
                        }
                        if year > years[0] - 1
                        else {}
                    ),
                }
            )
    table = pd.DataFrame(rows)
    for (code, year), values in (changes or {}).items():
        mask = (table["commune_code"] == code) & (table["year"] == year)
        for column, value in values.items():
            table.loc[mask, column] = value
    return table


def _fired(signals, signal):
    t = signals.table
    return set(t.loc[(t["signal"] == signal) & t["fired"], "commune_code"])


def test_exit_surge__fires_on_a_commune_far_above_its_own_pace():
    table = _table(changes={("00001", 2024): {"n_poor_out_above": 90}})
    s = integrity_signals(None, table, 2024, STANDARD)
    assert _fired(s, "exit_surge") == {"00001"}
    row = s.fired.iloc[0]
    assert row["observed"] == 120 and row["expected"] == pytest.approx(60.5, abs=1.5)
    assert "120 hộ thoát nghèo trên 200 hộ nghèo đầu năm" in row["comparison"]
    assert row["strength"] in ("vừa", "mạnh") and "lần sai số" in row["strength_text"]


def test_exit_surge__silent_when_every_commune_rises_together_or_the_excess_is_small():
    everyone = {(c, 2024): {"n_poor_out_above": 90} for c in COMMUNES}
    assert not _fired(
        integrity_signals(None, _table(changes=everyone), 2024, STANDARD), "exit_surge"
    )
    small = _table(changes={("00001", 2024): {"n_poor_start": 8, "n_poor_out_above": 8}})
    assert not _fired(integrity_signals(None, small, 2024, STANDARD), "exit_surge")
    # the first year with flows has no earlier pace to compare with
    assert not len(
        integrity_signals(None, _table(), 2022, STANDARD).table.query("signal == 'exit_surge'")
    )


def test_other_decrease__fires_on_many_households_leaving_as_other():
    table = _table(changes={("00003", 2024): {"n_poor_out_other": 30, "n_near_poor_out_other": 10}})
    s = integrity_signals(None, table, 2024, STANDARD)
    assert _fired(s, "other_decrease") == {"00003"}
    assert not _fired(integrity_signals(None, _table(), 2024, STANDARD), "other_decrease")


def test_denominator_jump__needs_the_jump_and_a_shrinking_list():
    jump = {("00002", 2024): {"n_households": 1120, "n_poor": 150}}
    s = integrity_signals(None, _table(changes=jump), 2024, STANDARD)
    assert _fired(s, "denominator_jump") == {"00002"}
    row = s.fired.iloc[0]
    assert "1.120" in row["comparison"] and "thay vì" in row["comparison"]
    # the same jump with a growing list is not this signal
    grows = {("00002", 2024): {"n_households": 1120, "n_poor": 260}}
    assert not _fired(
        integrity_signals(None, _table(changes=grows), 2024, STANDARD), "denominator_jump"
    )


def _exits(code: str, n: int, ratios, flags_same: bool, start: int = 0) -> pd.DataFrame:
    """`n` households of commune `code` poor in 2023 and leaving in 2024, incomes at `ratios`
    x the line; deprivation flags unchanged (flags_same) or one flag fewer in 2024."""
    ids = [f"{code}-{start + i}" for i in range(n)]
    ratios = np.resize(np.asarray(ratios, dtype=float), n)
    hh = panel(
        dict.fromkeys(ids, "PL"),
        first_year=2023,
        commune=code,
        income_pc_vnd={h: {2024: LINE * r} for h, r in zip(ids, ratios, strict=True)},
        has_indicator_flags=dict.fromkeys(ids, True),
        dep_water=dict.fromkeys(ids, True),
        dep_latrine=dict.fromkeys(ids, True),
        dep_telecom={h: {2023: True, 2024: flags_same} for h in ids},
    )
    hh["n_deprivations"] = hh[["dep_water", "dep_latrine", "dep_telecom"]].sum(axis=1)
    return hh.astype({"n_deprivations": "Int8"})


SPREAD = np.linspace(1.01, 1.15, 14)  # incomes spread over the band above the line


def test_bunching__fires_where_exits_crowd_just_above_the_line():
    frames = [_exits(c, 28, SPREAD, flags_same=False) for c in COMMUNES[1:]]
    frames.append(_exits("00001", 28, np.linspace(1.005, 1.045, 7), flags_same=False))
    s = integrity_signals(pd.concat(frames), _table(years=(2024,)), 2024, STANDARD)
    assert _fired(s, "bunching") == {"00001"}
    behind = s.households[s.households["signal"] == "bunching"]
    assert len(behind) == 28 and set(behind["commune_code"]) == {"00001"}
    assert behind["detail"].str.startswith("+").all()
    row = s.table[(s.table["signal"] == "bunching") & (s.table["commune_code"] == "00001")]
    assert "28 trong 28 hộ thoát có thu nhập sát chuẩn" in row["comparison"].iloc[0]


def test_bunching__silent_on_the_same_shape_everywhere():
    frames = [_exits(c, 28, SPREAD, flags_same=False) for c in COMMUNES]
    s = integrity_signals(pd.concat(frames), _table(years=(2024,)), 2024, STANDARD)
    assert not _fired(s, "bunching") and s.households.empty


def test_no_deprivation_change__fires_on_exits_with_identical_deprivations():
    frames = [_exits(c, 30, [1.4], flags_same=False) for c in COMMUNES[1:]]
    frames += [_exits(c, 1, [1.4], flags_same=True, start=99) for c in COMMUNES[1:]]
    frames.append(_exits("00001", 30, [1.4], flags_same=True))
    s = integrity_signals(pd.concat(frames), _table(years=(2024,)), 2024, STANDARD)
    assert _fired(s, "no_deprivation_change") == {"00001"}
    behind = s.households[s.households["signal"] == "no_deprivation_change"]
    assert set(behind["commune_code"]) == {"00001"} and len(behind) == 30


def test_no_deprivation_change__counts_only_when_lists_give_no_flags():
    frames = [_exits(c, 30, [1.4], flags_same=False) for c in COMMUNES]
    hh = pd.concat(frames)
    # commune 1 writes only the number of deprivations, the same both years
    one = hh["commune_code"] == "00001"
    hh.loc[one, "has_indicator_flags"] = False
    hh.loc[one, "n_deprivations"] = 3
    s = integrity_signals(hh, _table(years=(2024,)), 2024, STANDARD)
    assert _fired(s, "no_deprivation_change") == {"00001"}


def test_household_signals__skipped_without_households_or_a_link():
    table = _table()
    assert set(integrity_signals(None, table, 2024, STANDARD).table["signal"]) <= set(SIGNALS)
    hh = pd.concat([_exits(c, 28, SPREAD, flags_same=False) for c in COMMUNES])
    s = integrity_signals(hh, _table(years=(2024,)), 2024, STANDARD, broken_years=[2024])
    assert "bunching" not in set(s.table["signal"])


def test_rules__plain_words_with_the_thresholds_and_no_accusation():
    text = rules(0.05)
    assert set(text) == set(SIGNALS)
    assert "5 %" in text["bunching"] and "15 %" in text["bunching"]
    for rule in text.values():
        assert "tín hiệu" in rule.lower() and not violations(rule)
        for word in ("gian lận", "sai phạm", "vi phạm", "cố ý"):
            assert word not in rule.lower()
