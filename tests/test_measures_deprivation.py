import pandas as pd
import pytest

from analysis.measures import deprivation_headcounts, deprivation_table_vi, headcounts_wide
from analysis.schema import DEPRIVATION_COLUMNS


def _hh() -> pd.DataFrame:
    rows = [
        ("poor", ["dep_water", "dep_latrine", "dep_telecom"]),
        ("poor", ["dep_water", "dep_nutrition", "dep_employment"]),
        ("near_poor", ["dep_latrine"]),
        ("not_poor", []),
    ]
    df = pd.DataFrame([{c: c in d for c in DEPRIVATION_COLUMNS} for _, d in rows])
    return df.assign(
        year=2024, commune_code="1", n_members=[1, 3, 2, 4], reported_status=[s for s, _ in rows]
    )


def _get(table, population, item):
    sel = table[(table["population"] == population) & (table["item"] == item)]
    return sel.iloc[0]


def test_deprivation_headcounts__censored_by_status():
    table = deprivation_headcounts(_hh())
    row = _get(table, "poor", "dep_water")
    assert (row["n_units"], row["n_deprived"], row["rate"]) == (2, 2, 1.0)
    assert _get(table, "poor_near_poor", "dep_latrine")["rate"] == pytest.approx(2 / 3)


def test_deprivation_headcounts__dimension_is_any_indicator():
    row = _get(deprivation_headcounts(_hh()), "poor", "water_sanitation")
    assert row["level"] == "dimension"
    assert row["n_deprived"] == 2


def test_deprivation_headcounts__list_input_labelled_reviewed():
    table = deprivation_headcounts(_hh())
    assert "all" not in set(table["population"])
    assert _get(table, "reviewed", "dep_water")["rate"] == pytest.approx(0.5)
    whole = deprivation_headcounts(_hh(), whole_population=True)
    assert "reviewed" not in set(whole["population"])


def test_deprivation_headcounts__persons():
    row = _get(deprivation_headcounts(_hh(), persons=True), "poor", "dep_nutrition")
    assert (row["n_units"], row["n_deprived"]) == (4, 3)


def test_headcounts_wide__official_order():
    wide = headcounts_wide(deprivation_headcounts(_hh()), "poor")
    assert wide.columns[3:5].tolist() == ["n_dep_employment", "rate_dep_employment"]
    assert wide["n_dep_water"].iloc[0] == 2


def test_deprivation_table_vi__percent_by_population():
    table = deprivation_table_vi(deprivation_headcounts(_hh()))
    assert table.index.name == "Chỉ số"
    assert table.loc["Nguồn nước sinh hoạt", "Hộ nghèo (%)"] == 100.0
    assert list(table.index[:2]) == ["Việc làm", "Người phụ thuộc trong hộ gia đình"]
