from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.config import load_config
from analysis.errors import UserError
from analysis.forecast import (
    backtest,
    calibration,
    choose_model,
    forecast,
    merge_units,
    predicted_vs_actual,
    probabilities,
    projections,
    required_reductions,
    summarise,
)
from analysis.forecast.core import run_model
from analysis.forecast.example import example_indicators
from analysis.forecast.flow import beta_binomial_prior, fit_flow, simulate_flow
from analysis.forecast.trend import simulate_trend
from analysis.schema import DYNAMICS_COLUMNS

CONFIG = load_config(Path(__file__).resolve().parents[1] / "config" / "huong_son.yaml")
TABLE = example_indicators(n_communes=8, seed=1)  # 2021-2024, 8 communes


def test_example_indicators__dynamics_reconcile():
    d = TABLE.dropna(subset=["n_poor_start"])
    poor = (
        d["n_poor_start"]
        - d[["n_poor_out_near_poor", "n_poor_out_above", "n_poor_out_other"]].sum(axis=1)
        + d[["n_poor_in_from_near_poor", "n_poor_in_relapsed", "n_poor_in_new", "n_poor_in_other"]].sum(axis=1)
    )  # fmt: skip
    assert (poor == d["n_poor_end"]).all() and (d["n_poor_end"] == d["n_poor"]).all()


def test_beta_binomial_prior__recovers_mean_and_shrinks_small_units():
    rng = np.random.default_rng(0)
    rates = rng.beta(20, 180, size=200)  # mean 0.1, strength 200
    n = rng.integers(50, 2000, size=200)
    k = rng.binomial(n, rates)
    a, b = beta_binomial_prior(k.astype(float), n.astype(float))
    assert a / (a + b) == pytest.approx(0.1, abs=0.01)
    assert 80 < a + b < 500
    small, large = (a + 5) / (a + b + 10), (a + 500) / (a + b + 1000)  # both observed 50 %
    assert abs(small - 0.1) < abs(large - 0.1)


def test_beta_binomial_prior__identical_units_pool_strongly():
    a, b = beta_binomial_prior(np.full(10, 100.0), np.full(10, 1000.0))
    assert a + b > 1e4


def test_simulate_flow__counts_stay_within_households():
    fit = fit_flow(TABLE)
    last = TABLE[TABLE.year == 2024].sort_values("commune_code")
    n = last["n_households"].to_numpy()
    p, q = simulate_flow(fit, last["n_poor"].to_numpy(), last["n_near_poor"].to_numpy(), n,
                         np.column_stack([n, n]), 500, np.random.default_rng(0))  # fmt: skip
    assert p.shape == (500, 8, 2) and (p >= 0).all() and (q >= 0).all()
    assert (p + q <= n[None, :, None]).all()


def test_simulate_trend__exact_line_gives_median_on_line():
    years = np.array([2021.0, 2022, 2023])
    rates = np.array([[0.10, 0.09, 0.08], [0.05, 0.045, 0.04]])
    paths = simulate_trend(years, rates, np.array([2024.0]), 4000, np.random.default_rng(0))
    assert np.median(paths[:, 0, 0]) == pytest.approx(0.07, abs=0.002)
    assert np.median(paths[:, 1, 0]) == pytest.approx(0.035, abs=0.002)


def test_run_model__flow_district_is_sum_of_communes():
    r = run_model("flow", TABLE, CONFIG, 2024, 300, 0)
    assert np.array_equal(r.district_poor, r.poor.sum(1))
    assert list(r.years) == [2025]


def test_forecast__same_seed_same_result():
    a = forecast(TABLE, CONFIG, 2023, n_paths=500, seed=3)
    b = forecast(TABLE, CONFIG, 2023, n_paths=500, seed=3)
    assert np.array_equal(a.poor, b.poor) and a.model == b.model


