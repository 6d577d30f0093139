"""Write the synthetic sample district into a folder, as a district office holds it.

Safety of the user's data: the generator writes and deletes only inside the sample
folder, and only files it wrote itself. It refuses (UserError) when the config is
not synthetic (`data.synthetic: false`), when the folder is the project root, one of
its ancestors or a project folder (data/, data/raw, data/reference, config/, src/…),
lies inside data/raw or data/reference, or holds any file the generator did not write.
What it wrote is listed in the folder's manifest (`MANIFEST`); a sample made before
the manifest existed is recognised by its README and file layout.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import pandas as pd

from analysis.config import PROJECT_ROOT, Config
from analysis.documents.safe_xlsx import write_csv
from analysis.errors import UserError
from analysis.registry import LEGACY_VINTAGE, MERGED_VINTAGE
from analysis.synthetic.lists import list_categories, slugify, write_list, write_totals
from analysis.synthetic.simulate import Simulation, simulate
from analysis.vietnamese import format_number

README_MARKER = "DỮ LIỆU MÔ PHỎNG"
MANIFEST = ".du_lieu_mo_phong.txt"
_MANIFEST_HEAD = (
    "# Danh sách tệp do lệnh `python -m analysis sample` ghi (dữ liệu mô phỏng).\n"
    "# Lệnh tạo lại mẫu chỉ xóa và ghi đè các tệp này; thư mục có tệp khác sẽ không bị đụng tới.\n"
)
# Files of a sample written before the manifest existed (with its README).
_OLD_LAYOUT = re.compile(
    r"^(README\.txt|truth\.csv|discrepancies\.csv|tong_so_ho\.xlsx"
    r"|lists/\d{4}/[^/]+\.xlsx|summary/bieu_tong_hop_\d{4}\.xlsx"
    r"|population/households_\d{4}\.parquet|pressure\.csv"
    r"|ho_tro/\d{4}/[^/]+\.xlsx|ho_tro_trung_lap\.csv|giai_ngan\.xlsx)$"
)
_SYSTEM_FILES = {"Thumbs.db", "desktop.ini", ".DS_Store"}  # written by file browsers
_TMP_PREFIX = ".dang_tao-"  # the generator's own work folder, left by an interrupted run
# Project folders the sample may never be, nor (second list) lie inside.
_NEVER = ("", "data", "data/raw", "data/reference", "data/interim", "data/processed",
          "config", "src", "tests", "docs", "notebooks", "benchmarks", "outputs", "shapefiles")  # fmt: skip
_NEVER_INSIDE = ("data/raw", "data/reference", "config", "src", "docs", "notebooks", ".git")


def sample_folder(config: Config) -> Path:
    """The folder `analysis sample` writes: the parent of `data.household_lists`.

    The generator writes lists into `<folder>/lists` and totals into
    `<folder>/tong_so_ho.xlsx`, so household_lists must end in 'lists'.
    """
    _require_synthetic(config)
    lists = config.resolve(config.data.household_lists)
    if lists is None:
        raise UserError(
            "Cấu hình không có data.household_lists: không biết ghi dữ liệu mẫu vào đâu."
        )
    if lists.name != "lists":
        raise UserError(
            f"data.household_lists là '{config.data.household_lists}': dữ liệu mẫu chỉ ghi "
            "vào thư mục con 'lists' của thư mục mẫu (ví dụ data/sample/lists)."
        )
    return lists.parent


def _require_synthetic(config: Config) -> None:
    if not config.data.synthetic:
        raise UserError(
            "Cấu hình ghi data.synthetic: false (dữ liệu thật): lệnh tạo dữ liệu mẫu không "
            "chạy với cấu hình này, để không ghi đè hay xóa số liệu của huyện. Hãy dùng một "
            "tệp cấu hình riêng cho dữ liệu mẫu (data.synthetic: true)."
        )


def check_sample_folder(config: Config, out_dir: Path) -> None:
    """Refuse (UserError) unless `out_dir` may be written and emptied by the generator."""
    _require_synthetic(config)
    out = Path(out_dir).resolve()
    root = PROJECT_ROOT.resolve()
    why = None
    if out == Path(out.anchor) or out == Path.home().resolve() or out in root.parents:
        why = "là thư mục gốc hoặc thư mục chứa dự án"
    elif any(out == root / rel for rel in _NEVER):
        why = "là thư mục của dự án" if out == root else "là một thư mục chính của dự án"
    elif any((root / rel) in out.parents for rel in _NEVER_INSIDE):
        why = "nằm trong thư mục dữ liệu thật, tham chiếu hoặc mã nguồn của dự án"
    elif out.exists() and not out.is_dir():
        why = "là một tệp, không phải thư mục"
    elif out.exists():
        foreign = [p for p in _entries(out) if p not in set(_generated(out))]
        if foreign:
            shown = ", ".join(p.relative_to(out).as_posix() for p in foreign[:5])
            more = f" và {len(foreign) - 5} tệp khác" if len(foreign) > 5 else ""
            why = f"có tệp không do lệnh tạo dữ liệu mẫu ghi ({shown}{more})"
    if why:
        raise UserError(
            f"Không tạo dữ liệu mẫu tại {out_dir}: thư mục này {why}. Lệnh chỉ ghi và xóa "
            "trong thư mục mẫu riêng (ví dụ data/sample); hãy sửa data.household_lists "
            "trong cấu hình hoặc chọn thư mục khác."
        )


def _entries(folder: Path) -> list[Path]:
    """Every file (or link) under `folder`, and each work folder an interrupted run left."""
    out = []
    for p in sorted(folder.rglob("*")):
        parts = p.relative_to(folder).parts
        if parts[0].startswith(_TMP_PREFIX):
            if len(parts) == 1:
                out.append(p)
        elif p.is_symlink() or not p.is_dir():
            out.append(p)
    return out


def _generated(folder: Path) -> list[Path]:
    """What in `folder` the generator wrote: the manifest's files, else an old sample's."""
    manifest = folder / MANIFEST
    if manifest.is_file():
        listed = [
            line.strip()
            for line in manifest.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        ]
        names = [folder / name for name in listed if ".." not in Path(name).parts]
        names.append(manifest)
    else:
        readme = folder / "README.txt"
        if not readme.is_file() or README_MARKER not in readme.read_text(encoding="utf-8"):
            names = []
        else:
            names = [
                p for p in folder.rglob("*") if _OLD_LAYOUT.match(p.relative_to(folder).as_posix())
            ]
    names += [p for p in folder.rglob("*") if p.name in _SYSTEM_FILES]
    names += [p for p in folder.iterdir() if p.is_dir() and p.name.startswith(_TMP_PREFIX)]
    return names


def write_sample(
    config: Config, out_dir: Path, households: int | None = None, population: bool = False
) -> Path:
    """Simulate the district and write lists, totals, truth and README into `out_dir`.

    Everything is written into a work folder inside `out_dir` first; only when it is
    complete are the earlier sample's files (and nothing else) removed and the new
    ones moved into place. See the module docstring for the folders it refuses.
    """
    out_dir = Path(out_dir)
    check_sample_folder(config, out_dir)
    sim = simulate(config, households)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=out_dir))
    try:
        write_files(config, sim, tmp, population)
        files = sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file())
        (tmp / MANIFEST).write_text(_MANIFEST_HEAD + "\n".join(files) + "\n", encoding="utf-8")
        check_sample_folder(config, out_dir)  # nothing foreign arrived meanwhile
        _remove_generated(out_dir, keep=tmp)
        for entry in sorted(tmp.iterdir()):
            entry.rename(out_dir / entry.name)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return out_dir


def _remove_generated(folder: Path, keep: Path) -> None:
    """Delete the earlier sample's files, then the folders they leave empty."""
    for path in _generated(folder):
        if path == keep:
            continue
        if path.name.startswith(_TMP_PREFIX) and path.parent == folder and path.is_dir():
            shutil.rmtree(path)
        elif path.is_file() or path.is_symlink():
            path.unlink()
    for sub in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
        if sub != keep and keep not in sub.parents and not any(sub.iterdir()):
            sub.rmdir()


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
    indicators = write_summary_workbooks(
        config, sim, pd.concat(listed_years, ignore_index=True), truth, out_dir / "summary"
    )
    from analysis.synthetic.budget import write_budget_sample

    write_budget_sample(
        config, pd.concat(listed_years, ignore_index=True), indicators, out_dir, config.sample.seed
    )
    write_csv(truth, out_dir / "truth.csv", encoding="utf-8", lineterminator="\n")
    write_csv(
        sim.discrepancies, out_dir / "discrepancies.csv", encoding="utf-8", lineterminator="\n"
    )
    if len(sim.pressure):
        write_csv(sim.pressure, out_dir / "pressure.csv", encoding="utf-8", lineterminator="\n")
    (out_dir / "README.txt").write_text(readme_text(config, sim), encoding="utf-8")


