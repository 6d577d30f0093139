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

# %%
from analysis import forecast, store, targets
from analysis.config import load_config
from analysis.registry import registry_for
from analysis.targets.reports import wide_scorecard

config = load_config(config_path)
registry = registry_for(config)
indicators = store.load_table(run_dir, "indicators")
scorecard = targets.build_scorecard(indicators, config, mapping=registry.to_merged())
store.save_table(run_dir, "scorecard", scorecard)
result = forecast.forecast(indicators, config, year=year)
store.save_table(run_dir, "projections", forecast.projections(result))
wide_scorecard(scorecard)