def test_forecast__intervals_ordered_and_contain_median():
    pr = projections(forecast(TABLE, CONFIG, 2023, n_paths=800, seed=1))
    assert (pr["p2_5"] <= pr["p10"]).all() and (pr["p10"] <= pr["p50"]).all()
    assert (pr["p50"] <= pr["p90"]).all() and (pr["p90"] <= pr["p97_5"]).all()
    assert set(pr["year"]) == {2024, 2025}


def test_forecast__choice_reason_is_vietnamese_and_names_model():
    r = forecast(TABLE, CONFIG, 2024, n_paths=500, seed=1)
    assert r.model in ("flow", "trend", "trend_logit", "trend_log") and r.alternative is not None
    assert {r.model, r.alternative.model} & {"flow"} and r.alternative.model != r.model
    assert "Dự báo dùng" in r.choice_reason and "80%" in r.choice_reason
    # the published-series backtest is stated with its number of cases
    assert "số liệu công bố thật" in r.choice_reason and "trường hợp" in r.choice_reason


def test_forecast__summary_tables_without_dynamics_use_trend():
    summary_only = TABLE.copy()
    summary_only[list(DYNAMICS_COLUMNS)] = np.nan
    r = forecast(summary_only, CONFIG, 2024, n_paths=500, seed=1)
    assert r.model.startswith("trend") and r.alternative is None
    assert "không dùng được mô hình dòng chuyển" in r.choice_reason
    assert np.isfinite(r.paths("poor_rate")).all()
    with pytest.raises(UserError, match="biến động"):
        run_model("flow", summary_only, CONFIG, 2024, 100, 0)


def test_forecast__single_year_is_a_user_error():
    with pytest.raises(UserError, match="ít nhất 2 năm"):
        forecast(TABLE[TABLE.year == 2021], CONFIG, 2021, n_paths=100)


def test_probabilities__t2_already_met_is_certain():
    halved = TABLE.copy()
    late = halved.year == 2024
    halved.loc[late, "n_poor"] = 0
    halved.loc[late, "poor_rate"] = 0.0
    r = run_model("flow", halved, CONFIG, 2024, 400, 0)
    p = probabilities(r, CONFIG)
    t2 = p[(p.target_id == "T2") & (p.population == "poor") & (p.level == "district")]
    assert t2["probability"].item() > 0.99  # from 0 poor, a year of entries stays far below half
    assert p["probability"].between(0, 1).all()
    assert set(p["target_id"]) == {"T1", "T2", "T3"}


def test_required_reductions__t2_district_per_year():
    r = run_model("flow", TABLE, CONFIG, 2023, 200, 0)
    req = required_reductions(r, CONFIG)
    row = req[(req.target_id == "T2") & (req.population == "poor") & (req.level == "district")]
    d = TABLE.groupby("year")["n_poor"].sum()
    assert row["per_year_households"].item() == pytest.approx(max(d[2023] - 0.5 * d[2021], 0) / 2)
    assert row["years_left"].item() == 2


def test_predicted_vs_actual__2023_run_compares_2024():
    pva = predicted_vs_actual(TABLE, CONFIG, 2023, n_paths=400)
    assert set(pva["year"]) == {2024}
    assert set(pva["model"]) == {"flow", "trend", "trend_logit", "trend_log"}
    assert (pva["p2_5"] <= pva["p10"]).all() and (pva["p90"] <= pva["p97_5"]).all()
    assert (pva["covered80"] <= pva["covered95"]).all()
    d = pva[(pva.level == "district") & (pva.quantity == "poor_rate") & (pva.model == "flow")]
    actual = TABLE[TABLE.year == 2024]
    assert d["actual"].item() == pytest.approx(actual.n_poor.sum() / actual.n_households.sum())
    assert predicted_vs_actual(TABLE, CONFIG, 2024).empty


