"""Write the bad-input corpus: one small file (or folder) per case of cases.yaml.

Deterministic: fixed workbook timestamps, no randomness. Run as a script to look at
the files (`python tests/corpus/make_corpus.py OUT_DIR`); the test suite builds
them into a temporary folder. `legacy_list_2024.xls` (a real BIFF .xls) is
committed in files/, as no maintained library writes .xls any more.
"""

from __future__ import annotations

import shutil
import sys
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from corpus.builders import (  # noqa: E402
    LABEL,
    LIST_COLUMNS,
    household,
    summary_commune,
    to_cp1258,
    write_list,
    write_summary,
    write_totals,
)

FIXED_TIME = datetime(2024, 12, 31, 8, 0, 0)
BUILDERS: dict[str, Callable[[Path], Path]] = {}


def case(func: Callable[[Path], Path]) -> Callable[[Path], Path]:
    BUILDERS[func.__name__] = func
    return func


def good(n: int = 3, code: str = "18196") -> list[dict]:
    return [
        household(i, code=code, status=("poor", "near_poor", "not_poor")[i % 3])
        for i in range(1, n + 1)
    ]


def list_with(out: Path, name: str, *changes: tuple[int, dict], **kw) -> Path:
    rows = good()
    for index, change in changes:
        rows[index] = {**rows[index], **change}
    return write_list(out / name, rows, **kw)


def freeze(path: Path) -> Path:
    """Fixed document timestamps, so the same code writes the same bytes."""
    wb = load_workbook(path)
    wb.properties.created = wb.properties.modified = FIXED_TIME
    wb.save(path)
    return path


# --------------------------------------------------------------- unreadable files
@case
def not_a_zip(out):
    (p := out / "hong_2024.xlsx").write_bytes(b"this is not an Excel file")
    return p


