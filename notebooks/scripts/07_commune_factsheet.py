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
# # 07 · Phiếu thông tin giảm nghèo của một xã
#
# Lập phiếu thông tin (PDF và Word, một đến hai trang A4) cho một xã từ các bảng mà lượt chạy
# đã lưu: số hộ nghèo, cận nghèo qua các năm, biến động trong năm, thiếu hụt của hộ nghèo,
# đánh giá chỉ tiêu, dự báo, vị trí trên bản đồ và ngân sách phân bổ. Khi chạy cả chu trình,
# phiếu của mọi xã được lập tự động (song song) vào thư mục `factsheets/` của lượt chạy; sổ
# tay này dùng để lập lại phiếu của một xã. Cần chạy trước: 01 → 03 (và 04 cho ngân sách).

# %% tags=["parameters"]
config_path = "config/huong_son.yaml"  # tệp cấu hình của huyện (tính từ thư mục gốc dự án)
year = 2024  # năm rà soát
run_dir = ""  # để trống: thư mục kết quả của năm, outputs/<huyện>/<năm>
commune_code = "18139"  # mã xã
out_dir = ""  # để trống: <run_dir>/factsheets/<mã>_<tên>/

# %%
from analysis import documents, workbench
from analysis.documents import factsheet

step = workbench.start("07_commune_factsheet", config_path, year, run_dir)
commune = factsheet.find_commune(step.config, step.year, commune_code)
out = step.path(out_dir) if out_dir else None
pdf, docx = factsheet.write_factsheet(step.config, step.year, step.run_dir, commune, out)
workbench.show_text(f"Đã lập phiếu của {commune.full_name}: {step.rel(pdf)} và {docx.name}.")

# %% [markdown]
# Nội dung phiếu (giống bản PDF và Word).

# %%
sections = factsheet.build_factsheet(step.config, step.year, step.run_dir, commune, pdf.parent)
documents.display_briefing(sections)
