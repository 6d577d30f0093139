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
# # 05 · Phân bổ ngân sách giữa các xã
#
# Chia tổng nguồn vốn theo các tiêu chí và trọng số trong tệp cấu hình, làm tròn đến triệu đồng
# mà vẫn giữ đúng tổng.

# %% tags=["parameters"]
config_path = "config/huong_son.yaml"
year = 2024
run_dir = "outputs/huong-son/2024"
allow_incomplete = False  # True: communes without a list are marked "thiếu số liệu"

# %%
from analysis import allocation, documents, store
from analysis.config import load_config
from analysis.registry import registry_for

config = load_config(config_path)
documents.show_data_note(config)
rules = config.allocation
households = store.load_table(run_dir, "households")
indicators = store.load_table(run_dir, "indicators")
# communes marked "thiếu số liệu" get no share until their list is in (said below), never a 0 count
missing = allocation.missing_for_year(indicators, year)
store.save_table(run_dir, "allocation_missing", missing)
remote = allocation.remote_codes_for_vintage(
    rules.remote_communes, config.vintage_for(year), registry_for(config).to_merged()
)
criteria = allocation.allocation_criteria(households, indicators, year, remote)
weights = {c.name: c.weight for c in rules.criteria}
result = allocation.allocate_budget(criteria, weights, rules.total_million_vnd)
store.save_table(run_dir, "allocation", result)

# %% [markdown]
# Số tiền mỗi xã, tỷ trọng và mức bình quân trên một hộ nghèo:

# %%
documents.show(
    documents.Paragraph(documents.allocation_text(result, config, missing)), documents.allocation_table(result, missing)
)
