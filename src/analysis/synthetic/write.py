"""Write the synthetic sample district into a folder, as a district office holds it."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd

from analysis.config import Config
from analysis.errors import UserError
from analysis.registry import LEGACY_VINTAGE, MERGED_VINTAGE
from analysis.synthetic.lists import list_categories, slugify, write_list, write_totals
from analysis.synthetic.simulate import Simulation, simulate
from analysis.vietnamese import format_number

README_MARKER = "DỮ LIỆU MÔ PHỎNG"


def write_sample(
    config: Config, out_dir: Path, households: int | None = None, population: bool = False
) -> Path:
    """Simulate the district and write lists, totals, truth and README into `out_dir`.

    The folder is written aside and moved into place when complete; an existing
    folder is replaced only when it holds an earlier sample (its README says so).
    """
    out_dir = Path(out_dir)
    _check_replaceable(out_dir)
    sim = simulate(config, households)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        write_files(config, sim, tmp, population)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        tmp.rename(out_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return out_dir


def _check_replaceable(out_dir: Path) -> None:
    if not out_dir.exists() or not any(out_dir.iterdir()):
        return
    readme = out_dir / "README.txt"
    if not readme.exists() or README_MARKER not in readme.read_text(encoding="utf-8"):
        raise UserError(
            f"{out_dir}: thư mục đã có dữ liệu không phải mẫu mô phỏng; "
            "hãy chọn thư mục khác hoặc xóa thư mục này."
        )


def write_files(config: Config, sim: Simulation, out_dir: Path, population: bool) -> None:
    truth, listed_years, previous = [], [], None
    for year, households in sim.households.items():
        vintage = config.vintage_for(year)
        units = sim.registry.vintage(vintage)
        households = households.assign(category=list_categories(households, previous))
        folder = out_dir / "lists" / str(year)
        folder.mkdir(parents=True)
        for code, name, unit_type in units[["code", "name", "unit_type"]].itertuples(index=False):
            listed = households[
                households["commune_code"].eq(code) & households["category"].notna()
            ]
            path = folder / f"{code}_{slugify(name)}.xlsx"
            write_list(path, listed, year, unit_type, name, config.data.synthetic)
        truth.append(_truth(households, units, year, vintage))
        listed_years.append(households[households["category"].notna()].drop(columns="category"))
        if population:
            (out_dir / "population").mkdir(exist_ok=True)
            sim.households[year].to_parquet(
                out_dir / "population" / f"households_{year}.parquet", index=False
            )
        previous = households
    truth = pd.concat(truth, ignore_index=True)
    write_totals(out_dir / "tong_so_ho.xlsx", truth)
    write_summary_workbooks(
        config, sim, pd.concat(listed_years, ignore_index=True), truth, out_dir / "summary"
    )
    truth.to_csv(out_dir / "truth.csv", index=False, encoding="utf-8", lineterminator="\n")
    sim.discrepancies.to_csv(
        out_dir / "discrepancies.csv", index=False, encoding="utf-8", lineterminator="\n"
    )
    (out_dir / "README.txt").write_text(readme_text(config, sim), encoding="utf-8")


def write_summary_workbooks(
    config: Config, sim: Simulation, listed: pd.DataFrame, truth: pd.DataFrame, folder: Path
) -> None:
    """The district's summary tables of every year, as offices keep them when lists are lost."""
    from analysis.measures import commune_indicators
    from analysis.summary_tables import write_summary_tables

    indicators = commune_indicators(
        listed,
        truth[["year", "commune_code", "n_households", "n_persons"]],
        sim.registry.names_by_vintage(),
        crosswalk=sim.registry.to_merged(),
    )
    d = config.district
    for year in sorted(indicators["year"].unique()):
        write_summary_tables(
            folder / f"bieu_tong_hop_{year}.xlsx",
            indicators,
            int(year),
            district_title=f"{d.type} {d.name}, tỉnh {d.province}",
            synthetic=config.data.synthetic,
            households=listed,
            standard=config.standard_for(int(year)),
        )


