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
# # 02 · Hồ sơ nghèo của huyện
#
# Số hộ nghèo, cận nghèo và tỷ lệ theo xã và toàn huyện, từ kết quả rà soát đã được phê duyệt;
# biến động giữa các kỳ rà soát, thiếu hụt các chỉ số và chỉ số nghèo đa chiều Alkire–Foster.

# %% tags=["parameters"]
config_path = "config/huong_son.yaml"
year = 2024
run_dir = "outputs/huong-son/2024"
allow_incomplete = False  # True: communes without a list are marked "thiếu số liệu"

# %%
from pathlib import Path

from IPython.display import display

from analysis import documents, history, ingest, measures, quality, store
from analysis.documents import summary_tables
from analysis.documents.briefing import save_profile_outputs
from analysis.documents.labels import vi_table
from analysis.config import load_config
from analysis.registry import registry_for
from analysis.schema import DIMENSION_LABELS_VI

config = load_config(config_path)
documents.show_data_note(config)
registry = registry_for(config)
households_all = store.load_table(run_dir, "households")
totals = store.load_table(run_dir, "totals")
summary = store.load_table(run_dir, "summary")
missing_lists = store.load_optional_table(run_dir, "missing_lists")
# years whose households were read with another pseudonym key than the year before: not linkable,
# so their flows are "không tính được" (empty when every year was read with this run's key)
key_years = store.load_optional_table(run_dir, "key_years")
broken_years = ingest.key_breaks(key_years) if key_years is not None else []
indicators_all = measures.indicators_from_inputs(
    households_all, totals, summary, registry.names_by_vintage(), crosswalk=registry.to_merged(),
    missing=missing_lists, broken_years=broken_years,
)
indicators = indicators_all[indicators_all["year"] <= year].reset_index(drop=True)
district = measures.district_indicators(indicators, config.district.name)
households = households_all[households_all["year"] <= year]
# households whose list gives only the number of deprivations are left out of every
# per-indicator figure below (never counted as "not deprived"); the sentence says how many
flagged = measures.with_indicator_flags(households)
indicator_note = measures.describe_indicator_gap(households, year)
standard = config.standard_for(year)
has_microdata = bool((households["year"] == year).any())
store.save_table(run_dir, "indicators_all", indicators_all)
store.save_table(run_dir, "indicators", indicators)
store.save_table(run_dir, "district", district)
if has_microdata:
    store.save_table(run_dir, "deprivations", measures.commune_deprivations(flagged, standard))

# %% [markdown]
# Toàn huyện qua các năm: số hộ, tỷ lệ hộ nghèo và cận nghèo, thay đổi so với năm trước.

# %%
source = documents.review_source(config, year)
documents.show(documents.Paragraph(documents.key_figures_text(district, year)))
if measures.missing_communes(indicators, year):
    documents.show(documents.Paragraph(measures.describe_missing(indicators, year)))
documents.show(documents.district_trend_table(district, source))

# %% [markdown]
# Các xã trong năm, xếp từ tỷ lệ hộ nghèo cao nhất.

# %%
documents.show(documents.Paragraph(measures.describe_communes(indicators, year)))
documents.show(documents.commune_table(indicators, year, source))

# %% [markdown]
# Tỷ lệ theo nhân khẩu và tỷ lệ không tính hộ bảo trợ xã hội không có khả năng lao động.

# %%
if has_microdata:
    variants = measures.rate_variants(households, indicators)
    shown = ["commune_name", "poor_rate", "multidim_rate", "poor_rate_excl_sp", "multidim_rate_excl_sp", "poor_rate_persons"]
    display(vi_table(variants.loc[variants["year"] == year, shown]))
else:
    documents.show(documents.Paragraph(documents.NO_MICRODATA))

# %% [markdown]
# Biến động hộ nghèo trong năm và kiểm tra cân đối: đầu kỳ − giảm + tăng = cuối kỳ.

# %%
documents.show(documents.Paragraph(measures.describe_flows(district, year, broken_years)))
documents.show(documents.Paragraph(measures.describe_flow_check(measures.check_flows(indicators))))
documents.show(
    documents.Paragraph(measures.describe_flow_check(measures.check_continuity(indicators, registry.to_merged())))
)
if has_microdata:
    display(vi_table(measures.district_flows(households, year, registry.to_merged(), broken_years)))

