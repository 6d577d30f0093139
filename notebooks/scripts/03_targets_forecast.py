# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 04 · Mục tiêu của kế hoạch: đánh giá và dự báo
#
# Bảng theo dõi từng mục tiêu theo huyện và theo xã, dự báo đến năm mục tiêu có khoảng tin cậy,
# và đề xuất chỉ tiêu năm sau cho các xã.

# %% tags=["parameters"]
config_path = "config/huong_son.yaml"
year = 2024
run_dir = "outputs/huong-son/2024"
allow_incomplete = False  # True: communes without a list are marked "thiếu số liệu"

# %%
from pathlib import Path

from IPython.display import display

from analysis import documents, history, measures, store
from analysis.documents.briefing import forecast_targets, save_forecast_outputs
from analysis.config import load_config
from analysis.forecast import (
    backtest,
    calibration,
    forecast,
    merge_units,
    predicted_vs_actual,
    probabilities,
    projections,
    required_reductions,
)
from analysis.forecast.charts import plot_fan_chart, plot_probabilities
from analysis.forecast.core import MIN_YEARS
from analysis.forecast.text import (
    describe_final,
    describe_metric,
    describe_predicted_vs_actual,
    describe_proposals,
    describe_scorecard,
    describe_target_status,
)
from analysis.documents.labels import vi_table
from analysis.proposals import display_table, propose_targets, write_proposals_docx, write_proposals_xlsx
from analysis.registry import MERGED_VINTAGE, registry_for
from analysis.targets import VERDICT_RULE_VI, build_scorecard, read_monitoring, verdicts
from analysis.targets.reports import final_evaluation, vi_verdicts, wide_scorecard, write_scorecard_xlsx

config = load_config(config_path)
documents.show_data_note(config)
registry = registry_for(config)
mapping, names = registry.to_merged(), registry.names(MERGED_VINTAGE)
# communes marked "thiếu số liệu" (no list, run with --allow-incomplete) are left out of every
# year here, never counted as 0; the sentence below says which
indicators, missing_note = measures.exclude_missing(store.load_table(run_dir, "indicators"), mapping)
deprivations = store.load_optional_table(run_dir, "deprivations")
monitoring = read_monitoring(config.resolve(config.data.monitoring)) if config.data.monitoring else None
out = Path(run_dir)
years = history.review_years(indicators, year)
can_forecast = history.enough_for_forecast(indicators, year)
no_forecast = "" if can_forecast else history.forecast_unavailable(indicators, year)
if missing_note:
    documents.show(documents.Paragraph(missing_note))

# %% [markdown]
# Bảng theo dõi thực hiện chỉ tiêu: mỗi chỉ tiêu, mỗi năm, với số liệu đằng sau và một đánh giá
# duy nhất (cùng bảng đánh giá được dùng cho bảng Excel, báo cáo và bản đồ). Từ năm mục tiêu,
# đánh giá cuối kỳ (Đạt / Không đạt) được lập trên các đơn vị hành chính của năm mục tiêu.

# %%
scorecard = build_scorecard(indicators[indicators["year"] <= year], config, deprivations, monitoring, mapping=mapping)
final = final_evaluation(indicators, config, registry, deprivations, monitoring) if year >= config.periods.target_year else None
verdict_table = verdicts(scorecard, config, final=final)
write_scorecard_xlsx(scorecard, out / f"bang_theo_doi_chi_tieu_{year}.xlsx", config, missing_note, verdict_table)
store.save_table(run_dir, "scorecard", scorecard)
store.save_table(run_dir, "verdicts", verdict_table)
print(VERDICT_RULE_VI)
print(describe_scorecard(verdict_table, year))
wide_scorecard(verdict_table).fillna("–")

# %% [markdown]
# Các chỉ tiêu không dự báo (đo bằng số liệu thiếu hụt, sổ theo dõi chương trình, danh sách xã cần
# hỗ trợ): đọc từ bảng theo dõi.

# %%
projected = {t.id for t in forecast_targets(config)} if can_forecast else set()
others = [t for t in config.targets if t.id not in projected]
print(
    " ".join(describe_target_status(verdict_table, t.id, year, t.metric) for t in others)
    or "Kế hoạch trong cấu hình không có chỉ tiêu nào ngoài các chỉ tiêu được dự báo."
)

# %% [markdown]
# Dự báo đến năm mục tiêu; mô hình được chọn theo kiểm định ngược (backtest).

# %%
result = forecast(indicators, config, year, mapping=mapping, names=names) if can_forecast else None
if result is None:
    print(no_forecast)
else:
    print(result.choice_reason)
    display(vi_table(result.backtest)) if result.backtest is not None else None

