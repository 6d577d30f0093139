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

from analysis import documents, measures, store
from analysis.briefing import save_forecast_outputs
from analysis.config import load_config
from analysis.labels import vi_table
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
from analysis.forecast.text import (
    describe_final,
    describe_predicted_vs_actual,
    describe_proposals,
    describe_scorecard,
    describe_target,
    describe_target_status,
)
from analysis.proposals import display_table, propose_targets, write_proposals_docx, write_proposals_xlsx
from analysis.registry import registry_for
from analysis.targets import build_scorecard, read_monitoring
from analysis.targets.reports import final_evaluation, wide_scorecard, write_scorecard_xlsx

config = load_config(config_path)
documents.show_data_note(config)
registry = registry_for(config)
mapping, names = registry.to_merged(), registry.names(2025)
# communes marked "thiếu số liệu" (no list, run with --allow-incomplete) are left out of every
# year here, never counted as 0; the sentence below says which
indicators, missing_note = measures.exclude_missing(store.load_table(run_dir, "indicators"), mapping)
deprivations = store.load_optional_table(run_dir, "deprivations")
monitoring = read_monitoring(config.resolve(config.data.monitoring)) if config.data.monitoring else None
out = Path(run_dir)
if missing_note:
    documents.show(documents.Paragraph(missing_note))

# %% [markdown]
# Bảng theo dõi thực hiện chỉ tiêu: mỗi chỉ tiêu, mỗi năm, với số liệu đằng sau và đánh giá.

# %%
scorecard = build_scorecard(indicators[indicators["year"] <= year], config, deprivations, monitoring, mapping=mapping)
write_scorecard_xlsx(scorecard, out / f"bang_theo_doi_chi_tieu_{year}.xlsx", config, missing_note)
store.save_table(run_dir, "scorecard", scorecard)
print(describe_scorecard(scorecard, year))
wide_scorecard(scorecard)

# %% [markdown]
# Các chỉ tiêu đo bằng số liệu thiếu hụt và sổ theo dõi chương trình (T5–T10).

# %%
print(" ".join(describe_target_status(scorecard, t.id, year, t.metric) for t in config.targets if t.data_source != "review"))

# %% [markdown]
# Dự báo đến năm mục tiêu; mô hình được chọn theo kiểm định ngược (backtest).

# %%
result = forecast(indicators, config, year, mapping=mapping, names=names)
print(result.choice_reason)
vi_table(result.backtest)

# %% [markdown]
# Kiểm định ngược theo cấp (xã, toàn huyện) và số năm dự báo trước: sai số trung bình (điểm %)
# và tỷ lệ giá trị thực tế nằm trong khoảng 80% của mỗi mô hình.

# %%
vi_table(calibration(backtest(indicators, config, mapping, names)))

# %% [markdown]
# Kiểm định: dự báo so với kết quả thực tế: dự báo lập từ năm nay nếu đã có số liệu các năm sau,
# nếu không thì dự báo lập từ năm trước.

# %%
indicators_all, _ = measures.exclude_missing(store.load_table(run_dir, "indicators_all"), mapping)
check_year = year if indicators_all["year"].max() > year else year - 1
pva = predicted_vs_actual(indicators_all, config, check_year, mapping=mapping, names=names)
store.save_table(run_dir, "predicted_vs_actual", pva)
print(describe_predicted_vs_actual(pva, result.model))
vi_table(pva[pva["level"] == "district"])

# %% [markdown]
# Dự báo toàn huyện với khoảng tin cậy 80% và 95%.

# %%
proj = projections(result)
store.save_table(run_dir, "projections", proj)
vi_table(proj[proj["level"] == "district"])

# %% [markdown]
# T1: tỷ lệ hộ nghèo giảm mỗi năm.

# %%
print(describe_target("T1", result, config))
plot_fan_chart(result, "poor_rate", config)

# %% [markdown]
# T2: giảm 1/2 số hộ nghèo, cận nghèo so với đầu kỳ.

# %%
print(describe_target("T2", result, config))
for quantity in ("n_poor", "n_near_poor", "n_poor_or_near_poor"):
    plot_fan_chart(result, quantity, config)

# %% [markdown]
# T3: các xã đạt tiêu chí nghèo đa chiều, trên đơn vị hành chính của năm mục tiêu.

# %%
target_vintage = config.vintage_for(config.periods.target_year)
merged = merge_units(result, mapping, names, target_vintage) if result.vintage != target_vintage else result
print(describe_target("T3", merged, config))
plot_fan_chart(result, "multidim_rate", config)
plot_probabilities(probabilities(merged, config), merged, config, "T3")
save_forecast_outputs(result, merged, config, run_dir);

# %% [markdown]
# Xác suất đạt từng chỉ tiêu và mức giảm còn cần mỗi năm.

# %%
probs = probabilities(result, config)
required = required_reductions(result, config)
store.save_table(run_dir, "probabilities", probs)
store.save_table(run_dir, "required_reductions", required)
vi_table(required[required["level"] == "district"])

# %% [markdown]
# Đề xuất chỉ tiêu năm sau giao cho các xã (bảng Excel và Word chỉnh sửa được).

# %%
proposals = propose_targets(result, indicators, config)
write_proposals_xlsx(proposals, out / f"chi_tieu_giam_ngheo_{year + 1}.xlsx", config, missing_note)
write_proposals_docx(proposals, out / f"chi_tieu_giam_ngheo_{year + 1}.docx", config, missing_note)
store.save_table(run_dir, "proposals", proposals)
print(describe_proposals(proposals))
display_table(proposals)

# %% [markdown]
# Đánh giá cuối kỳ (khi đã có kết quả năm mục tiêu).

# %%
final = final_evaluation(indicators, config, registry, deprivations, monitoring) if year >= config.periods.target_year else None
if final is not None:
    store.save_table(run_dir, "final_evaluation", final)
print(describe_final(final) if final is not None else "Chưa đến năm đánh giá cuối kỳ.")
vi_table(final) if final is not None else None