@case
def corrupt_xls(out):
    (p := out / "hong_2024.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 60)
    return p


@case
def unsupported_type(out):
    (p := out / "danh_sach_2024.docx").write_bytes(b"PK\x03\x04")
    return p


@case
def empty_workbook(out):
    Workbook().save(p := out / "trong_2024.xlsx")
    return p


@case
def unknown_headers(out):
    wb = Workbook()
    wb.active.append(["Cột A", "Cột B", "Cột C"])
    wb.active.append([1, 2, 3])
    wb.save(p := out / "la_2024.xlsx")
    return p


# --------------------------------------------------------------- fatal: structure
@case
def missing_members_column(out):
    cols = [c for c in LIST_COLUMNS if c != "n_members"]
    return write_list(out / "18196_thieu_cot.xlsx", good(), columns=cols)


@case
def missing_indicator_columns(out):
    cols = [c for c in LIST_COLUMNS if c not in ("dep_employment", "dep_water")]
    return write_list(out / "18196_thieu_chi_so.xlsx", good(), columns=cols)


@case
def no_year_anywhere(out):
    return write_list(out / "18196_khong_nam.xlsx", good(), year=None)


@case
def year_outside_config(out):
    return write_list(out / "18196_nam_cu.xlsx", good(), year=2010)


# --------------------------------------------------------------- row errors
@case
def negative_income(out):
    return list_with(out, "18196_thu_nhap_am.xlsx", (0, {"income_pc_vnd": -500000}))


@case
def zero_members(out):
    return list_with(out, "18196_khong_nhan_khau.xlsx", (1, {"n_members": 0}))


@case
def too_many_members(out):
    return list_with(out, "18196_qua_nhieu.xlsx", (1, {"n_members": 55}))


@case
def members_as_words(out):
    return list_with(out, "18196_chu.xlsx", (2, {"n_members": "bốn"}))


@case
def fractional_members(out):
    return list_with(out, "18196_le.xlsx", (2, {"n_members": 2.5}))


@case
def unknown_status(out):
    return list_with(out, "18196_phan_loai.xlsx", (0, {"reported_status": "Hộ khá"}))


@case
def bad_flag(out):
    return list_with(out, "18196_co.xlsx", (0, {"dep_water": "có lẽ"}))


@case
def duplicate_household(out):
    return list_with(out, "18196_trung.xlsx", (1, {"household_id": "18196-0001"}))


@case
def unknown_commune_code(out):
    return list_with(out, "ds_2024.xlsx", (0, {"commune_code": "99999"}))


@case
def missing_commune_code(out):
    return list_with(out, "ds_2024.xlsx", (2, {"commune_code": None}))


@case
def missing_household_id(out):
    return list_with(out, "18196_thieu_ma.xlsx", (0, {"household_id": None}))


@case
def poor_with_high_income(out):
    return list_with(out, "18196_giau.xlsx", (2, {"income_pc_vnd": 5_000_000}))


@case
def urban_unknown_area(out):
    return list_with(out, "18196_khu_vuc.xlsx", (0, {"is_urban": "Miền núi"}))


# --------------------------------------------------------------- warnings and info
@case
def poor_with_few_deprivations(out):
    deps = {c: None for c in LIST_COLUMNS if c.startswith("dep_")}
    return list_with(out, "18196_it_thieu_hut.xlsx", (2, {**deps, "dep_water": "x"}))


@case
def year_conflict(out):
    return write_list(out / "18196_2023.xlsx", good(), year=2024)


@case
def commune_name_typo(out):
    rows = [{**r, "commune_code": "Sơn Kimm 1"} for r in good()]
    return write_list(out / "ds_2024.xlsx", rows)


@case
def tcvn3_list(out):
    rows = [{**r, "head_name": "NguyÔn V¨n Hßa", "village": "Th«n T©n Hµ"} for r in good()]
    return write_list(out / "18196_tcvn3.xlsx", rows)


@case
def vni_list(out):
    rows = [{**r, "head_name": "Nguyeãn Vaên Hoøa", "village": "Thoân Taân Haø"} for r in good()]
    return write_list(out / "18196_vni.xlsx", rows)


@case
def headers_without_diacritics(out):
    from analysis.vietnamese import strip_diacritics

    plain = {c: strip_diacritics(LABEL[c]).upper() for c in LIST_COLUMNS}
    return write_list(out / "18196_khong_dau.xlsx", good(), labels=plain)


@case
def note_row_inside_table(out):
    path = write_list(out / "18196_ghi_chu.xlsx", good(), footer=False)
    wb = load_workbook(path)
    wb.active.append([None, "Ghi chú: hộ số 3 chuyển đi"])
    wb.active.append([4, *(household(4).get(c) for c in LIST_COLUMNS)])
    wb.save(path)
    return path


@case
def page_header_repeated(out):
    path = write_list(out / "18196_nhieu_trang.xlsx", good(), footer=False)
    wb = load_workbook(path)
    wb.active.append(["STT", *(LABEL[c] for c in LIST_COLUMNS)])
    wb.active.append([4, *(household(4).get(c) for c in LIST_COLUMNS)])
    wb.save(path)
    return path


@case
def two_row_merged_header(out):
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2024"
    base = [c for c in LIST_COLUMNS if not c.startswith("dep_")]
    deps = [c for c in LIST_COLUMNS if c.startswith("dep_")]
    ws.append(["STT", *(LABEL[c] for c in base), "Các chỉ số thiếu hụt", *[None] * 11])
    ws.append([None] * (len(base) + 1) + [LABEL[c] for c in deps])
    ws.merge_cells(start_row=2, start_column=len(base) + 2, end_row=2, end_column=len(base) + 13)
    for j in range(1, len(base) + 2):
        ws.merge_cells(start_row=2, start_column=j, end_row=3, end_column=j)
    for i, r in enumerate(good(), start=1):
        ws.append([i, *(r.get(c) for c in base), *(r.get(c) for c in deps)])
    wb.save(p := out / "18196_hai_dong.xlsx")
    return p


@case
def numbers_written_as_text(out):
    return list_with(
        out, "18196_so_chu.xlsx", (0, {"income_pc_vnd": "1.200.000", "n_members": " 4 "})
    )


@case
def csv_utf16(out):
    (p := out / "18196_2024.csv").write_bytes(_csv_text().encode("utf-16"))
    return p


@case
def csv_cp1258(out):
    (p := out / "18196_2024_ansi.csv").write_bytes(to_cp1258(_csv_text(";")))
    return p


@case
def csv_tcvn3_bytes(out):
    """A CSV saved from a .VnTime spreadsheet: TCVN3 bytes, neither UTF-8 nor cp1258 text."""
    from viparse.normalize.encodings import CHARMAPS

    legacy = {u: code for code, u in CHARMAPS["tcvn3"].pairs if len(code) == 1}
    text = "".join(legacy.get(ch, ch) for ch in _csv_text())
    (p := out / "18196_2024_tcvn3.csv").write_bytes(text.encode("cp1252"))
    return p


@case
def html_saved_as_xls(out):
    cells = "".join(f"<th>{LABEL[c]}</th>" for c in LIST_COLUMNS)
    rows = "".join(
        "<tr>"
        + "".join(f"<td>{'' if r.get(c) is None else r.get(c)}</td>" for c in LIST_COLUMNS)
        + "</tr>"
        for r in good()
    )
    html = f"<html><meta charset='utf-8'><body><table><tr>{cells}</tr>{rows}</table></body></html>"
    (p := out / "xuat_web_2024.xls").write_text(html, encoding="utf-8")
    return p


@case
def legacy_xls(out):
    return shutil.copy(HERE / "files" / "legacy_list_2024.xls", out / "legacy_list_2024.xls")


# --------------------------------------------------------------- totals and summary
@case
def totals_duplicate_commune(out):
    return write_totals(out / "tong_so_ho.xlsx", [(2024, "18196", "Sơn Kim 1", 1200, 4800),
                                                  (2024, "18196", "Sơn Kim 1", 1210, 4810)])  # fmt: skip


@case
def totals_zero_households(out):
    return write_totals(out / "tong_so_ho.xlsx", [(2024, "18196", "Sơn Kim 1", 0, 0)])


@case
def totals_missing_column(out):
    wb = Workbook()
    wb.active.append(["Năm", "Mã xã", "Tên xã", "Tổng số nhân khẩu"])
    wb.active.append([2024, "18196", "Sơn Kim 1", 4800])
    wb.save(p := out / "tong_so_ho.xlsx")
    return p


@case
def list_without_total(out):
    folder = out / "thieu_tong"
    write_list(folder / "2024" / "18196_son-kim-1.xlsx", good())
    write_list(folder / "2024" / "18199_son-kim-2.xlsx", good(code="18199"), commune="SƠN KIM 2")
    write_totals(folder / "tong_so_ho.xlsx", [(2024, "18196", "Sơn Kim 1", 1200, 4800)])
    return folder


@case
def summary_broken_identity(out):
    bad = summary_commune("18196", "Sơn Kim 1", 1200, 60, 80, n_poor_in_new=10)
    return write_summary(out / "bieu_2024.xlsx", 2024, [bad])


@case
def summary_wrong_district_total(out):
    path = write_summary(
        out / "bieu_2023.xlsx", 2023, [summary_commune("18196", "Sơn Kim 1", 1200, 60, 80)]
    )
    wb = load_workbook(path)
    wb["Kết quả"].cell(wb["Kết quả"].max_row, 3, 9999)
    wb.save(path)
    return path


@case
def summary_wrong_rate(out):
    path = write_summary(
        out / "bieu_2022.xlsx", 2022, [summary_commune("18196", "Sơn Kim 1", 1200, 60, 80)]
    )
    wb = load_workbook(path)
    wb["Kết quả"].cell(4, 5, 12.5)  # Tỷ lệ hộ nghèo: 5 % by the counts
    wb.save(path)
    return path


def _csv_text(delimiter: str = ",") -> str:
    lines = [delimiter.join(["STT", *(LABEL[c] for c in LIST_COLUMNS)])]
    for i, r in enumerate(good(), 1):
        lines.append(
            delimiter.join(
                [str(i), *("" if r.get(c) is None else str(r.get(c)) for c in LIST_COLUMNS)]
            )
        )
    return "\n".join(lines) + "\n"


def build(out_dir: Path) -> dict[str, Path]:
    """Write every case into its own folder under `out_dir`; {case id: path}."""
    paths = {}
    for name, builder in BUILDERS.items():
        folder = out_dir / name
        folder.mkdir(parents=True, exist_ok=True)
        path = Path(builder(folder))
        if path.suffix == ".xlsx" and path.is_file() and zipfile.is_zipfile(path):
            freeze(path)
        paths[name] = path
    return paths


if __name__ == "__main__":
    for name, path in build(Path(sys.argv[1] if len(sys.argv) > 1 else "corpus_out")).items():
        print(f"{name}: {path}")


def make_legacy_xls(path: Path) -> Path:
    """How files/legacy_list_2024.xls was made (needs `xlwt`, not a project dependency)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Danh sach")
    sheet.write(0, 0, "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2024 - XÃ SƠN KIM 1")
    for j, label in enumerate(["STT", *(LABEL[c] for c in LIST_COLUMNS)]):
        sheet.write(2, j, label)
    for i, row in enumerate(good(), start=1):
        sheet.write(2 + i, 0, i)
        for j, c in enumerate(LIST_COLUMNS, start=1):
            if row.get(c) is not None:
                sheet.write(2 + i, j, row[c])
    book.save(str(path))
    return path