# %% [markdown]
# Hộ có phân loại khác với kết quả tính theo chuẩn, kèm lý do (không có họ tên, số giấy tờ).

# %%
if has_microdata:
    this_year = households[households["year"] == year]
    this_flagged = flagged[flagged["year"] == year]
    if indicator_note:
        documents.show(documents.Paragraph(indicator_note))
    audit = measures.audit_status(this_flagged, standard)
    store.save_table(run_dir, "audit", audit)
    documents.show(documents.Paragraph(measures.describe_audit(audit, len(this_year), year)))
    display(vi_table(audit.head(20)))
else:
    documents.show(documents.Paragraph(documents.NO_MICRODATA))

# %% [markdown]
# Bốn nhóm theo chuẩn (nghèo, cận nghèo, mức sống trung bình, khác) và hộ có thu nhập thấp
# theo Nghị định 30/2025/NĐ-CP (chỉ từ kỳ rà soát năm 2025), tính lại từ thu nhập và chỉ số
# thiếu hụt.

# %%
if has_microdata:
    whole = measures.covers_population(households, totals)
    classes = measures.living_standard_classes(this_flagged, standard)
    documents.show(documents.Paragraph(measures.describe_classes(classes, year, whole)))
    display(vi_table(measures.classes_table(classes, year).rename(columns={"class_vi": "Nhóm"})))
else:
    documents.show(documents.Paragraph(documents.NO_MICRODATA))

# %% [markdown]
# Tỷ lệ thiếu hụt từng chỉ số của hộ nghèo và hộ cận nghèo.

# %%
if has_microdata:
    headcounts = measures.deprivation_headcounts(this_flagged, standard, by=("year",), whole_population=whole and not indicator_note)
    documents.show(documents.Paragraph(measures.describe_deprivation(headcounts, "poor")))
    documents.show(documents.Paragraph(measures.describe_deprivation(headcounts, "near_poor")))
    display(measures.deprivation_table_vi(headcounts))
else:
    documents.show(documents.Paragraph(documents.NO_MICRODATA))

# %% [markdown]
# Chỉ số nghèo đa chiều Alkire–Foster (H, A, M0) qua các năm và đóng góp của từng chiều.

# %%
if has_microdata:
    population, population_vi = measures.af_population(flagged, whole and not indicator_note)
    af = measures.alkire_foster(population, standard, k=3, by=("year",))
    documents.show(documents.Paragraph(measures.describe_alkire_foster(af.summary, year, population_vi)))
    documents.show(documents.Paragraph(measures.describe_contributions(af.dimensions, year, DIMENSION_LABELS_VI)))
    display(vi_table(af.summary))
else:
    documents.show(documents.Paragraph(documents.NO_MICRODATA))

# %% [markdown]
# Đóng góp của từng xã vào M0 toàn huyện.

# %%
if has_microdata:
    this_population = population[population["year"] == year]
    parts = measures.decompose(measures.alkire_foster(this_population, standard, 3, by=("year", "commune_code")))
    documents.show(
        documents.Paragraph(measures.describe_decomposition(parts, year, registry.names(config.vintage_for(year))))
    )
    display(vi_table(parts))
else:
    documents.show(documents.Paragraph(documents.NO_MICRODATA))

# %% [markdown]
# Độ nhạy theo ngưỡng k = 1…6 thiếu hụt.

# %%
if has_microdata:
    robust = measures.robustness(this_population, standard)
    documents.show(documents.Paragraph(measures.describe_robustness(robust, year)))
    display(vi_table(robust))
else:
    documents.show(documents.Paragraph(documents.NO_MICRODATA))

# %% [markdown]
# Thay đổi từ đầu kỳ đến năm rà soát.

# %%
first = int(district["year"].min())
if first < year:
    rate_change = measures.change_over_time(district, first, year, ["poor_rate", "multidim_rate"])
    documents.show(documents.Paragraph(measures.describe_change(rate_change, "poor_rate", "tỷ lệ hộ nghèo", as_percent=True)))
    if has_microdata and first in set(af.summary["year"]):
        m0_change = measures.change_over_time(af.summary, first, year, ["M0"])
        documents.show(documents.Paragraph(measures.describe_change(m0_change, "M0", "chỉ số M0")))