def test_predicted_vs_actual__merged_vintage_compared_through_mapping():
    codes = sorted(TABLE.commune_code.unique())
    mapping = {c: ("M1" if i < 4 else "M2") for i, c in enumerate(codes)}
    nxt = example_indicators(n_communes=8, seed=1, years=range(2021, 2026))
    merged = nxt[nxt.year == 2025].assign(commune_code=lambda d: d.commune_code.map(mapping))
    merged = merged.groupby(["year", "commune_code"], as_index=False)[
        ["n_households", "n_poor", "n_near_poor"]
    ].sum()
    merged = merged.assign(unit_vintage=2025, commune_name=merged.commune_code,
                           poor_rate=merged.n_poor / merged.n_households,
                           multidim_rate=(merged.n_poor + merged.n_near_poor) / merged.n_households)  # fmt: skip
    table = pd.concat([TABLE, merged], ignore_index=True)
    pva = predicted_vs_actual(table, CONFIG, 2024, mapping=mapping, n_paths=300)
    assert set(pva.loc[pva.level == "commune", "commune_code"]) == {"M1", "M2"}
    no_map = predicted_vs_actual(table, CONFIG, 2024, n_paths=300)
    assert set(no_map["level"]) == {"district"}


def test_merge_units__keeps_district_totals():
    r = run_model("flow", TABLE, CONFIG, 2024, 200, 0)
    mapping = {c: "M" for c in r.codes}
    m = merge_units(r, mapping, {"M": "Xã gộp"}, 2025)
    assert np.array_equal(m.poor[:, 0], r.poor.sum(1))
    assert m.history.groupby("year")["n_poor"].sum().equals(TABLE.groupby("year")["n_poor"].sum())


def test_backtest__summary_and_choice_prefer_calibrated_model():
    bt = backtest(TABLE, CONFIG, n_paths=300)
    assert set(bt["run_year"]) == {2022, 2023}
    s = summarise(bt)
    assert set(s.columns) >= {"mae_pp", "coverage80"}
    fake = pd.DataFrame({"model": ["flow", "trend"], "mae_pp": [0.5, 0.4],
                         "coverage80": [0.78, 0.40], "calibration_gap": [0.02, 0.40]})  # fmt: skip
    model, sentence = choose_model(fake, ("flow", "trend"))
    assert model == "flow" and "mô hình dòng chuyển" in sentence and "78%" in sentence


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_forecast__rates_are_fractions(seed):
    r = run_model("trend", TABLE, CONFIG, 2023, 100, seed)
    paths = r.all_paths("poor_rate")
    assert ((paths >= 0) & (paths <= 1)).all()


# ------------------------------------------------------------------- charts and text
def test_plot_fan_chart__vietnamese_labels_source_and_target_line():
    from analysis.forecast.charts import plot_fan_chart

    r = run_model("flow", TABLE, CONFIG, 2023, 300, 0)
    fig = plot_fan_chart(r, "poor_rate", CONFIG)
    ax = fig.axes[0]
    assert ax.get_title().startswith("Tỷ lệ hộ nghèo (%) – Toàn huyện")
    labels = ax.get_legend_handles_labels()[1]
    assert {"Khoảng 80%", "Khoảng 95%", "Thực tế"} <= set(labels)
    assert "Mục tiêu: giảm 0,6 điểm %/năm" in labels  # the target line, no internal id
    assert not any("T1" in lab for lab in labels)
    footer = " ".join(t.get_text() for t in fig.texts)
    assert "Nguồn:" in footer and "Dữ liệu mô phỏng" in footer
    commune = plot_fan_chart(r, "n_poor", CONFIG, code=r.codes[0])
    assert r.names[0] in commune.axes[0].get_title()


def test_plot_probabilities__one_bar_per_commune():
    from analysis.forecast.charts import plot_probabilities

    r = run_model("flow", TABLE, CONFIG, 2024, 300, 0)
    fig = plot_probabilities(probabilities(r, CONFIG), r, CONFIG, "T3")
    assert len(fig.axes[0].patches) == 8


