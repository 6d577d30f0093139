import csv
import io

import pandas as pd
import pytest
from openpyxl import Workbook

from analysis.ingest import read_review, validate_path
from analysis.ingest.readers import read_sheets
from corpus.builders import LABEL, LIST_COLUMNS, household, to_cp1258, to_tcvn3, write_list
from test_ingest import make_config

TCVN3 = {"Nguyễn Văn Hòa": "NguyÔn V¨n Hßa", "Thôn Tân Hà": "Th«n T©n Hµ", "Hộ nghèo": "Hé nghÌo"}


def list_csv_text(rows, delimiter=","):
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    w.writerow(["STT", *(LABEL[c] for c in LIST_COLUMNS)])
    for i, r in enumerate(rows, 1):
        w.writerow([i, *("" if r.get(c) is None else r.get(c) for c in LIST_COLUMNS)])
    return out.getvalue()


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv("POVERTY_PSEUDONYM_KEY", "k")


@pytest.mark.parametrize(
    ("encoding", "delimiter", "expected"),
    [
        ("utf-8", ",", "UTF-8"),
        ("utf-8-sig", ";", "UTF-8 (BOM)"),
        ("utf-16", "\t", "UTF-16"),
        ("cp1258", ";", "Windows-1258"),
    ],
)
def test_read_sheets__csv_encodings_and_delimiters(tmp_path, encoding, delimiter, expected):
    path = tmp_path / "2024_18196.csv"
    text = list_csv_text([household(1), household(2, status="near_poor")], delimiter)
    path.write_bytes(to_cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    (sheet,) = read_sheets(path)
    assert sheet.encoding == expected
    assert sheet.grid.loc[1, 1] == "Mã xã" and sheet.grid.loc[2, 4] == "042000000001"
    report = validate_path(path, make_config(tmp_path))
    assert report.ok and report.files["n_accepted"].tolist() == [2]


def test_read_review__csv_status_with_cp1258_decomposed_tones(tmp_path):
    lists = tmp_path / "lists" / "2024"
    lists.mkdir(parents=True)
    (lists / "18196.csv").write_bytes(to_cp1258(list_csv_text([household(1)])))
    hh = read_review(make_config(tmp_path, totals=None)).households
    assert hh["reported_status"].tolist() == ["poor"] and hh["village"].tolist() == ["Thôn 1"]


def test_read_sheets__html_table_saved_as_xls(tmp_path):
    frame = pd.DataFrame(
        [[1, r["commune_code"], r["household_id"], r["n_members"]] for r in [household(1)]],
        columns=["STT", "Mã xã", "Mã hộ", "Số nhân khẩu"],
    )
    path = tmp_path / "export.xls"
    path.write_text(
        "<html><body><p>DANH SÁCH NĂM 2024</p>" + frame.to_html(index=False) + "</body></html>",
        encoding="utf-8",
    )
    (sheet,) = read_sheets(path)
    assert sheet.encoding == "html"
    assert "Mã hộ" in sheet.grid.loc[1].tolist()
    report = validate_path(path, make_config(tmp_path))
    assert "thiếu cột bắt buộc" in report.to_text()  # read fine; the export lacks columns


def test_read_review__parquet_whole_population(tmp_path):
    from analysis.ingest.households import finish_households

    rows = pd.DataFrame([household(i, status="not_poor") for i in range(3)])
    frame = pd.DataFrame(
        {
            "year": 2024,
            "household_id": rows["household_id"],
            "commune_code": "18196",
            "is_urban": False,
            "n_members": 3,
            "income_pc_vnd": 3_000_000.0,
            "reported_status": "not_poor",
            **{c: False for c in finish_households(pd.DataFrame()).columns if c.startswith("dep_")},
        }
    )
    path = tmp_path / "lists" / "population" / "households_2024.parquet"
    path.parent.mkdir(parents=True)
    frame.to_parquet(path)
    hh = read_review(make_config(tmp_path, totals=None)).households
    assert len(hh) == 3 and (hh["reported_status"] == "not_poor").all()


def test_read_review__tcvn3_text_converted_and_reported(tmp_path):
    rows = [household(1, head_name=TCVN3["Nguyễn Văn Hòa"], village=TCVN3["Thôn Tân Hà"],
                      reported_status=TCVN3["Hộ nghèo"]) for _ in range(1)]  # fmt: skip
    rows.append(household(2, village=TCVN3["Thôn Tân Hà"], reported_status=TCVN3["Hộ nghèo"]))
    write_list(tmp_path / "lists" / "2024" / "18196_a.xlsx", rows)
    review = read_review(make_config(tmp_path, totals=None))
    assert review.households["village"].tolist() == ["Thôn Tân Hà"] * 2
    assert review.households["reported_status"].tolist() == ["poor", "poor"]
    assert review.problems["message"].str.contains("bảng mã TCVN3").any()


def test_read_review__two_row_merged_header_and_numbering_row(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "DANH SÁCH HỘ NGHÈO NĂM 2024 - XÃ SƠN KIM 1"
    base = [c for c in LIST_COLUMNS if not c.startswith("dep_")]
    deps = [c for c in LIST_COLUMNS if c.startswith("dep_")]
    ws.append([])
    ws.append(["STT", *(LABEL[c] for c in base), "Các chỉ số thiếu hụt", *[None] * 11])
    ws.append([None, *[None] * len(base), *(LABEL[c] for c in deps)])
    ws.merge_cells(start_row=3, start_column=len(base) + 2, end_row=3, end_column=len(base) + 13)
    for j in range(1, len(base) + 2):
        ws.merge_cells(start_row=3, start_column=j, end_row=4, end_column=j)
    ws.append([f"({j})" for j in range(1, len(LIST_COLUMNS) + 2)])
    r = household(1)
    ws.append([1, *(r.get(c) for c in base), *(r.get(c) for c in deps)])
    path = tmp_path / "lists" / "ds.xlsx"
    path.parent.mkdir(parents=True)
    wb.save(path)
    review = read_review(make_config(tmp_path, totals=None))
    hh = review.households
    assert len(hh) == 1 and hh["year"].tolist() == [2024] and bool(hh["dep_nutrition"].iloc[0])
    assert review.rejects.empty


def test_aliases_markdown__lists_schema_labels_and_csv_spellings():
    from analysis.ingest.headers import aliases_markdown

    text = aliases_markdown()
    assert "| `n_members` | n_members; Số nhân khẩu; Số khẩu;" in text
    assert "### Summary tables: dynamics of the poor list (`dynamics_poor`)" in text


def test_commune_matcher__names_differing_only_by_marks_stay_apart():
    from analysis.ingest.communes import CommuneMatcher
    from analysis.registry import Registry

    units = pd.DataFrame(
        {"vintage": 2024, "code": ["1", "2", "3"], "name": ["Sơn Lễ", "Sơn Lệ", "An Hòa Thịnh"]}
    )
    matcher = CommuneMatcher(Registry(units=units, crosswalk=pd.DataFrame()))
    assert matcher.resolve("Xã Sơn Lệ", 2024) == "2"
    assert matcher.resolve("SƠN LỄ", 2024) == "1"
    assert matcher.resolve("Son Le", 2024) is None  # ambiguous without marks, and not fuzzy-guessed
    assert (
        matcher.resolve("an hoà thịnh", 2024) == "3"
        and matcher.resolve("AN HOA THINH", 2024) == "3"
    )
    assert matcher.find_in_text("UBND XÃ SƠN LỆ", 2024) == "2"


def test_read_review__header_repeated_on_each_page_is_skipped(tmp_path):
    path = write_list(tmp_path / "lists" / "2024" / "18196_a.xlsx", [household(1)], footer=False)
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb.active
    ws.append(["STT", *(LABEL[c] for c in LIST_COLUMNS)])  # page 2 repeats the header...
    ws.append([f"({j})" for j in range(1, len(LIST_COLUMNS) + 2)])  # ...and the numbering
    r = household(2)
    ws.append([2, *(r.get(c) for c in LIST_COLUMNS)])
    wb.save(path)
    review = read_review(make_config(tmp_path, totals=None))
    assert len(review.households) == 2 and review.rejects.empty
    skipped = review.problems[review.problems["message"].str.contains("lặp lại")]
    assert skipped["row"].tolist() == [7, 8]


def test_read_review__unicode_header_over_tcvn3_data(tmp_path):
    people = ["Nguyễn Văn Hòa", "Lê Thị Thủy", "Trần Đức Thắng", "Phạm Thị Hường", "Võ Văn Dũng"]
    villages = ["Thôn Tân Hà", "Xóm Lộc Lạc", "Thôn Trường Sơn", "Tổ dân phố Quyết Tiến"]
    rows = [
        household(i, head_name=to_tcvn3(f"{people[i % 5]} {villages[i % 4]}"),
                  village=to_tcvn3(villages[i % 4]), reported_status=to_tcvn3("Hộ cận nghèo"))
        for i in range(1, 25)
    ]  # fmt: skip
    write_list(tmp_path / "lists" / "2024" / "18196_a.xlsx", rows)
    review = read_review(make_config(tmp_path, totals=None))
    assert len(review.households) == 24 and review.rejects.empty
    assert set(review.households["village"]) == set(villages)


def test_read_review__tcvn3_title_gives_commune(tmp_path):
    cols = [c for c in LIST_COLUMNS if c != "commune_code"]
    path = write_list(tmp_path / "lists" / "2024" / "ds.xlsx", [household(1)], columns=cols,
                      commune=to_tcvn3("sơn kim 2"))  # fmt: skip
    hh = read_review(make_config(tmp_path, totals=None)).households
    assert hh["commune_code"].tolist() == ["18199"] and path.exists()


def test_read_review__one_sheet_per_commune(tmp_path):
    from openpyxl import load_workbook

    cols = [c for c in LIST_COLUMNS if c != "commune_code"]
    path = write_list(tmp_path / "lists" / "2024" / "toan_huyen.xlsx", [household(1)],
                      columns=cols, commune="", sheet="Sơn Kim 1")  # fmt: skip
    other = write_list(tmp_path / "tmp.xlsx", [household(2, code="18199")], columns=cols,
                       commune="", sheet="Sơn Kim 2")  # fmt: skip
    wb, ws2 = load_workbook(path), load_workbook(other).active
    ws = wb.create_sheet("Sơn Kim 2")
    for row in ws2.iter_rows(values_only=True):
        ws.append(row)
    wb.save(path)
    other.unlink()
    review = read_review(make_config(tmp_path, totals=None))
    got = review.households.set_index("household_id")["commune_code"].to_dict()
    assert got == {"18196-0001": "18196", "18199-0002": "18199"}
    assert review.problems["message"].str.contains("lấy từ tên trang tính").sum() == 2