# %% [markdown]
# Kiểm định ngược theo cấp (xã, toàn huyện) và số năm dự báo trước: sai số trung bình (điểm %)
# và tỷ lệ giá trị thực tế nằm trong khoảng 80% của mỗi mô hình.

# %%
backtest_rows = backtest(indicators, config, mapping, names) if can_forecast else None
if backtest_rows is None or backtest_rows.empty:
    print(no_forecast or history.needs_more_years("Kiểm định ngược", years, history.MIN_FORECAST_YEARS))
else:
    display(vi_table(calibration(backtest_rows)))

# %% [markdown]
# Kiểm định: dự báo so với kết quả thực tế: dự báo lập từ năm nay nếu đã có số liệu các năm sau,
# nếu không thì dự báo lập từ năm trước.

# %%
indicators_all, _ = measures.exclude_missing(store.load_table(run_dir, "indicators_all"), mapping)
check_year = year if indicators_all["year"].max() > year else year - 1
check_years = history.review_years(indicators_all, check_year)
if len(check_years) >= MIN_YEARS:
    pva = predicted_vs_actual(indicators_all, config, check_year, mapping=mapping, names=names)
    store.save_table(run_dir, "predicted_vs_actual", pva)
    print(describe_predicted_vs_actual(pva, result.model if result is not None else "trend"))
    display(vi_table(pva[pva["level"] == "district"]))
else:
    print(history.needs_more_years(f"So sánh dự báo lập từ năm {check_year} với thực tế", check_years, MIN_YEARS))

# %% [markdown]
# Dự báo toàn huyện với khoảng tin cậy 80% và 95%.

# %%
if result is None:
    print(no_forecast)
else:
    proj = projections(result)
    store.save_table(run_dir, "projections", proj)
    display(vi_table(proj[proj["level"] == "district"]))

# %% [markdown]
# Chỉ tiêu về mức giảm tỷ lệ hộ nghèo hằng năm.

# %%
print(describe_metric("poor_rate_annual_fall_pp", result, config, no_forecast))
if result is not None and config.targets_with("poor_rate_annual_fall_pp"):
    plot_fan_chart(result, "poor_rate", config)

# %% [markdown]
# Chỉ tiêu về số hộ nghèo, cận nghèo so với đầu kỳ.

# %%
print(describe_metric("count_ratio_to_baseline", result, config, no_forecast))
if result is not None:
    shown = {p for t in config.targets_with("count_ratio_to_baseline") for p in t.population}
    for population in ("poor", "near_poor", "poor_or_near_poor"):
        if population in shown:
            plot_fan_chart(result, f"n_{population}", config)

# %% [markdown]
# Chỉ tiêu về tỷ lệ nghèo đa chiều của từng xã, trên đơn vị hành chính của năm mục tiêu.

# %%
target_vintage = config.vintage_for(config.periods.target_year)
merged = None
if result is not None:
    merged = merge_units(result, mapping, names, target_vintage) if result.vintage != target_vintage else result
print(describe_metric("commune_multidim_rate_pct", merged, config, no_forecast))
if merged is not None:
    for t in config.targets_with("commune_multidim_rate_pct"):
        plot_fan_chart(result, "multidim_rate", config)
        plot_probabilities(probabilities(merged, config), merged, config, t.id)
save_forecast_outputs(result, merged, config, run_dir, no_forecast);

# %% [markdown]
# Xác suất đạt từng chỉ tiêu và mức giảm còn cần mỗi năm.

# %%
if result is None:
    print(no_forecast)
else:
    probs = probabilities(result, config)
    required = required_reductions(result, config)
    store.save_table(run_dir, "probabilities", probs)
    store.save_table(run_dir, "required_reductions", required)
    display(vi_table(required[required["level"] == "district"]))

# %% [markdown]
# Đề xuất chỉ tiêu năm sau giao cho các xã (bảng Excel và Word chỉnh sửa được).

# %%
if result is None:
    print(no_forecast)
else:
    proposals = propose_targets(result, indicators, config)
    write_proposals_xlsx(proposals, out / f"chi_tieu_giam_ngheo_{year + 1}.xlsx", config, missing_note)
    write_proposals_docx(proposals, out / f"chi_tieu_giam_ngheo_{year + 1}.docx", config, missing_note)
    store.save_table(run_dir, "proposals", proposals)
    print(describe_proposals(proposals))
    display(display_table(proposals))

# %% [markdown]
# Đánh giá cuối kỳ (khi đã có kết quả năm mục tiêu).

# %%
if final is not None:
    store.save_table(run_dir, "final_evaluation", final)
print(describe_final(final) if final is not None else "Chưa đến năm đánh giá cuối kỳ.")
vi_verdicts(final[final["level"] == "district"]) if final is not None else None