def test_describe_target__sentences_carry_the_numbers():
    from analysis.forecast.text import describe_proposals, describe_target

    r = run_model("flow", TABLE, CONFIG, 2023, 400, 0)
    t1 = describe_target("T1", r, CONFIG)
    rate = TABLE[TABLE.year == 2023].n_poor.sum() / TABLE[TABLE.year == 2023].n_households.sum()
    assert f"{100 * rate:.2f}".replace(".", ",") + "%" in t1 and "Xác suất" in t1
    t2 = describe_target("T2", r, CONFIG)
    label, body = t2.split(": ", 1)
    assert label == CONFIG.target("T2").label and "T2" not in t2
    assert body.count("đầu kỳ") == 3 and "hộ cận nghèo" in body
    assert "xã" in describe_target("T3", r, CONFIG)
    from analysis.proposals import propose_targets

    p = propose_targets(r, TABLE, CONFIG)
    assert f"giảm {p.attrs['total']:,}".replace(",", ".") in describe_proposals(p)


def test_describe_predicted_vs_actual__names_years_and_error():
    from analysis.forecast.text import describe_predicted_vs_actual

    pva = predicted_vs_actual(TABLE, CONFIG, 2023, n_paths=300)
    text = describe_predicted_vs_actual(pva, "flow")
    assert "năm 2024 dự báo" in text and "thực tế" in text and "sai số" in text


def test_year_effects__falling_district_rate_gives_negative_slope():
    from analysis.forecast.flow import year_effects

    n = np.full((5, 3), 10_000.0)
    k = n * np.array([0.012, 0.009, 0.0068])[None, :]  # entries falling ~25 % a year
    e = year_effects(k, n, [2022, 2023, 2024])
    assert e.slope == pytest.approx(np.log(0.0068 / 0.012) / 2, rel=0.1)
    assert e.slope_se > 0
    flat = year_effects(np.full((5, 1), 100.0), np.full((5, 1), 1000.0), [2022])
    assert flat.slope == 0.0


def test_describe_target_status__coverage_target_worded_as_coverage():
    import pandas as pd

    from analysis.forecast.text import describe_target_status
    from analysis.targets import verdicts

    scorecard = pd.DataFrame(
        {
            "target_id": ["T7"], "target_label": ["Ít nhất 95% hộ nghèo có nhà ở an toàn"],
            "level": ["district"], "vintage": [pd.NA], "commune_code": ["district"],
            "commune_name": ["Toàn huyện"], "year": [2024], "population": ["poor"],
            "value": [4.8], "unit": ["%"], "threshold": [5.0], "numerator": [48],
            "denominator": [1000], "status": ["met"], "status_vi": ["Đạt"],
        }
    )  # fmt: skip
    text = describe_target_status(verdicts(scorecard, CONFIG), "T7", 2024)
    assert text == (
        "Chỉ tiêu ít nhất 95% hộ nghèo có nhà ở an toàn, năm 2024: toàn huyện đạt 95,2% "
        "(mục tiêu ≥ 95,0%), đạt."
    )


# ------------------------------------------------------------------- calibration
TRUE_RATES = np.array([0.15, 0.20, 0.08, 0.25, 0.008, 0.02])  # pq, po, qp, qo, op, oq


