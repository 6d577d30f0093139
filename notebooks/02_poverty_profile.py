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
# # 02 · Hồ sơ nghèo của huyện
#
# Số hộ nghèo, cận nghèo và tỷ lệ theo xã và toàn huyện, từ kết quả rà soát đã được phê duyệt.

# %% tags=["parameters"]
config_path = "config/huong_son.yaml"
year = 2024
run_dir = "outputs/huong-son/2024"

# %%
from analysis import documents, measures, store
from analysis.config import load_config
from analysis.registry import registry_for

config = load_config(config_path)
registry = registry_for(config)
households = store.load_table(run_dir, "households")
totals = store.load_table(run_dir, "totals")
indicators_all = measures.commune_indicators(
    households, totals, registry.names_by_vintage(), crosswalk=registry.to_merged()
)
indicators = indicators_all[indicators_all["year"] <= year].reset_index(drop=True)
district = measures.district_indicators(indicators, config.district.name)
store.save_table(run_dir, "indicators_all", indicators_all)
store.save_table(run_dir, "indicators", indicators)
store.save_table(run_dir, "district", district)

# %% [markdown]
# Toàn huyện qua các năm: số hộ, tỷ lệ hộ nghèo và cận nghèo, thay đổi so với năm trước.

# %%
source = documents.review_source(config, year)
documents.show(documents.Paragraph(documents.key_figures_text(district, year)))
documents.show(documents.district_trend_table(district, source))

# %% [markdown]
# Các xã trong năm, xếp từ tỷ lệ hộ nghèo cao nhất.

# %%
documents.show(documents.commune_table(indicators, year, source))