def write_summary_workbooks(
    config: Config, sim: Simulation, listed: pd.DataFrame, truth: pd.DataFrame, folder: Path
) -> pd.DataFrame:
    """The district's summary tables of every year, as offices keep them when lists are lost."""
    from analysis.documents.summary_tables import write_summary_tables
    from analysis.measures import commune_indicators

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
            stamp=datetime(int(year), 12, 31),
        )
    return indicators


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


PATTERN_TEXT_VI = {
    "bunching": "thu nhập hộ thoát nghèo dồn sát trên chuẩn",
    "no_deprivation_change": "hộ thoát nghèo mà chỉ số thiếu hụt không đổi",
}


def _pressure_text(config: Config) -> str:
    """The planted review-pressure patterns, one line each (empty without any)."""
    if not config.sample.pressure:
        return ""
    lines = [
        "Mẫu hình sức ép của kỳ rà soát được cố ý tạo ở một số xã, để kiểm tra các tín hiệu cần "
        "kiểm tra lại (xem pressure.csv); các xã khác không có:"
    ]
    for p in config.sample.pressure:
        years = ", ".join(map(str, p.years))
        lines.append(f"  - xã mã {p.commune}: {PATTERN_TEXT_VI[p.pattern]} (năm {years})")
    return "\n".join(lines) + "\n"


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
{_pressure_text(config)}
Tệp:
  lists/<năm>/<mã xã>_<tên xã>.xlsx  danh sách hộ nghèo, cận nghèo, thoát nghèo, thoát cận nghèo
  tong_so_ho.xlsx                   tổng số hộ và nhân khẩu theo xã và năm
  summary/bieu_tong_hop_<năm>.xlsx  biểu tổng hợp kết quả rà soát theo xã (dùng khi không có danh sách)
  truth.csv                         số liệu đúng theo xã × năm (theo phân loại được báo cáo)
  discrepancies.csv                 các hộ có phân loại báo cáo khác phân loại tính toán
  pressure.csv                      các hộ được cố ý ghi là thoát nghèo ở các xã có mẫu hình
                                    sức ép của kỳ rà soát (khi cấu hình có sample.pressure)
  population/households_<năm>.parquet  toàn bộ hộ (khi chạy với --population)
  ho_tro/2024/du_an_<dự án>.xlsx    danh sách hộ được hỗ trợ năm 2024 theo dự án (khi cấu hình có
                                    tệp nguồn vốn), có một số trường hợp hỗ trợ trùng cố ý
  ho_tro_trung_lap.csv              các trường hợp hỗ trợ trùng, sai đối tượng cố ý (để kiểm tra)
  giai_ngan.xlsx                    số đã giải ngân theo xã × dự án × nguồn năm 2024 (minh họa)

Hạt giống ngẫu nhiên (seed): {config.sample.seed}. Cùng cấu hình và seed cho cùng dữ liệu.
"""
