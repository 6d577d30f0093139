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
# # Báo cáo kết quả rà soát hộ nghèo, hộ cận nghèo

# %% tags=["parameters"]
config_path = "config/huong_son.yaml"
year = 2024
run_dir = "outputs/huong-son/2024"
allow_incomplete = False  # True: communes without a list are marked "thiếu số liệu"
document_date = ""  # the report's date, dd/mm/yyyy; empty: the run's date

# %%
from pathlib import Path

from analysis import documents
from analysis.documents import word
from analysis.documents.briefing import build_briefing
from analysis.config import load_config
from analysis.reproducible import parse_run_date

config = load_config(config_path)
day = parse_run_date(document_date) if document_date else None
sections = build_briefing(config, year, run_dir, day)
word.write_docx(
    sections, Path(run_dir) / "briefing.docx", title=documents.document_title(config, year)
)
documents.display_briefing(sections)
