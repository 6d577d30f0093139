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
# # 03 · Mục tiêu của kế hoạch: đánh giá và dự báo
#
# Bảng theo dõi từng mục tiêu theo huyện và theo xã, dự báo đến năm mục tiêu có khoảng tin cậy
# (biểu đồ quạt), và đề xuất chỉ tiêu năm sau cho các xã. Khi chưa đủ số năm rà soát, các phần
# cần dự báo ghi rõ lý do. Cần chạy trước: 01_ingest_validate, 02_poverty_profile.

# %% tags=["parameters"]
config_path = "config/huong_son.yaml"  # tệp cấu hình của huyện (tính từ thư mục gốc dự án)
year = 2024  # năm rà soát cần báo cáo
run_dir = ""  # để trống: thư mục kết quả của năm, outputs/<huyện>/<năm>
allow_incomplete = False  # True: xã thiếu danh sách hộ được ghi "thiếu số liệu"

# %%
from analysis import workbench
from analysis.workbench.targets import Targets

step = workbench.start("03_targets_forecast", config_path, year, run_dir, allow_incomplete)
targets = Targets(step)
targets.missing()

# %% [markdown]
# ## Bảng theo dõi thực hiện chỉ tiêu
#
# Mỗi chỉ tiêu, mỗi năm, với số liệu đằng sau và một đánh giá duy nhất (cùng bảng đánh giá được
# dùng cho bảng Excel, báo cáo và bản đồ). Từ năm mục tiêu, đánh giá cuối kỳ (Đạt / Không đạt)
# được lập trên các đơn vị hành chính của năm mục tiêu.

# %%
targets.scorecard()

# %% [markdown]
# ## Các chỉ tiêu không dự báo
#
# Đo bằng số liệu thiếu hụt, sổ theo dõi chương trình, danh sách xã cần hỗ trợ: đọc từ bảng
# theo dõi.

# %%
targets.other_targets()

# %% [markdown]
# ## Mô hình dự báo
#
# Mô hình được chọn theo kiểm định ngược (backtest).

# %%
targets.model()

# %% [markdown]
# ## Kiểm định ngược
#
# Theo cấp (xã, toàn huyện) và số năm dự báo trước: sai số trung bình (điểm %) và tỷ lệ giá
# trị thực tế nằm trong khoảng 80% của mỗi mô hình.

# %%
targets.backtest()

# %% [markdown]
# ## Dự báo so với kết quả thực tế
#
# Dự báo lập từ năm nay nếu đã có số liệu các năm sau, nếu không thì dự báo lập từ năm trước.

# %%
targets.predicted_vs_actual()

# %% [markdown]
# ## Dự báo toàn huyện
#
# Với khoảng tin cậy 80% và 95%.

# %%
targets.projections()

# %% [markdown]
# ## Chỉ tiêu về mức giảm tỷ lệ hộ nghèo hằng năm

# %%
targets.annual_fall()

# %% [markdown]
# ## Chỉ tiêu về số hộ nghèo, cận nghèo so với đầu kỳ

# %%
targets.counts()

# %% [markdown]
# ## Chỉ tiêu về tỷ lệ nghèo đa chiều của từng xã
#
# Trên đơn vị hành chính của năm mục tiêu: biểu đồ quạt và xác suất đạt của từng xã.

# %%
targets.commune_multidim()

# %% [markdown]
# ## Xác suất đạt và mức giảm còn cần mỗi năm

# %%
targets.required()

# %% [markdown]
# ## Đề xuất chỉ tiêu năm sau giao cho các xã
#
# Bảng Excel và Word chỉnh sửa được, ghi trong thư mục kết quả.

# %%
targets.proposals()

# %% [markdown]
# ## Đánh giá cuối kỳ
#
# Khi đã có kết quả năm mục tiêu.

# %%
targets.final_evaluation()
