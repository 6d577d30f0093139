"""The large-data path (analysis.scale, DuckDB over partitioned parquet) gives the pandas
measures' figures: on the synthetic sample district and on random households (missing
incomes, score-only rows, unknown area, values exactly on the lines, several districts and
provinces, households moving and leaving), to 1e-9."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import measures
from analysis.config import PROJECT_ROOT, load_config
from analysis.errors import UserError
from analysis.scale import Engine, measure, write_households
from analysis.scale.layout import to_arrow
from analysis.schema import DEPRIVATION_COLUMNS, STATUSES
from analysis.standard import classify_living_standard
from analysis.synthetic import simulate

UNITS = [  # province, district, commune
    ("01", "001", "00001"),
    ("01", "001", "00002"),
    ("01", "002", "00003"),
    ("02", "003", "00004"),
]
EDGES = [1_500_000, 2_000_000, 2_250_000, 3_000_000, 700_000, 900_000, 1_000_000, 1_300_000]


def _compare(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True), expected.reset_index(drop=True),
        check_dtype=False, check_column_type=False, check_exact=False, rtol=1e-9, atol=1e-12,
    )  # fmt: skip


def random_households(seed: int, n: int = 500, years=(2022, 2023, 2024)) -> pd.DataFrame:
    """Households over `years`: some leave, some form, some move commune; messy values."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"H{i:05d}" for i in range(int(n * 1.4))], dtype=object)
    home = rng.integers(0, len(UNITS), len(ids))
    frames = []
    for year in years:
        present = rng.random(len(ids)) < 0.75
        idx = np.flatnonzero(present)
        m = len(idx)
        unit = np.where(rng.random(m) < 0.05, rng.integers(0, len(UNITS), m), home[idx])
        income = np.exp(rng.normal(np.log(2_000_000), 0.5, m)).round(-3)
        income = np.where(rng.random(m) < 0.15, rng.choice(EDGES, m), income)
        income = np.where(rng.random(m) < 0.1, np.nan, income)
        score = np.where(np.isnan(income) & (rng.random(m) < 0.6),
                         rng.choice([120.0, 140.0, 150.0, 175.0, 190.0], m), np.nan)  # fmt: skip
        urban = pd.array(rng.random(m) < 0.3, dtype="boolean")
        urban[rng.random(m) < 0.05] = pd.NA
        frame = pd.DataFrame(
            {
                "year": year,
                "household_id": ids[idx],
                "province_code": [UNITS[u][0] for u in unit],
                "district_code": [UNITS[u][1] for u in unit],
                "commune_code": [UNITS[u][2] for u in unit],
                "unit_vintage": 2024,
                "is_urban": urban,
                "n_members": rng.integers(1, 9, m),
                "income_pc_vnd": income,
                "income_score": score,
                "reported_status": rng.choice(STATUSES, m, p=[0.3, 0.3, 0.1, 0.3]),
            }
        )
        for col in DEPRIVATION_COLUMNS:
            flags = pd.array(rng.random(m) < 0.3, dtype="boolean")
            flags[rng.random(m) < 0.03] = pd.NA
            frame[col] = flags
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _totals(hh: pd.DataFrame, extra: int = 0, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    out = hh.groupby(["year", "commune_code"], as_index=False).agg(
        n_households=("household_id", "size"), n_persons=("n_members", "sum")
    )
    if extra:
        out["n_households"] += rng.integers(0, extra, len(out))
    return out


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample district (whole population, 2021-2025, units merged in 2025) on disk."""
    config = load_config(PROJECT_ROOT / "config" / "huong_son.yaml")
    sim = simulate(config, households=1500)
    hh = pd.concat(sim.households.values(), ignore_index=True)
    root = tmp_path_factory.mktemp("sample") / "households"
    write_households(hh, root, config.district.province_code, config.district.district_code)
    registry = sim.registry
    result = measure(root, config.standard_for, names=registry.names_by_vintage(),
                     crosswalk=registry.to_merged())  # fmt: skip
    return {"hh": hh, "root": root, "registry": registry, "result": result}


@pytest.fixture(scope="module", params=[3, 11])
def messy(request, tmp_path_factory):
    hh = random_households(request.param)
    root = tmp_path_factory.mktemp(f"random{request.param}") / "households"
    write_households(hh, root)
    totals = _totals(hh, extra=40, seed=request.param)
    result = measure(root, "vn-2022-2025", totals=totals)
    return {"hh": hh, "root": root, "totals": totals, "result": result}


def test_scale__sample_commune_indicators_equal_the_pandas_measures(sample):
    hh, registry = sample["hh"], sample["registry"]
    expected = measures.commune_indicators(hh, _totals(hh), registry.names_by_vintage(),
                                           crosswalk=registry.to_merged())  # fmt: skip
    got = sample["result"].communes
    assert set(got["district_code"]) == {"439"} and got["n_poor_start"].notna().any()
    pd.testing.assert_frame_equal(got.drop(columns=["province_code", "district_code"]), expected)


def test_scale__sample_district_and_alkire_foster_equal_the_pandas_measures(sample):
    hh, result = sample["hh"], sample["result"]
    communes = result.communes.drop(columns=["province_code", "district_code"])
    district = measures.district_indicators(communes, "")
    _compare(result.districts.drop(columns=["province_code", "district_code", "commune_name"]),
             district.drop(columns="commune_name"))  # fmt: skip
    af = measures.alkire_foster(hh, k=3, by=("year", "commune_code"))
    _compare(result.af.summary, af.summary)
    _compare(result.af.indicators, af.indicators)
    _compare(result.af_at("country").summary, measures.aggregate(af).summary)


def test_scale__sample_classes_and_each_household_class(sample):
    hh, result = sample["hh"], sample["result"]
    for year, rows in hh.groupby("year"):
        got = result.classes[result.classes["year"] == year].drop(columns="year")
        _compare(got, measures.living_standard_classes(rows))
    status = Engine(sample["root"]).classify([2024]).df().set_index("household_id")["status"]
    rows = hh[hh["year"] == 2024].set_index("household_id")
    expected = classify_living_standard(rows)
    assert (status.reindex(expected.index).astype("string") == expected).all()


def test_scale__random_households_equal_the_pandas_measures(messy):
    hh, totals, result = messy["hh"], messy["totals"], messy["result"]
    expected = measures.commune_indicators(hh, totals, {})
    pd.testing.assert_frame_equal(
        result.communes.drop(columns=["province_code", "district_code"]), expected
    )
    for level, key in (("districts", "district_code"), ("provinces", "province_code")):
        table = getattr(result, level)
        for code, rows in expected.groupby(result.communes[key]):
            got = table[table[key] == code].drop(
                columns=["province_code", "district_code", "commune_name"], errors="ignore"
            )
            _compare(got, measures.district_indicators(rows, "").drop(columns="commune_name"))
    _compare(
        result.country,
        measures.district_indicators(expected, result.country["commune_name"].iloc[0]),
    )


def test_scale__random_households_flows_in_persons_and_alkire_foster(messy):
    from analysis.scale.flows import flows

    hh, result = messy["hh"], messy["result"]
    engine = Engine(messy["root"])
    got = flows(engine, result.profile.vintages(), persons=True)
    _compare(got, measures.list_flows(hh, persons=True))
    af = measures.alkire_foster(hh, k=3, by=("year", "commune_code"))
    _compare(result.af.summary, af.summary)
    _compare(result.af.indicators, af.indicators)
    persons = engine.profile("vn-2022-2025", k=2, population="listed", persons=True)
    expected = measures.alkire_foster(measures.income_poor(hh), k=2, by=("year", "district_code"),
                                      persons=True)  # fmt: skip
    _compare(persons.alkire_foster(("year", "district_code")).summary, expected.summary)


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
@pytest.mark.parametrize("standard", ["vn-2016-2020", "vn-2022-2025"])
def test_scale__random_classes_under_each_standard(messy, standard, backend):
    hh = messy["hh"]
    hh = hh.assign(dep_health_access=hh["dep_nutrition"])
    root = messy["root"].parent / f"std-{standard}"
    if not root.exists():
        write_households(hh, root)
    got = Engine(root).profile(standard, backend=backend).classes(("year",))
    for year, rows in hh.groupby("year"):
        _compare(got[got["year"] == year].drop(columns="year"),
                 measures.living_standard_classes(rows, standard))  # fmt: skip


def test_scale__rows_without_indicator_flags_are_left_out_of_alkire_foster(tmp_path):
    hh = random_households(5, n=200, years=(2024,))
    hh["n_deprivations"] = hh[list(DEPRIVATION_COLUMNS)].fillna(False).sum(axis=1)
    hh["has_indicator_flags"] = np.arange(len(hh)) % 4 != 0
    write_households(hh, tmp_path / "hh")
    af = Engine(tmp_path / "hh").profile("vn-2022-2025").alkire_foster(("year",))
    expected = measures.alkire_foster(measures.with_indicator_flags(hh), by=("year",))
    _compare(af.summary, expected.summary)


def test_scale__bad_inputs_are_user_errors_naming_commune_and_year(tmp_path):
    hh = random_households(7, n=60, years=(2023, 2024))
    bad = hh.copy()
    bad.loc[bad.index[3], "reported_status"] = "giàu"
    write_households(bad, tmp_path / "bad")
    with pytest.raises(UserError, match=r"xã \d{5} năm \d{4}: 1 hộ phân loại hộ không hợp lệ"):
        Engine(tmp_path / "bad").profile("vn-2022-2025")
    dup = pd.concat([hh, hh[hh["year"] == 2024].head(1)], ignore_index=True)
    write_households(dup, tmp_path / "dup")
    with pytest.raises(UserError, match="xuất hiện 2 lần trong năm 2024"):
        measure(tmp_path / "dup", "vn-2022-2025")
    with pytest.raises(UserError, match="thông tin cá nhân"):
        to_arrow(hh.assign(head_name="Nguyễn Văn A"))
    with pytest.raises(UserError, match="không có bảng hộ phân vùng"):
        Engine(tmp_path / "nothing")


def test_scale__dask_on_a_local_cluster_equals_one_machine(messy):
    from analysis.scale.distributed import client_for, measure_with_dask

    duck = messy["result"]  # Polars scan, DuckDB flows
    with client_for(workers=1, processes=False) as client:
        got = measure_with_dask(messy["root"], "vn-2022-2025", totals=messy["totals"],
                                client=client)  # fmt: skip
    pd.testing.assert_frame_equal(got.communes, duck.communes)
    pd.testing.assert_frame_equal(got.provinces, duck.provinces)
    _compare(got.af.indicators, duck.af.indicators)
    _compare(got.classes, duck.classes)


@pytest.mark.parametrize(("k", "persons", "population"), [(3, False, "all"), (2, True, "listed")])
def test_scale__duckdb_sql_gives_the_polars_sums(messy, k, persons, population):
    engine = Engine(messy["root"])
    kw = {"k": k, "persons": persons, "population": population}
    lazy = engine.profile("vn-2022-2025", **kw).sums
    duck = engine.profile("vn-2022-2025", backend="duckdb", **kw).sums
    pd.testing.assert_frame_equal(duck[lazy.columns], lazy, check_dtype=False)


def test_generate__streams_chunks_deterministically_whatever_the_workers(tmp_path):
    from analysis.scale.generate import CountrySpec, chunks, generate_country, units

    spec = CountrySpec(3000, provinces=2, years=(2023, 2024), chunk_rows=700)
    table = units(spec)
    bounds = chunks(table, spec.chunk_rows)
    assert len(bounds) > 2 and bounds[-1][1] == len(table)
    assert all(table["n_households"].iloc[a:b].sum() <= 700 or b - a == 1 for a, b in bounds)
    one = generate_country(tmp_path / "one", spec, workers=1, progress=False)
    two = generate_country(tmp_path / "two", spec, workers=2, progress=False)
    sums = [Engine(root).profile("vn-2022-2025").sums for root in (one, two)]
    pd.testing.assert_frame_equal(sums[0], sums[1])
    first = sums[0][sums[0]["year"] == 2023]
    assert first["n_rows"].sum() == 3000 and first["province_code"].nunique() == 2
    assert 0 < first["n_poor"].sum() < 3000
    assert generate_country(one, spec, progress=False) == one  # complete: reused
    with pytest.raises(UserError, match="đã có dữ liệu khác"):
        generate_country(one, CountrySpec(3001, provinces=2), progress=False)
