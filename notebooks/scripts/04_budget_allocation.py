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
# # 04 · Phân bổ ngân sách giữa các xã
#
# Chia từng nguồn vốn (theo dự án, tiểu dự án và nguồn: trung ương, tỉnh đối ứng, huyện) cho
# các xã theo tiêu chí, trọng số, mức tối thiểu và tối đa trong tệp nguồn vốn; làm tròn đến
# triệu đồng mà tổng của từng nguồn vẫn đúng bằng số được giao. So sánh với một phương án khác
# khi được chọn, kiểm tra hỗ trợ trùng lặp trong danh sách hộ được hỗ trợ và theo dõi giải
# ngân. Cần chạy trước: 01_ingest_validate, 02_poverty_profile.

# %% tags=["parameters"]
config_path = "config/huong_son.yaml"  # tệp cấu hình của huyện (tính từ thư mục gốc dự án)
year = 2024  # năm rà soát cần báo cáo
run_dir = ""  # để trống: thư mục kết quả của năm, outputs/<huyện>/<năm>
allow_incomplete = False  # True: xã thiếu danh sách hộ được ghi "thiếu số liệu"
budget_year = None  # năm ngân sách; bỏ trống: năm rà soát `year`
envelope_file = None  # tệp nguồn vốn; bỏ trống: allocation.envelope_file của cấu hình
scenario = None  # tên phương án so sánh với phương án cơ sở (ví dụ "theo-muc-do-thieu-hut")

# %%
from analysis import workbench
from analysis.workbench.budget import Budget

step = workbench.start("04_budget_allocation", config_path, year, run_dir, allow_incomplete)
budget = Budget(step, budget_year, envelope_file, scenario)

# %% [markdown]
# ## Số tiền mỗi xã
#
# Mọi nguồn cộng lại, tỷ trọng và mức bình quân trên một hộ nghèo.

# %%
budget.allocation()

# %% [markdown]
# ## Theo dự án, tiểu dự án và nguồn vốn
#
# Tiêu chí và trọng số từng nguồn; kiểm tra tổng.

# %%
budget.rules()

# %% [markdown]
# ## So sánh phương án
#
# Khi tham số `scenario` (hoặc `--scenario` của lệnh chạy) chọn một phương án.

# %%
budget.comparison()

# %% [markdown]
# ## Hỗ trợ trùng lặp, sai đối tượng
#
# Trong danh sách hộ được hỗ trợ.

# %%
budget.double_support()

# %% [markdown]
# ## Giải ngân theo xã
#
# Khi có bảng giải ngân; kèm bản đồ tỷ lệ giải ngân.

# %%
budget.disbursement()

# %% [markdown]
# ## Tệp cho phòng Tài chính - Kế hoạch
#
# Sổ tính in được và phụ lục nghị quyết HĐND.

# %%
budget.files()
