"""Generated sentences a reader sees carry no internal ids, raw column names or "…"."""

import pandas as pd
import pytest

from analysis.forecast import probabilities, required_reductions
from analysis.forecast.core import run_model
from analysis.forecast.example import example_indicators
from analysis.forecast.text import (
    describe_final,
    describe_metric,
    describe_scorecard,
    describe_target,
    describe_target_status,
    no_target_text,
)
from analysis.targets import VERDICT_RULE_VI, build_scorecard, verdicts
from analysis.targets.reports import final_evaluation, wide_scorecard
from test_targets import CONFIG, _Registry, _with_2025
from text_rules import violations


def test_text_rules__catch_what_they_should():
    assert violations("Chỉ tiêu T2 chậm tiến độ")
    assert violations("Giá trị … chưa có")
    assert violations("cột n_poor_start thiếu")
    assert violations("xem bảng audit")
    assert not violations("Tỷ lệ hộ nghèo giảm 0,6–1,0 điểm % mỗi năm (QĐ 318/QĐ-TTg).")


@pytest.fixture(scope="module")
def texts() -> list[str]:
    table = example_indicators(n_communes=8, seed=1)
    result = run_model("flow", table, CONFIG, 2023, 300, 0)
    out = [describe_target(t.id, result, CONFIG) for t in CONFIG.targets[:3]]
    out += [describe_metric(m, result, CONFIG) for m in ("poor_rate_annual_fall_pp",)]
    out.append(no_target_text("commune_multidim_rate_pct"))
    probabilities(result, CONFIG), required_reductions(result, CONFIG)
    indicators = _with_2025(60)
    scorecard = build_scorecard(indicators, CONFIG, mapping=_Registry().to_merged())
    final = final_evaluation(indicators, CONFIG, _Registry())
    table = verdicts(scorecard, CONFIG, final=final)
    for year in (2022, 2023, 2025):
        out.append(describe_scorecard(table, year))
        out += [describe_target_status(table, t.id, year, t.metric) for t in CONFIG.targets]
    out += [describe_final(final), VERDICT_RULE_VI]
    from analysis.forecast import forecast

    chosen = forecast(example_indicators(n_communes=8, seed=1), CONFIG, 2023, n_paths=200, seed=0)
    out += [chosen.choice_reason, *chosen.notes]
    wide = wide_scorecard(table)
    out += [" ".join(map(str, wide.columns)), wide.astype(str).to_csv(index=False)]
    return out


def test_generated_texts__no_internal_ids_ellipses_or_raw_names(texts):
    found = [v for t in texts for v in violations(t)]
    assert not found, "\n".join(found[:20])


def test_profile_texts__official_rate_defined_alkire_foster_named_flows_complete():
    from analysis.measures import alkire_foster
    from analysis.measures.describe import (
        AF_NAME_VI,
        describe_alkire_foster,
        describe_district,
        describe_flows,
    )
    from analysis.schema import DEPRIVATION_COLUMNS
    from test_measures_describe import _district

    district = describe_district(_district(), 2024)
    assert "tỷ lệ nghèo đa chiều (hộ nghèo và cận nghèo trên tổng số hộ dân cư)" in district
    assert "Alkire" not in district
    flows = describe_flows(_district(), 2024)
    assert "giảm khác" in flows and "tăng khác" in flows and " = " in flows
    hh = pd.DataFrame([{c: i < 4 for i, c in enumerate(DEPRIVATION_COLUMNS)}] * 3)
    af = describe_alkire_foster(alkire_foster(hh.assign(year=2024)).summary, 2024, "hộ")
    assert AF_NAME_VI in af and "tỷ lệ nghèo đa chiều" not in af.replace(
        "tỷ lệ nghèo đa chiều chính thức", ""
    )
    found = [v for t in (district, flows, af) for v in violations(t)]
    assert not found, "\n".join(found)


def test_briefing_forecast_reading__states_model_and_real_data_backtest(tmp_path):
    from analysis import store
    from analysis.documents.briefing import save_forecast_outputs
    from analysis.forecast import forecast

    table = example_indicators(n_communes=8, seed=1)
    result = forecast(table, CONFIG, 2024, n_paths=200, seed=0)
    save_forecast_outputs(result, result, CONFIG, tmp_path)
    readings = store.load_table(tmp_path, "forecast_readings").set_index("key")["text"]
    model = readings["model"]
    assert model.startswith("Dự báo dùng mô hình")
    assert "số liệu công bố thật" in model and "20 trường hợp" in model
    assert "khoảng 80% chứa giá trị thực tế" in model and "/20 lần" in model
