"""The sample district's planted review-pressure patterns are found by the integrity signals, in
the communes and years they were planted, and no signal fires in the plain communes."""

import pandas as pd
import pytest

from analysis.config import load_config
from analysis.measures import commune_indicators
from analysis.sustainability.run import assess
from analysis.synthetic import simulate
from analysis.synthetic.lists import list_categories

PATTERN_SIGNAL = {"bunching": "bunching", "no_deprivation_change": "no_deprivation_change"}


def _run_inputs(config):
    """What a run reads from the sample: the listed households and the commune indicators."""
    sim = simulate(config)
    frames, previous = [], None
    for households in sim.households.values():
        category = list_categories(households, previous)
        frames.append(households[category.notna().to_numpy()])
        previous = households
    listed = pd.concat(frames, ignore_index=True)
    everyone = pd.concat(sim.households.values(), ignore_index=True)
    totals = everyone.groupby(["year", "commune_code"], as_index=False).agg(
        n_households=("household_id", "size"), n_persons=("n_members", "sum")
    )
    crosswalk = sim.registry.to_merged()
    indicators = commune_indicators(
        listed, totals, sim.registry.names_by_vintage(), crosswalk=crosswalk
    )
    return sim, listed, indicators, crosswalk


@pytest.fixture(scope="module")
def sample():
    config = load_config("config/huong_son.yaml")
    assert config.sample.pressure, "the sample config plants review-pressure patterns"
    return config, *_run_inputs(config)


@pytest.mark.parametrize("year", [2024, 2025])
def test_planted_patterns__found_where_planted_and_nowhere_else(sample, year):
    config, sim, listed, indicators, crosswalk = sample
    found = assess(listed, indicators, config, year, crosswalk=crosswalk).signals
    vintage = config.vintage_for(year)
    to_year = (lambda c: crosswalk[c]) if vintage != 2024 else (lambda c: c)
    patterns = config.sample.pressure
    planted_communes = {to_year(p.commune) for p in patterns}
    fired = found.fired
    # every pattern planted in the year is found in its commune
    expected = {
        (to_year(p.commune), PATTERN_SIGNAL[p.pattern]) for p in patterns if year in p.years
    }
    got = set(zip(fired["commune_code"], fired["signal"], strict=True))
    assert expected <= got, (expected, got)
    # no signal of any kind fires in a plain commune
    plain = fired[~fired["commune_code"].isin(planted_communes)]
    assert plain.empty, plain[["commune_name", "signal", "z"]]
    # the households behind the signals are mostly the planted ones
    this = sim.pressure[sim.pressure["year"] == year]
    behind = set(found.households["household_id"])
    assert len(set(this["household_id"]) & behind) >= 0.8 * len(this)


def test_plain_district__no_signal_fires(sample):
    config = sample[0]
    plain = config.model_copy(update={"sample": config.sample.model_copy(update={"pressure": []})})
    sim, listed, indicators, crosswalk = _run_inputs(plain)
    assert sim.pressure.empty
    for year in (2023, 2024, 2025):
        found = assess(listed, indicators, plain, year, crosswalk=crosswalk).signals
        assert found.fired.empty, (year, found.fired[["commune_name", "signal", "z"]])
        assert len(found.table) >= 5 * 9  # every signal compared in every commune


def test_planting__leaves_the_plain_communes_as_they_were(sample):
    config, sim, *_ = sample
    plain = config.model_copy(update={"sample": config.sample.model_copy(update={"pressure": []})})
    other = simulate(plain)
    codes = {p.commune for p in config.sample.pressure}
    for year in (2024, 2025):
        a, b = sim.households[year], other.households[year]
        assert len(a) == len(b)
        changed = a["household_id"][
            (a["reported_status"] != b["reported_status"])
            | (a["income_pc_vnd"] != b["income_pc_vnd"])
        ]
        assert set(changed) == set(sim.pressure.loc[sim.pressure["year"] == year, "household_id"])
    assert set(sim.pressure["commune_code"]) == codes


def test_forecast_link__baseline_is_the_fitted_flow_model_and_relapses_cut_the_fall(sample):
    import numpy as np

    from analysis.forecast.core import horizon, prepare_history, project_households
    from analysis.forecast.flow import fit_flow, simulate_flow

    config, _, listed, indicators, crosswalk = sample
    year = 2024
    result = assess(listed, indicators, config, year, crosswalk=crosswalk)
    link = result.link
    history, _, _ = prepare_history(indicators, year, crosswalk)
    fit = fit_flow(history)
    now = history[history["year"] == year].set_index("commune_code").reindex(fit.codes)
    years = horizon(year, config)
    households, start = project_households(history, fit.codes, years, year)
    poor = now["n_poor"].to_numpy(np.int64)
    p, _ = simulate_flow(fit, poor, now["n_near_poor"].to_numpy(np.int64), start, households,
                         2000, np.random.default_rng(config.sample.seed), years)  # fmt: skip
    assert link.fall == pytest.approx(poor.sum() - np.median(p[:, :, -1].sum(1)))
    assert link.fall_stressed < link.fall and 0 < link.share_at_risk <= 1
    assert link.pool_now == len(result.newly_escaped)
    assert 0.02 < link.relapse_rate < 0.5
    table = result.link_table()
    assert table["text"].iloc[0] == link.sentence() and "phụ thuộc" in link.sentence()


