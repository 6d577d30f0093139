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
# # 01 · Nhập và kiểm tra dữ liệu rà soát
#
# Đọc danh sách hộ rà soát của từng xã, bảng tổng số hộ và các biểu tổng hợp, kiểm tra từng dòng,
# thay họ tên và số giấy tờ bằng mã ẩn danh, và giữ lại mọi dòng bị loại cùng lý do. Mọi năm có
# số liệu đều được đọc: các năm sau năm báo cáo chỉ dùng để đối chiếu dự báo với thực tế.

# %% tags=["parameters"]
config_path = "config/huong_son.yaml"
year = 2024
run_dir = "outputs/huong-son/2024"
allow_incomplete = False  # True: communes without a list are marked "thiếu số liệu"

# %%
from pathlib import Path

from IPython.display import HTML

from analysis import documents, ingest, store
from analysis.config import load_config
from analysis.documents.labels import vi_table

config = load_config(config_path)
documents.show_data_note(config)
review = ingest.read_review(
    config, report_dir=run_dir, for_run=True, allow_incomplete=allow_incomplete,
    key_history_dir=Path(run_dir).parent,  # the district's earlier outputs: their key fingerprints
)
for name in ("households", "totals", "summary", "rejects", "problems", "files", "fuzzy_matches", "missing_lists",
             "key_years", "key_changes"):
    store.save_table(run_dir, name, getattr(review, name))

# %% [markdown]
# Khóa ẩn danh: mã hộ (khi danh sách không có mã hộ) và mã ẩn danh chủ hộ được tạo từ số giấy tờ
# bằng một khóa bí mật. Khóa đổi thì các mã này đổi theo, và kết quả lần này không nối được từng hộ
# với kết quả đã xuất của các năm trước. Chỉ ghi dấu vân tay của khóa, không ghi khóa.

# %%
documents.show(documents.Paragraph(ingest.describe_key_check(review)))

# %% [markdown]
# Xã có tổng số hộ nhưng không có danh sách hộ (chạy với `--allow-incomplete`): các xã này được ghi
# "thiếu số liệu" trong mọi bảng, bản đồ và tài liệu, không tính là 0%.

# %%
documents.show(documents.Paragraph(ingest.describe_missing_lists(review.missing_lists)))

# %% [markdown]
# Báo cáo kiểm tra: đối chiếu từng tệp (số dòng đọc = nhận + loại), các loại vấn đề và những
# dòng cần xem lại. Bản đầy đủ: kiem_tra_du_lieu.xlsx trong thư mục kết quả.

# %%
HTML(ingest.validation_report(review).to_html())

# %% [markdown]
# Tên xã khớp gần đúng (không trùng khớp hoàn toàn với danh mục đơn vị): cần kiểm tra lại.

# %%
vi_table(review.fuzzy_matches)