def _trending_panel(seed: int, n_communes: int = 24, years=range(2019, 2025)) -> pd.DataFrame:
    """Known truth: three-state flows whose logit rates follow commune-specific trends
    (exits rise by 0.3 logit a year in some communes, stall in others; entries fall
    likewise), plus common and commune yearly shocks (sd 0.15)."""
    rng = np.random.default_rng(seed)
    n = rng.integers(1000, 4000, n_communes)
    p, q = (n * rng.uniform(0.05, 0.15, n_communes)).astype(int), (n * 0.07).astype(int)
    base = np.log(TRUE_RATES / (1 - TRUE_RATES))[:, None] + rng.normal(0, 0.3, (6, n_communes))
    direction = np.array([0, 1, -1, 1, -1, -1])[:, None]  # exits up, entries down
    slope = direction * rng.uniform(0.0, 0.3, n_communes)[None, :]
    rows = []
    for t, year in enumerate(years):
        row = {"year": year, "commune_code": [f"X{i:02d}" for i in range(n_communes)]}
        if t == 0:
            row |= {c: np.nan for c in DYNAMICS_COLUMNS}
        else:
            g = rng.normal(0, 0.15, (6, 1)) + rng.normal(0, 0.15, (6, n_communes))
            r = 1 / (1 + np.exp(-(base + slope * t + g)))
            o = n - p - q
            pq = rng.binomial(p, r[0])
            po = rng.binomial(p - pq, r[1])
            qp = rng.binomial(q, r[2])
            qo = rng.binomial(q - qp, r[3])
            op = rng.binomial(o, r[4])
            oq = rng.binomial(o - op, r[5])
            zero = np.zeros(n_communes, dtype=int)
            end_p, end_q = p - pq - po + qp + op, q - qp - qo + pq + oq
            values = (p, pq, po, zero, qp, zero, op, zero, end_p,
                      q, qp, qo, zero, pq, zero, oq, zero, end_q)  # fmt: skip
            row |= dict(zip(DYNAMICS_COLUMNS, values, strict=True))
            p, q = end_p, end_q
            n = n + rng.binomial(n, 0.01)
        rows.append(pd.DataFrame(row | {"n_households": n, "n_poor": p, "n_near_poor": q}))
    df = pd.concat(rows, ignore_index=True)
    return df.assign(
        unit_vintage=2024,
        commune_name="Xã " + df["commune_code"],
        poor_rate=df["n_poor"] / df["n_households"],
        near_poor_rate=df["n_near_poor"] / df["n_households"],
        multidim_rate=(df["n_poor"] + df["n_near_poor"]) / df["n_households"],
    )


def test_flow__commune_trends_get_calibrated_80_intervals():
    # three panels, fitted on 2019-2022 (three transition years), checked on 2023-2024
    pva = pd.concat(
        predicted_vs_actual(_trending_panel(seed), CONFIG, 2022, n_paths=1000, models=("flow",))
        for seed in range(3)
    )
    communes = pva[pva.level == "commune"]
    assert set(communes["year"]) == {2023, 2024} and len(communes) == 3 * 24 * 2 * 2
    assert 0.7 <= communes["covered80"].mean() <= 0.95


def test_year_effects__commune_trends_recovered_and_shrunk():
    from analysis.forecast.effects import year_effects

    rng = np.random.default_rng(0)
    own = rng.normal(0, 0.3, 30)  # commune slopes around a district slope of -0.1
    x = np.arange(4) - 1.5
    rate = 1 / (1 + np.exp(-(-2.0 + (-0.1 + own)[:, None] * x[None, :])))
    n = np.full((30, 4), 20_000.0)
    e = year_effects(rng.binomial(n.astype(int), rate).astype(float), n, [2021, 2022, 2023, 2024])
    assert e.slope == pytest.approx(-0.1 + own.mean(), abs=0.03)
    assert np.corrcoef(e.own_slope, own)[0, 1] > 0.95
    assert e.slope_spread == pytest.approx(own.std(), rel=0.25)
    assert (e.own_slope_sd > 0).all() and e.commune_dof == 30 * 4 - 2 * 30 - 3


def test_year_effects__common_trend_leaves_no_commune_trend():
    from analysis.forecast.effects import year_effects

    rng = np.random.default_rng(1)
    x = np.arange(4) - 1.5
    rate = 1 / (1 + np.exp(-(-2.0 + rng.normal(0, 0.3, 30)[:, None] - 0.2 * x[None, :])))
    n = np.full((30, 4), 800.0)
    e = year_effects(rng.binomial(n.astype(int), rate).astype(float), n, [2021, 2022, 2023, 2024])
    assert e.slope == pytest.approx(-0.2, abs=0.05)
    assert np.abs(e.own_slope).max() < 0.05  # binomial noise only: shrunk to (nearly) 0


