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
# # 05 · Phân bổ ngân sách giữa các xã
#
# Chia từng nguồn vốn (theo dự án, tiểu dự án và nguồn: trung ương, tỉnh đối ứng, huyện) cho các
# xã theo tiêu chí, trọng số, mức tối thiểu và tối đa trong tệp nguồn vốn; làm tròn đến triệu đồng
# mà tổng của từng nguồn vẫn đúng bằng số được giao. So sánh với một phương án khác khi được chọn,
# kiểm tra hỗ trợ trùng lặp trong danh sách hộ được hỗ trợ và theo dõi giải ngân.

# %% tags=["parameters"]
config_path = "config/huong_son.yaml"
year = 2024
run_dir = "outputs/huong-son/2024"
allow_incomplete = False  # True: communes without a list are marked "thiếu số liệu"
budget_year = None  # năm ngân sách; bỏ trống: năm rà soát `year`
envelope_file = None  # tệp nguồn vốn; bỏ trống: allocation.envelope_file của cấu hình
scenario = None  # tên phương án so sánh với phương án cơ sở (ví dụ "theo-muc-do-thieu-hut")

# %%
from analysis import documents, store
from analysis.budget import display
from analysis.budget.run import budget_or_reason
from analysis.config import load_config
from analysis.registry import registry_for

config = load_config(config_path)
documents.show_data_note(config)
registry = registry_for(config)
# communes marked "thiếu số liệu" get no share until their list is in (said below), never a 0 count
budget, no_budget = budget_or_reason(config, run_dir, year, budget_year, envelope_file, scenario, registry)
weights = store.load_table(run_dir, "allocation_weights") if budget is not None else None
if budget is None:
    documents.show(documents.Paragraph(no_budget))

# %% [markdown]
# Số tiền mỗi xã (mọi nguồn), tỷ trọng và mức bình quân trên một hộ nghèo:

# %%
if budget is not None:
    documents.show(
        documents.Paragraph(documents.allocation_text(budget.allocation, config, budget.missing, weights)),
        documents.allocation_table(budget.allocation, budget.missing),
    )

# %% [markdown]
# Phân bổ theo dự án, tiểu dự án và nguồn vốn; tiêu chí và trọng số từng nguồn; kiểm tra tổng.

# %%
if budget is not None:
    documents.show(*display.rules_tables(budget))

# %% [markdown]
# So sánh phương án (khi tham số `scenario` hoặc `--scenario` chọn một phương án).

# %%
if budget is not None:
    documents.show(*display.comparison_blocks(budget))

# %% [markdown]
# Kiểm tra hỗ trợ trùng lặp, sai đối tượng trong danh sách hộ được hỗ trợ.

# %%
if budget is not None:
    documents.show(*display.double_support_blocks(budget))

# %% [markdown]
# Giải ngân theo xã (khi có bảng giải ngân).

# %%
if budget is not None:
    documents.show(*display.disbursement_blocks(budget))

# %%
if budget is not None:
    display.disbursement_figure(budget, config, registry, year, run_dir)

# %% [markdown]
# Tệp cho phòng Tài chính - Kế hoạch: sổ tính in được và phụ lục nghị quyết HĐND.

# %%
if budget is not None:
    documents.show(documents.Paragraph(display.files_text(budget)))