else:
    documents.show(documents.Paragraph(history.needs_more_years(
        "Thay đổi qua các năm", history.review_years(district, year), history.MIN_CHANGE_YEARS
    )))

# %% [markdown]
# Hộ nghèo, cận nghèo theo nhóm đối tượng.

# %%
if has_microdata:
    groups = measures.group_rates(this_year, whole_population=whole)
    documents.show(documents.Paragraph(measures.describe_groups(groups, year)))
    display(vi_table(groups))
else:
    documents.show(documents.Paragraph(documents.NO_MICRODATA))

# %% [markdown]
# Kiểm tra số liệu trước khi dùng: tỷ lệ hợp lệ, toàn huyện bằng tổng các xã, thay đổi bất thường
# trong một năm, cân đối biến động, và đối chiếu phân loại với chuẩn.

# %%
qa = quality.quality_checks(
    indicators,
    district,
    registry.to_merged(),
    audit if has_microdata else None,
    int((households["year"] == year).sum()),
)
store.save_table(run_dir, "quality", qa)
documents.show(documents.Paragraph(quality.describe_quality(qa)))
vi_table(qa)

# %% [markdown]
# Giữ các nhận định trên cho báo cáo tóm tắt.

# %%
if has_microdata:
    save_profile_outputs(
        run_dir, district, year, headcounts, af.summary, af.dimensions, population_vi, groups,
        measures.describe_classes(classes, year, whole), broken_years=broken_years,
    )
else:
    save_profile_outputs(run_dir, district, year, broken_years=broken_years)

# %% [markdown]
# Biểu tổng hợp kết quả rà soát theo mẫu (Excel), ghi cùng thư mục kết quả.

# %%
xlsx = summary_tables.write_summary_tables(
    Path(run_dir) / f"bieu_tong_hop_{year}.xlsx",
    indicators,
    year,
    district_title=f"{config.district.type} {config.district.name}, tỉnh {config.district.province}",
    synthetic=config.data.synthetic,
    households=households,
    standard=standard,
)
documents.show(documents.Paragraph(f"Biểu tổng hợp kết quả rà soát: {xlsx.name}"))

# %% [markdown]
# ## Tính bền vững của kết quả giảm nghèo
#
# Phần riêng, ở cuối sổ tay: hộ thoát nghèo các năm có giữ được kết quả không (theo dõi từng nhóm
# hộ theo năm thoát qua các kỳ rà soát sau), hộ thoát nghèo năm nay dễ tái nghèo, hộ mới thoát
# nghèo, tỷ lệ tái nghèo trong dự báo, và các tín hiệu cần kiểm tra lại của kỳ rà soát. Bảng, biểu
# đồ, bản đồ tỷ lệ tái nghèo và phụ lục Excel (theo mã hộ) được lưu cho báo cáo và phiếu thông tin xã.

# %%
from analysis import sustainability
from analysis.documents import sustainability as sustainability_doc

assessment = sustainability.assess(
    households if has_microdata else None, indicators_all, config, year,
    crosswalk=registry.to_merged(), broken_years=broken_years,
)
sustainability_doc.save_sustainability_outputs(run_dir, assessment, config, registry, registry.to_merged())
documents.show(*sustainability_doc.sustainability_section(run_dir, year, config).blocks)

# %% [markdown]
# Các nhóm hộ theo năm: hộ thoát nghèo, hộ thoát cận nghèo và hộ nghèo mới, tình trạng ở từng kỳ rà
# soát sau; tỷ lệ tái nghèo sau một năm theo năm thoát nghèo.

# %%
for chart in (
    *(sustainability.plot_cohort_states(assessment.cohorts, cohort) for cohort in sustainability.COHORTS),
    sustainability.plot_relapse_rates(assessment.cohorts),
):
    if chart is not None:
        display(chart)

# %% [markdown]
# Tỷ lệ tái nghèo sau một năm theo xã (gộp các năm, khoảng tin cậy 95 %), và mọi phép so sánh của
# các tín hiệu, kể cả khi không có tín hiệu.

# %%
if len(assessment.relapse):
    documents.show(sustainability_doc.relapse_table(assessment.relapse))
if len(assessment.signals.table):
    documents.show(sustainability_doc.comparisons_table(assessment.signals.table, year))