def test_calibration__one_row_per_model_level_horizon():
    rows = pd.DataFrame({"model": ["flow"] * 3 + ["trend"], "level": ["commune"] * 4,
                         "horizon": [1, 1, 2, 1], "error_pp": [-1.0, 3.0, 2.0, 0.5],
                         "covered80": [True, False, True, True],
                         "covered95": [True, True, True, True]})  # fmt: skip
    c = calibration(rows).set_index(["model", "horizon"])
    assert c.loc[("flow", 1), "mae_pp"] == 2.0 and c.loc[("flow", 1), "coverage80"] == 0.5
    assert c.loc[("flow", 1), "coverage95"] == 1.0
    assert c.loc[("flow", 2), "n_comparisons"] == 1 and len(c) == 3


# ------------------------------------------------------------ trend models on three scales
def test_simulate_trend__logit_keeps_a_proportional_decline():
    years = np.array([2021.0, 2022, 2023])
    rates = np.array([[0.100, 0.080, 0.064]])  # falling by a fifth each year
    kw = dict(prior_sd=0.01, households=None, prior_dof=30)
    lin = simulate_trend(
        years, rates, np.array([2024.0, 2025]), 4000, np.random.default_rng(0), **kw
    )
    logit = simulate_trend(years, rates, np.array([2024.0, 2025]), 4000, np.random.default_rng(0),
                           scale="logit", **kw)  # fmt: skip
    assert np.median(lin[:, 0, 1]) == pytest.approx(0.028, abs=0.004)  # 1.8 points a year
    assert np.median(logit[:, 0, 1]) == pytest.approx(0.041, abs=0.004)  # about 0.8 x 0.8
    assert (logit > 0).all() and (logit < 1).all()


def _width(paths) -> float:
    lo, hi = np.quantile(paths, [0.1, 0.9])
    return hi - lo


def test_simulate_trend__two_years_give_wide_intervals():
    rng = np.random.default_rng(0)
    five = np.array([[0.10, 0.09, 0.08, 0.07, 0.06]])
    two = five[:, 3:]
    w5 = _width(simulate_trend(np.arange(2020.0, 2025), five, np.array([2025.0]), 4000, rng,
                               scale="logit")[:, 0, 0])  # fmt: skip
    w2 = _width(simulate_trend(np.arange(2023.0, 2025), two, np.array([2025.0]), 4000, rng,
                               scale="logit")[:, 0, 0])  # fmt: skip
    assert w2 > 1.4 * w5  # slope from two points: sqrt(6) sigma at one year ahead
    # a commune of 200 households wobbles more than a province of 200,000
    small = simulate_trend(np.arange(2023.0, 2025), two, np.array([2025.0]), 4000, rng,
                           scale="logit", households=[200])  # fmt: skip
    assert _width(small[:, 0, 0]) > 1.3 * w2


def test_trend_models__variation_from_data_or_from_published_series():
    from analysis.forecast.trend import pooled_prior, reference_prior

    ref = reference_prior("logit")
    assert ref.source == "reference" and ref.n_series >= 15 and 0.01 < ref.sd < 0.2
    x = np.array([2021.0, 2022])
    rates = TABLE.pivot(index="commune_code", columns="year", values="poor_rate")
    assert pooled_prior(x, rates[[2021, 2022]].to_numpy(), None, "logit", ref) == ref
    three = pooled_prior(np.array([2021.0, 2022, 2023]), rates[[2021, 2022, 2023]].to_numpy(),
                         None, "logit", ref)  # fmt: skip
    assert three.source == "data+reference" and three.dof > ref.dof
    short = run_model("trend_logit", TABLE[TABLE.year <= 2022], CONFIG, 2022, 200, 0)
    assert "chưa đủ để ước lượng biến động hằng năm" in short.notes[0]
    assert "chuỗi số liệu công bố" in short.notes[0]
    longer = run_model("trend_logit", TABLE, CONFIG, 2024, 200, 0)
    assert "ước lượng từ chính số liệu 4 năm của 8 xã" in longer.notes[0]
    assert np.isfinite(longer.paths("poor_rate")).all() and (longer.poor >= 0).all()


