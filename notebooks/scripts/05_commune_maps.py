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
# # 03 · Bản đồ các xã
#
# Bản đồ tỷ lệ hộ nghèo, cận nghèo, nghèo đa chiều, thay đổi so với đầu kỳ, tình hình thực hiện
# mục tiêu, 12 chỉ số thiếu hụt và kinh phí bình quân mỗi hộ nghèo; trên ranh giới chính thức nếu
# có khai báo trong cấu hình, nếu không thì trên sơ đồ minh họa. Bước này chạy sau bước mục tiêu
# (04) và ngân sách (05) vì có bản đồ của hai bước đó.

# %% tags=["parameters"]
config_path = "config/huong_son.yaml"
year = 2024
run_dir = "outputs/huong-son/2024"
allow_incomplete = False  # True: communes without a list are marked "thiếu số liệu"

# %%
from IPython.display import display

from analysis import documents, maps
from analysis.config import load_config
from analysis.registry import registry_for

config = load_config(config_path)
documents.show_data_note(config)
registry = registry_for(config)
map_set = maps.make_run_maps(run_dir, year, config, registry)
map_set.boundaries.source

# %% [markdown]
# Đối chiếu tệp ranh giới với danh mục đơn vị (khi dùng tệp chính thức): số đơn vị khớp, vùng
# không khớp, vùng đã sửa, khe hở đã khép, diện tích lệch so với danh mục.

# %%
map_set.boundaries.summary()

# %%
map_set.boundaries.report.to_frame() if map_set.boundaries.report else "Dùng sơ đồ minh họa: chưa khai báo tệp ranh giới chính thức."

# %% [markdown]
# Bản đồ không vẽ được và lý do.

# %%
map_set.skipped

# %% [markdown]
# Tỷ lệ hộ nghèo theo xã.

# %%
map_set.figures["poor_rate"]

# %% [markdown]
# Tỷ lệ hộ cận nghèo theo xã.

# %%
map_set.figures["near_poor_rate"]

# %% [markdown]
# Tỷ lệ nghèo đa chiều theo xã.

# %%
map_set.figures["multidim_rate"]

# %% [markdown]
# Thay đổi tỷ lệ hộ nghèo so với đầu kỳ.

# %%
map_set.figures.get("change_poor_rate")

# %% [markdown]
# Tình hình thực hiện chỉ tiêu cấp xã về tỷ lệ nghèo đa chiều (chỉ tiêu đầu tiên loại này trong
# kế hoạch), theo xã.

# %%
map_set.figures.get("target_status") or (
    "Kế hoạch trong cấu hình không có chỉ tiêu cấp xã về tỷ lệ nghèo đa chiều, nên không có bản đồ này."
    if not config.targets_with(*maps.STATUS_MAP_METRICS)
    else "Không vẽ được bản đồ tình hình thực hiện chỉ tiêu (xem lý do ở trên)."
)

# %% [markdown]
# Tỷ lệ hộ nghèo thiếu hụt theo 12 chỉ số, mỗi ô ghi tên và tỷ lệ của từng xã; khi nhiều xã, các ô
# được chia sang vài trang để chữ đủ lớn khi in khổ A4.

# %%
for page in map_set.pages_of("deprivation"):
    display(page)

# %% [markdown]
# Kinh phí bình quân mỗi hộ nghèo.

# %%
map_set.figures.get("budget_per_poor")

# %% [markdown]
# Các tệp đã xuất.

# %%
[p.name for p in map_set.paths] + [map_set.pack.name]