def _truth(households: pd.DataFrame, units: pd.DataFrame, year: int, vintage: int) -> pd.DataFrame:
    """Commune counts of one year, by reported status (what the official counts use)."""
    h = households.assign(
        poor=households["reported_status"].eq("poor"),
        near_poor=households["reported_status"].eq("near_poor"),
        listed=households["category"].notna(),
        left_poor=households["category"].eq("left_poor"),
        left_near_poor=households["category"].eq("left_near_poor"),
    )
    counts = h.groupby("commune_code").agg(
        n_households=("household_id", "size"),
        n_persons=("n_members", "sum"),
        n_poor=("poor", "sum"),
        n_near_poor=("near_poor", "sum"),
        n_listed=("listed", "sum"),
        n_left_poor=("left_poor", "sum"),
        n_left_near_poor=("left_near_poor", "sum"),
    )
    out = units[["code", "name"]].rename(columns={"code": "commune_code", "name": "commune_name"})
    out = out.join(counts, on="commune_code").fillna(0)
    out.insert(0, "unit_vintage", vintage)
    out.insert(0, "year", year)
    return out.astype({c: "int64" for c in counts.columns})


def _apportion_text(sim: Simulation) -> str:
    """How the sample's households were spread over the units (reference tables or registry)."""
    from analysis.synthetic.reference import describes

    n_merged = len(sim.registry.codes(MERGED_VINTAGE))
    if describes(sim.registry):
        return (
            f"dân số năm {MERGED_VINTAGE} của {n_merged} xã mới "
            "(data/reference/sample_communes_2025.csv) và tỷ trọng của các\n"
            "đơn vị cũ (data/reference/sample_communes.csv)"
        )
    n_old = len(sim.registry.codes(LEGACY_VINTAGE))
    return (
        f"{n_old} đơn vị cũ của sổ đơn vị hành chính, với đặc điểm thu nhập, thiếu hụt và tỷ lệ\n"
        "dân tộc thiểu số theo vùng (data/reference/sample_regions.csv, giả định của mẫu)"
    )


def readme_text(config: Config, sim: Simulation) -> str:
    years = sorted(sim.households)
    n0 = len(sim.households[years[0]])
    n_merged = len(sim.registry.codes(MERGED_VINTAGE))
    return f"""{README_MARKER} – KHÔNG PHẢI SỐ LIỆU THẬT
Huyện {config.district.name}, tỉnh {config.district.province}; năm rà soát {years[0]}–{years[-1]}.

Đây là dữ liệu mô phỏng (synthetic data) do lệnh `python -m analysis sample` tạo ra,
dùng để chạy thử bộ phân tích. Không hộ, tên người hay số CCCD nào là thật.

Cách tạo: mô phỏng toàn bộ {format_number(n0)} hộ dân cư năm {years[0]} (khoảng 3,6 nhân khẩu/hộ), chia theo
{_apportion_text(sim)}. Thu nhập bình quân đầu người/tháng theo mô
hình ẩn: hiệu ứng hộ bền vững + hiệu ứng xã + xu hướng tăng theo xã + cú sốc AR(1); 12 chỉ số
thiếu hụt theo xu hướng thiếu hụt ẩn, tương quan với thu nhập thấp. Phân loại theo Nghị định
07/2021/NĐ-CP (chuẩn thu nhập 1,5 triệu đồng nông thôn, 2 triệu đồng thành thị; từ 3 chỉ số
thiếu hụt là hộ nghèo). Mỗi năm một số hộ chuyển đi/giải thể và hộ mới hình thành. Từ năm
{MERGED_VINTAGE} mã xã là mã của {n_merged} xã sau sắp xếp (1/7/{MERGED_VINTAGE}), cùng mã hộ.

Một số ít hộ (khoảng 0,2 %) được cố ý ghi phân loại khác với kết quả tính theo chuẩn, để
kiểm tra đối chiếu: xem discrepancies.csv.
Khu vực thành thị/nông thôn của hộ giữ nguyên năm {MERGED_VINTAGE} (giả định của mẫu).

Tệp:
  lists/<năm>/<mã xã>_<tên xã>.xlsx  danh sách hộ nghèo, cận nghèo, thoát nghèo, thoát cận nghèo
  tong_so_ho.xlsx                   tổng số hộ và nhân khẩu theo xã và năm
  summary/bieu_tong_hop_<năm>.xlsx  biểu tổng hợp kết quả rà soát theo xã (dùng khi không có danh sách)
  truth.csv                         số liệu đúng theo xã × năm (theo phân loại được báo cáo)
  discrepancies.csv                 các hộ có phân loại báo cáo khác phân loại tính toán
  population/households_<năm>.parquet  toàn bộ hộ (khi chạy với --population)

Hạt giống ngẫu nhiên (seed): {config.sample.seed}. Cùng cấu hình và seed cho cùng dữ liệu.
"""