def test_reference_backtest__one_year_ahead_calibrated_and_logit_beats_linear():
    from analysis.forecast import reference_backtest, reference_summary

    rows = reference_backtest()
    assert set(rows["standard"]) == {"vn-2022-2025"} and (rows["n_history"] >= 2).all()
    s = reference_summary(rows).set_index("model")
    assert (s["n_comparisons"] >= 15).all()
    assert s["coverage80"].between(0.7, 0.9).all() and (s["coverage95"] >= s["coverage80"]).all()
    assert s.loc["trend_logit", "mae_pp"] < s.loc["trend", "mae_pp"]
    # the unit predicted never informs its own prior: leaving it out changes the prior
    from analysis.forecast.trend import reference_prior

    assert reference_prior("logit", exclude=("Kon Tum",)).sd != reference_prior("logit").sd


def test_choose_model__trend_scale_from_published_series_flow_against_it_on_history():
    own = pd.DataFrame({"model": ["flow", "trend", "trend_logit", "trend_log"],
                        "n_comparisons": 30, "mae_pp": [0.5, 0.3, 0.4, 0.45],
                        "coverage80": [0.6, 0.8, 0.75, 0.7], "coverage95": 0.9})  # fmt: skip
    own["calibration_gap"] = (own["coverage80"] - 0.8).abs()
    ref = pd.DataFrame({"model": ["trend", "trend_logit", "trend_log"], "n_comparisons": 20,
                        "n_covered80": [17, 17, 15], "n_covered95": [18, 18, 17],
                        "coverage80": [0.85, 0.85, 0.75], "coverage95": [0.9, 0.9, 0.85],
                        "mae_pp": [0.44, 0.39, 0.41]})  # fmt: skip
    ref["calibration_gap"] = (ref["coverage80"] - 0.8).abs()
    model, text = choose_model(own, ("flow", "trend", "trend_logit", "trend_log"), ref)
    # linear is better on this history, but the scale is chosen on the real series
    assert model == "trend_logit"
    assert "17/20 lần (85%)" in text and "0,39 điểm %" in text and "0,44 điểm %" in text
    assert "mô hình xu thế tuyến tính" in text and "lịch sử của huyện (30 so sánh" in text
    no_ref, _ = choose_model(own, ("flow", "trend", "trend_logit", "trend_log"))
    assert no_ref == "trend"


def test_forecast__never_joins_or_extrapolates_across_a_standard_change_silently():
    old = TABLE[TABLE.year == 2021].assign(year=2020)  # a 2016-2020 standard review
    old = old.assign(n_poor=(old["n_poor"] * 0.4).round().astype(int))
    joined = pd.concat([old, TABLE], ignore_index=True)
    r = run_model("trend_logit", joined, CONFIG, 2022, 300, 0)
    assert 2020 not in set(r.history["year"]) and 2020 not in set(r.district_history["year"])
    assert "năm 2020 đo theo chuẩn nghèo 2016–2020" in r.notes[0]
    same = run_model("trend_logit", TABLE, CONFIG, 2022, 300, 0)
    assert np.array_equal(r.poor, same.poor)  # the old year changes nothing
    pva = predicted_vs_actual(joined, CONFIG, 2020, n_paths=100)
    assert pva.empty  # 2020 is never used to predict 2021 across the change
    # a 2026 run reaches 2027, measured under the 2027-2030 standard: said so
    late = pd.concat([TABLE, TABLE[TABLE.year == 2024].assign(year=2025),
                      TABLE[TABLE.year == 2024].assign(year=2026)], ignore_index=True)  # fmt: skip
    far = run_model("trend", late, CONFIG, 2026, 100, 0)
    assert list(far.years) == [2027]
    assert any("năm 2027 áp dụng chuẩn nghèo 2027–2030" in n for n in far.notes)
    auto = forecast(late, CONFIG, 2026, n_paths=100, seed=0)
    assert "không so sánh được với kết quả rà soát theo chuẩn mới" in auto.choice_reason
