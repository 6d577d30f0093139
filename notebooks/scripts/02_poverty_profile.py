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
# # 02 · Hồ sơ nghèo của huyện
#
# Số hộ nghèo, cận nghèo và tỷ lệ theo xã và toàn huyện, từ kết quả rà soát đã được phê duyệt;
# biến động giữa các kỳ rà soát, thiếu hụt các chỉ số và chỉ số nghèo đa chiều Alkire–Foster.
# Năm chỉ có biểu tổng hợp theo xã (không có danh sách hộ): các phân tích cần số liệu từng hộ
# ghi rõ là không lập được, không ước tính thay. Cần chạy trước: 01_ingest_validate.

# %% tags=["parameters"]
config_path = "config/huong_son.yaml"  # tệp cấu hình của huyện (tính từ thư mục gốc dự án)
year = 2024  # năm rà soát cần báo cáo
run_dir = ""  # để trống: thư mục kết quả của năm, outputs/<huyện>/<năm>
allow_incomplete = False  # True: xã thiếu danh sách hộ được ghi "thiếu số liệu"

# %%
from analysis import workbench
from analysis.workbench.profile import Profile

step = workbench.start("02_poverty_profile", config_path, year, run_dir, allow_incomplete)
profile = Profile(step)

# %% [markdown]
# ## Toàn huyện qua các năm
#
# Số hộ, tỷ lệ hộ nghèo và cận nghèo, thay đổi so với năm trước.

# %%
profile.district_trend()

# %% [markdown]
# ## Các xã trong năm
#
# Xếp từ tỷ lệ hộ nghèo cao nhất.

# %%
profile.communes()

# %% [markdown]
# ## Tỷ lệ theo nhân khẩu, và không tính hộ bảo trợ xã hội
#
# Tỷ lệ theo nhân khẩu và tỷ lệ không tính hộ bảo trợ xã hội không có khả năng lao động.

# %%
profile.rate_variants()

# %% [markdown]
# ## Biến động hộ nghèo
#
# Biến động trong năm và kiểm tra cân đối: đầu kỳ − giảm + tăng = cuối kỳ.

# %%
profile.flows()

# %% [markdown]
# ## Phân loại khác với chuẩn
#
# Hộ có phân loại khác với kết quả tính theo chuẩn, kèm lý do (không có họ tên, số giấy tờ).

# %%
profile.audit()

# %% [markdown]
# ## Bốn nhóm theo chuẩn và hộ có thu nhập thấp
#
# Nghèo, cận nghèo, mức sống trung bình, khác; hộ có thu nhập thấp theo Nghị định
# 30/2025/NĐ-CP (chỉ từ kỳ rà soát năm 2025), tính lại từ thu nhập và chỉ số thiếu hụt.

# %%
profile.classes()

# %% [markdown]
# ## Thiếu hụt các chỉ số
#
# Tỷ lệ thiếu hụt từng chỉ số của hộ nghèo và hộ cận nghèo.

# %%
profile.deprivation()

# %% [markdown]
# ## Chỉ số nghèo đa chiều Alkire–Foster
#
# H, A, M0 qua các năm và đóng góp của từng chiều.

# %%
profile.alkire_foster()

# %% [markdown]
# ## Đóng góp của từng xã vào M0 toàn huyện

# %%
profile.decomposition()

# %% [markdown]
# ## Độ nhạy theo ngưỡng k = 1…6 thiếu hụt

# %%
profile.robustness()

# %% [markdown]
# ## Thay đổi từ đầu kỳ đến năm rà soát

# %%
profile.change()

# %% [markdown]
# ## Hộ nghèo, cận nghèo theo nhóm đối tượng

# %%
profile.groups()

# %% [markdown]
# ## Kiểm tra số liệu trước khi dùng
#
# Tỷ lệ hợp lệ, toàn huyện bằng tổng các xã, thay đổi bất thường trong một năm, cân đối biến
# động, và đối chiếu phân loại với chuẩn.

# %%
profile.quality()

# %% [markdown]
# ## Biểu tổng hợp theo mẫu
#
# Các nhận định trên được giữ cho báo cáo tóm tắt; biểu tổng hợp kết quả rà soát (Excel) ghi
# cùng thư mục kết quả.

# %%
profile.save_readings()
profile.summary_workbook()

# %% [markdown]
# ## Tính bền vững của kết quả giảm nghèo
#
# Hộ thoát nghèo các năm có giữ được kết quả không (theo dõi từng nhóm hộ theo năm thoát qua các kỳ
# rà soát sau), hộ thoát nghèo năm nay dễ tái nghèo, hộ mới thoát nghèo, tỷ lệ tái nghèo trong dự
# báo, và các tín hiệu cần kiểm tra lại của kỳ rà soát: tín hiệu để đi xác minh, không phải kết
# luận. Bảng, biểu đồ, bản đồ tỷ lệ tái nghèo và phụ lục Excel (theo mã hộ) được lưu cho báo cáo
# và phiếu thông tin xã.

# %%
profile.sustainability()
