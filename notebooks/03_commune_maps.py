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
# # 03 · Bản đồ các xã
#
# Bản đồ tỷ lệ hộ nghèo, cận nghèo, nghèo đa chiều, thay đổi so với đầu kỳ và các chỉ số thiếu hụt,
# trên ranh giới chính thức nếu có, nếu không thì trên sơ đồ minh họa.

# %% tags=["parameters"]
config_path = "config/huong_son.yaml"
year = 2024
run_dir = "outputs/huong-son/2024"

# %%
from pathlib import Path

from IPython.display import Image, display

from analysis import maps, store
from analysis.config import load_config
from analysis.registry import registry_for

config = load_config(config_path)
registry = registry_for(config)
indicators = store.load_table(run_dir, "indicators")
map_set = maps.make_map_set(indicators, year, config, registry, Path(run_dir) / "maps")

# %%
display(Image(filename=str(next(p for p in map_set.paths if p.name.endswith("poor_rate.png")))))
