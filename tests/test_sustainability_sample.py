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
