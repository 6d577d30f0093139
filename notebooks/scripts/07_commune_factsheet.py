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
# # Phiếu thông tin giảm nghèo của một xã
#
# Lập phiếu thông tin (PDF và Word, một đến hai trang A4) cho một xã từ các bảng mà lượt chạy
# đã lưu: số hộ nghèo, cận nghèo qua các năm, biến động trong năm, thiếu hụt của hộ nghèo,
# đánh giá chỉ tiêu, dự báo, vị trí trên bản đồ và ngân sách phân bổ. Khi chạy cả chu trình,
# phiếu của mọi xã được lập tự động (song song) vào thư mục `factsheets/` của lượt chạy; sổ
# tay này dùng để lập lại phiếu của một xã.

# %% tags=["parameters"]
config_path = "config/huong_son.yaml"
year = 2024
run_dir = "outputs/huong-son/2024"
commune_code = "18139"
out_dir = ""  # để trống: <run_dir>/factsheets/<mã>_<tên>/

# %%
from analysis import documents
from analysis.documents import factsheet
from analysis.config import load_config

config = load_config(config_path)
commune = factsheet.find_commune(config, year, commune_code)
pdf, docx = factsheet.write_factsheet(config, year, run_dir, commune, out_dir or None)
print(f"Đã lập: {pdf}\n        {docx}")

# %% [markdown]
# Nội dung phiếu (giống bản PDF và Word).

# %%
sections = factsheet.build_factsheet(config, year, run_dir, commune, pdf.parent)
documents.display_briefing(sections)
