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
# # 01 · Nhập và kiểm tra dữ liệu rà soát
#
# Đọc danh sách hộ rà soát của từng xã, bảng tổng số hộ và các biểu tổng hợp, kiểm tra từng
# dòng, thay họ tên và số giấy tờ bằng mã ẩn danh, và giữ lại mọi dòng bị loại cùng lý do. Mọi
# năm có số liệu đều được đọc: các năm sau năm báo cáo chỉ dùng để đối chiếu dự báo với thực tế.
#
# Chạy tay: đặt `year` (và `config_path` nếu là huyện khác) rồi chạy lần lượt; kết quả ghi vào
# thư mục kết quả đã có của năm đó. Các sổ tay chạy theo thứ tự tên: 01 → 06.

# %% tags=["parameters"]
config_path = "config/huong_son.yaml"  # tệp cấu hình của huyện (tính từ thư mục gốc dự án)
year = 2024  # năm rà soát cần báo cáo
run_dir = ""  # để trống: thư mục kết quả của năm, outputs/<huyện>/<năm>
allow_incomplete = False  # True: xã thiếu danh sách hộ được ghi "thiếu số liệu"

# %%
from analysis import workbench
from analysis.workbench.ingest import Ingest

step = workbench.start("01_ingest_validate", config_path, year, run_dir, allow_incomplete)
review = Ingest(step, allow_incomplete)

# %% [markdown]
# ## Khóa ẩn danh
#
# Mã hộ (khi danh sách không có mã hộ) và mã ẩn danh chủ hộ được tạo từ số giấy tờ bằng một
# khóa bí mật. Khóa đổi thì các mã này đổi theo, và kết quả lần này không nối được từng hộ với
# kết quả đã xuất của các năm trước. Chỉ ghi dấu vân tay của khóa, không ghi khóa.

# %%
review.key_check()

# %% [markdown]
# ## Xã thiếu danh sách hộ
#
# Xã có tổng số hộ nhưng không có danh sách hộ (chạy với `--allow-incomplete`) được ghi
# "thiếu số liệu" trong mọi bảng, bản đồ và tài liệu, không tính là 0%.

# %%
review.missing_lists()

# %% [markdown]
# ## Báo cáo kiểm tra
#
# Đối chiếu từng tệp (số dòng đọc = nhận + loại), các loại vấn đề và những dòng cần xem lại.

# %%
review.validation()

# %% [markdown]
# ## Tên xã khớp gần đúng
#
# Tên xã không trùng khớp hoàn toàn với danh mục đơn vị: cần kiểm tra lại.

# %%
review.fuzzy_matches()
