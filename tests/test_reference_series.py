"""The published reference figures (data/reference/poverty_rates_published.csv) and their loader."""

import pandas as pd
import pytest

from analysis.errors import UserError
from analysis.forecast.reference import (
    PUBLISHED_PATH,
    STANDARDS,
    load_published,
    published_series,
)


def test_published__every_row_has_a_source_and_an_address():
    t = load_published()
    assert len(t) >= 40 and set(t["standard"]) == set(STANDARDS)
    assert (t["source"].str.len() > 10).all()
    assert t["address"].str.match(r"https?://").all()
    assert {"national", "region", "province", "district"} <= set(t["level"])
    # at least Hà Tĩnh and several other provinces, under the 2022-2025 standard
    provinces = t[(t["level"] == "province") & (t["standard"] == "vn-2022-2025")]["unit"]
    assert "Hà Tĩnh" in set(provinces) and provinces.nunique() >= 8


def test_published__national_figures_as_the_ministry_published_them():
    t = load_published().set_index(["unit", "standard", "year"]).sort_index()
    new = t.loc[("Toàn quốc", "vn-2022-2025")]
    assert new.loc[2022, "poor_rate_pct"] == 4.03 and new.loc[2023, "multidim_rate_pct"] == 5.71
    assert new.loc[2024, "n_poor"] == 599608
    # near-poor 2024 is not printed: filled as multidimensional - poor, and said so
    assert new.loc[2024, "near_poor_rate_pct"] == pytest.approx(2.13)
    assert new.loc[2024, "derived"] == "near_poor_rate_pct"
    assert new.loc[2022, "poor_rate"] == pytest.approx(0.0403)
    # the same year under the old standard is another number, in another series
    assert t.loc[("Toàn quốc", "vn-2016-2020", 2021), "poor_rate_pct"] == 2.23


def test_published_series__never_cross_a_change_of_standard():
    both = published_series(standard=None)
    national = [s for s in both if s.unit == "Toàn quốc" and s.quantity == "poor_rate"]
    assert {s.standard for s in national} == set(STANDARDS)
    for s in national:
        years = set(s.years)
        assert years <= (
            set(range(2016, 2022)) if s.standard == "vn-2016-2020" else set(range(2021, 2026))
        )
    current = published_series(min_years=3)
    assert len(current) >= 15 and all(s.standard == "vn-2022-2025" for s in current)
    assert all((s.rates > 0).all() and (s.rates < 1).all() for s in current)


def _write(tmp_path, edit) -> object:
    raw = pd.read_csv(PUBLISHED_PATH, dtype=str, keep_default_na=False)
    edit(raw)
    path = tmp_path / "published.csv"
    raw.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda r: r.__setitem__("address", r["address"].where(r.index != 3, "")),
            "dòng 5, cột 'address'",
        ),
        (lambda r: r.loc.__setitem__((0, "poor_rate_pct"), "4,03"), "dòng 2, cột 'poor_rate_pct'"),
        (
            lambda r: r.loc.__setitem__((0, "multidim_rate_pct"), "8.52"),
            "khác tỷ lệ nghèo [+] cận nghèo",
        ),
        (lambda r: r.loc.__setitem__((1, "year"), "2022"), "trùng"),
        (lambda r: r.loc.__setitem__((0, "standard"), "vn-2021"), "cột 'standard'"),
        (lambda r: r.loc.__setitem__((0, "derived"), "poor"), "cột không tồn tại"),
    ],
)
def test_load_published__mistakes_name_row_and_column(tmp_path, edit, message):
    path = _write(tmp_path, edit)
    with pytest.raises(UserError, match=message):
        load_published(path)


def test_load_published__rate_must_match_counts(tmp_path):
    def edit(r):
        i = r.index[r["unit"].eq("Quảng Bình")][0]
        r.loc[i, "poor_rate_pct"] = "5.20"
        r.loc[i, "multidim_rate_pct"] = "9.96"

    with pytest.raises(UserError, match="khác số hộ ÷ tổng số hộ"):
        load_published(_write(tmp_path, edit))