@pytest.fixture(scope="module")
def run_dir(sample, tmp_path_factory):
    """A run folder of 2024 holding what the profile step saves, sustainability included."""
    from analysis import store
    from analysis.documents.sustainability import save_sustainability_outputs
    from analysis.measures import district_indicators
    from analysis.registry import registry_for

    config, _, listed, indicators, crosswalk = sample
    folder = tmp_path_factory.mktemp("run") / "2024"
    year = 2024
    mine = indicators[indicators["year"] <= year]
    store.save_table(folder, "indicators", mine)
    store.save_table(folder, "district", district_indicators(mine, config.district.name))
    result = assess(listed, indicators, config, year, crosswalk=crosswalk)
    paths = save_sustainability_outputs(folder, result, config, registry_for(config), crosswalk)
    return folder, result, paths


def test_outputs__annex_by_household_code_only(sample, run_dir):
    from openpyxl import load_workbook

    _, sim, *_ = sample
    folder, result, paths = run_dir
    annex = next(p for p in paths if p.suffix == ".xlsx")
    assert {p.name for p in paths} >= {"2024_relapse_rate.png", "sustainability_cohorts.png"}
    wb = load_workbook(annex, read_only=True)
    assert wb.sheetnames[:2] == ["Hộ dễ tái nghèo", "Hộ mới thoát nghèo"]
    values = {str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
              for v in row if v is not None}  # fmt: skip
    fragile = result.fragile[result.fragile["is_fragile"]]
    assert set(fragile["household_id"]) <= values
    people = pd.concat(sim.households.values())
    assert not values & set(people["head_name"]) and not values & set(people["head_id_number"])
    rows = list(wb["Hộ dễ tái nghèo"].iter_rows(min_row=5, values_only=True))
    assert len([r for r in rows if r[0] is not None]) == len(fragile)
    notes = {ws.title: ws["A2"].value for ws in wb.worksheets}
    # the definition of a fragile exit under its own sheet only
    assert [s for s, note in notes.items() if "Dễ tái nghèo:" in note] == ["Hộ dễ tái nghèo"]
    assert all("không có họ tên" in note for note in notes.values())


def test_briefing__sustainability_section_in_part_one(sample, run_dir):
    from analysis.documents.briefing import build_briefing
    from text_rules import violations

    config = sample[0]
    folder, result, _ = run_dir
    sections = build_briefing(config, 2024, folder)
    part = next(s for s in sections if s.title.startswith("I. "))
    texts = [b.text for b in part.blocks if hasattr(b, "text")]
    start = next(
        i for i, t in enumerate(texts) if t.endswith(". Tính bền vững của kết quả giảm nghèo**")
    )
    mine = " ".join(texts[start:])
    assert "tái nghèo sau một năm" in mine and "dễ tái nghèo" in mine
    assert "phụ thuộc vào việc các hộ đã thoát nghèo không quay lại" in mine
    assert "Sơn Kim 2" in mine and "tín hiệu cần kiểm tra lại" in mine
    assert not [v for t in texts[start:] for v in violations(t)]
    for word in ("gian lận", "sai phạm ở", "vi phạm", "cố ý"):
        assert word not in mine.lower()
    figures = [b for b in part.blocks if type(b).__name__ == "Figure"]
    assert any(f.path.name == "2024_relapse_rate.png" for f in figures)


def test_factsheet__signal_where_planted_none_where_plain(sample, run_dir):
    from analysis.documents.sustainability import factsheet_section

    folder, result, _ = run_dir
    planted = factsheet_section(folder, "18199", 2024)
    text = " ".join(b.text for b in planted.blocks)
    assert planted.title == "Tính bền vững của kết quả giảm nghèo"
    assert "Tín hiệu cần kiểm tra lại: Thu nhập của hộ thoát nghèo dồn sát trên chuẩn" in text
    plain = " ".join(b.text for b in factsheet_section(folder, "18133", 2024).blocks)
    assert "Không có tín hiệu cần kiểm tra lại" in plain and "trở lại sau một năm" in plain


@pytest.mark.parametrize(
    ("year", "lists", "says"),
    [
        (2024, False, ["không xét được hộ thoát nghèo dễ tái nghèo", "Hai tín hiệu theo từng hộ"]),
        (2021, True, ["Chưa theo dõi được", "Chưa xét được tín hiệu", "Chưa gắn được"]),
    ],
)
def test_section__says_what_cannot_be_computed(sample, tmp_path, year, lists, says):
    from analysis.documents.sustainability import (
        save_sustainability_outputs,
        sustainability_section,
    )

    config, _, listed, indicators, crosswalk = sample
    result = assess(listed if lists else None, indicators, config, year, crosswalk=crosswalk)
    assert result.fragile_summary.empty and result.link is None
    save_sustainability_outputs(tmp_path, result, config, None, crosswalk)
    text = " ".join(b.text for b in sustainability_section(tmp_path, year, config).blocks)
    for words in says:
        assert words in text
    assert "không có hộ nào thoát" not in text


def test_assess__communes_without_a_list_are_left_out_of_the_comparisons(sample):
    from analysis.measures import MISSING_FLAG

    config, _, listed, indicators, crosswalk = sample
    gap = indicators.copy()
    counts = [c for c in gap.columns if c.startswith("n_") and c != "n_households"]
    gap[counts] = gap[counts].astype("Int64")
    hole = (gap["year"] == 2024) & (gap["commune_code"] == "18139")
    gap.loc[hole, counts] = pd.NA
    gap[MISSING_FLAG] = hole
    households = listed[~((listed["year"] == 2024) & (listed["commune_code"] == "18139"))]
    for year, code in ((2024, "18139"), (2025, crosswalk["18139"])):
        result = assess(households, gap, config, year, crosswalk=crosswalk)
        compared = set(result.signals.table["commune_code"])
        assert code not in compared and len(compared) >= 5
        assert result.link is not None
