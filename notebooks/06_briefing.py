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
# # Báo cáo tóm tắt kết quả rà soát hộ nghèo, hộ cận nghèo

# %% tags=["parameters"]
config_path = "config/huong_son.yaml"
year = 2024
run_dir = "outputs/huong-son/2024"
allow_incomplete = False  # True: communes without a list are marked "thiếu số liệu"

# %%
from pathlib import Path

from analysis import documents, word
from analysis.briefing import build_briefing
from analysis.config import load_config

config = load_config(config_path)
sections = build_briefing(config, year, run_dir)
word.write_docx(sections, Path(run_dir) / "briefing.docx")
documents.display_briefing(sections)
