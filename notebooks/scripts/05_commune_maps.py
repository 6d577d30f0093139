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
# # 05 · Bản đồ các xã
#
# Bản đồ tỷ lệ hộ nghèo, cận nghèo, nghèo đa chiều, thay đổi so với đầu kỳ, tình hình thực hiện
# mục tiêu, 12 chỉ số thiếu hụt và kinh phí bình quân mỗi hộ nghèo; trên ranh giới chính thức
# nếu có khai báo trong cấu hình, nếu không thì trên sơ đồ minh họa. Mỗi bản đồ được lưu dạng
# PNG (300 dpi), SVG và PDF trong thư mục maps/ và hiện ngay dưới đây; bản đồ không vẽ được ghi
# rõ lý do. Cần chạy trước: 01 → 04 (bản đồ mục tiêu cần 03, bản đồ kinh phí cần 04).

# %% tags=["parameters"]
config_path = "config/huong_son.yaml"  # tệp cấu hình của huyện (tính từ thư mục gốc dự án)
year = 2024  # năm rà soát cần báo cáo
run_dir = ""  # để trống: thư mục kết quả của năm, outputs/<huyện>/<năm>
allow_incomplete = False  # True: xã thiếu danh sách hộ được ghi "thiếu số liệu"

# %%
from analysis import workbench
from analysis.workbench.maps import Maps

step = workbench.start("05_commune_maps", config_path, year, run_dir, allow_incomplete)
maps = Maps(step)

# %% [markdown]
# ## Ranh giới
#
# Đối chiếu tệp ranh giới với danh mục đơn vị (khi dùng tệp chính thức): số đơn vị khớp, vùng
# không khớp, vùng đã sửa, khe hở đã khép, diện tích lệch so với danh mục.

# %%
maps.boundaries()

# %% [markdown]
# ## Bản đồ không vẽ được và lý do

# %%
maps.skipped()

# %% [markdown]
# ## Tỷ lệ hộ nghèo theo xã

# %%
maps.map("poor_rate")

# %% [markdown]
# Bản đồ tương tác (phóng to, rê chuột lên xã để xem số liệu); tệp HTML mở được không cần mạng.

# %%
maps.interactive()

# %% [markdown]
# ## Tỷ lệ hộ cận nghèo theo xã

# %%
maps.map("near_poor_rate")

# %% [markdown]
# ## Tỷ lệ nghèo đa chiều theo xã

# %%
maps.map("multidim_rate")

# %% [markdown]
# ## Thay đổi tỷ lệ hộ nghèo so với đầu kỳ

# %%
maps.map("change_poor_rate")

# %% [markdown]
# ## Tình hình thực hiện chỉ tiêu cấp xã
#
# Về tỷ lệ nghèo đa chiều (chỉ tiêu đầu tiên loại này trong kế hoạch), theo xã.

# %%
maps.map("target_status")

# %% [markdown]
# ## Thiếu hụt theo 12 chỉ số
#
# Tỷ lệ hộ nghèo thiếu hụt từng chỉ số, mỗi ô ghi tên và tỷ lệ của từng xã; khi nhiều xã, các ô
# được chia sang vài trang để chữ đủ lớn khi in khổ A4.

# %%
maps.map("deprivation")

# %% [markdown]
# ## Kinh phí bình quân mỗi hộ nghèo

# %%
maps.map("budget_per_poor")

# %% [markdown]
# ## Tỷ lệ tái nghèo theo xã
#
# Hộ thoát nghèo rồi nghèo lại sau một năm (bản đồ do bước hồ sơ nghèo 02 vẽ, cũng có trong tập
# bản đồ); xã ít hộ thoát nghèo có khoảng tin cậy rộng, xem bảng ở sổ tay 02.

# %%
maps.map("relapse_rate")

# %% [markdown]
# ## Các tệp đã xuất

# %%
maps.files()
