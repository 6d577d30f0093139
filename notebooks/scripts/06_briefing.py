# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     formats: ipynb,scripts//py:percent
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
config_path = "config/huong_son.yaml"  # tệp cấu hình của huyện (tính từ thư mục gốc dự án)
year = 2024  # năm rà soát cần báo cáo
run_dir = ""  # để trống: thư mục kết quả của năm, outputs/<huyện>/<năm>
allow_incomplete = False  # True: xã thiếu danh sách hộ được ghi "thiếu số liệu"
document_date = ""  # ngày của báo cáo, dd/mm/yyyy; để trống: ngày chạy

# %%
from analysis import documents, workbench
from analysis.documents import word
from analysis.documents.briefing import build_briefing
from analysis.reproducible import parse_run_date

# every output below is the briefing (exported as HTML and PDF): nothing else is displayed
step = workbench.start("06_briefing", config_path, year, run_dir, allow_incomplete, announce=False)
day = parse_run_date(document_date) if document_date else None
sections = build_briefing(step.config, step.year, step.run_dir, day)
title = documents.document_title(step.config, step.year)
word.write_docx(sections, step.run_dir / "briefing.docx", title=title)
documents.display_briefing(sections)
