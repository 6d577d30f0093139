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
# Đọc danh sách hộ rà soát của từng xã và bảng tổng số hộ, kiểm tra từng dòng, thay họ tên và
# số giấy tờ bằng mã ẩn danh, và giữ lại mọi dòng bị loại cùng lý do. Mọi năm có số liệu đều
# được đọc: các năm sau năm báo cáo chỉ dùng để đối chiếu dự báo với thực tế.

# %% tags=["parameters"]
config_path = "config/huong_son.yaml"
year = 2024
run_dir = "outputs/huong-son/2024"

# %%
from analysis import documents, ingest, store
from analysis.config import load_config

config = load_config(config_path)
review = ingest.read_review(config)
store.save_table(run_dir, "households", review.households)
store.save_table(run_dir, "totals", review.totals)
store.save_table(run_dir, "summary", review.summary)
store.save_table(run_dir, "rejects", review.rejects)
store.save_table(run_dir, "problems", review.problems)
store.save_table(run_dir, "files", review.files)

# %% [markdown]
# Đối chiếu từng tệp: số dòng đọc được bằng số dòng nhận cộng số dòng bị loại.

# %%
documents.show(*documents.ingest_blocks(review.files, review.problems))
