import csv
import io
import unicodedata

import pandas as pd
import pytest
from openpyxl import Workbook

from analysis.ingest import read_review, validate_path
from analysis.ingest.readers import LEGACY_TEXT_ENCODING, read_sheets, sniff_delimiter
from analysis.vietnamese import from_legacy
from corpus.builders import LABEL, LIST_COLUMNS, household, to_cp1258, to_tcvn3, write_list
from test_ingest import make_config
from test_vietnamese import VPS_BYTE, to_vni
from test_vietnamese import to_tcvn3 as vn_tcvn3

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
    monkeypatch.setenv("POVERTY_PSEUDONYM_KEY", "k" * 40)


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


# ------------------------------------------------- csv: encodings, title rows, delimiters

TITLE = ["UBND XÃ SƠN KIM 1", "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2024", ""]


def _legacy_bytes(encode):
    return lambda text: encode(text).encode("latin-1")


def _vps_bytes(text):
    text = unicodedata.normalize("NFC", text)
    return bytes(VPS_BYTE.get(c, ord(c)) for c in text)


CSV_ENCODINGS = {
    "utf-8": (lambda t: t.encode("utf-8"), "UTF-8"),
    "utf-8-sig": (lambda t: t.encode("utf-8-sig"), "UTF-8 (BOM)"),
    "utf-16": (lambda t: t.encode("utf-16"), "UTF-16"),
    "utf-16-le": (lambda t: t.encode("utf-16-le"), "UTF-16"),
    "cp1258": (to_cp1258, "Windows-1258"),
    "tcvn3": (_legacy_bytes(vn_tcvn3), LEGACY_TEXT_ENCODING),
    "vni": (_legacy_bytes(to_vni), LEGACY_TEXT_ENCODING),
    "vps": (_vps_bytes, LEGACY_TEXT_ENCODING),
}


def office_csv_text(delimiter, title=TITLE):
    """A list as offices export it: title rows without delimiters, header, two households."""
    rows = [household(1, village="Thôn Đồng Quýt", head_name="Lê Thị Ẩn"),
            household(2, status="near_poor", village="Xóm Trung Thủy")]  # fmt: skip
    return "\n".join([*title, list_csv_text(rows, delimiter)])


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", list(CSV_ENCODINGS))
def test_read_sheets__csv_with_title_rows_every_encoding_and_delimiter(
    tmp_path, encoding, delimiter
):
    encode, label = CSV_ENCODINGS[encoding]
    path = tmp_path / "lists" / "2024" / "18196.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(encode(office_csv_text(delimiter)))
    (sheet,) = read_sheets(path)
    assert sheet.encoding == label
    header = [v for v in sheet.grid.loc[4].tolist() if v is not None]
    legacy = encoding if label == LEGACY_TEXT_ENCODING else None
    readable = [from_legacy(v, legacy) if legacy else v for v in header]
    assert readable == ["STT", *(LABEL[c] for c in LIST_COLUMNS)]
    assert sheet.grid.loc[5, 0] == "1" and sheet.grid.loc[5, 2] == "18196-0001"
    review = read_review(make_config(tmp_path, totals=None))
    hh = review.households
    assert hh["village"].tolist() == ["Thôn Đồng Quýt", "Xóm Trung Thủy"], encoding
    assert hh["reported_status"].tolist() == ["poor", "near_poor"]
    assert review.rejects.empty


def test_decode__cp1258_decomposed_tones_come_out_nfc():
    from analysis.ingest.readers import _decode

    text, encoding = _decode(to_cp1258("Hộ cận nghèo; Thôn Đồng Quýt; Nguyễn Thị Ẩn"))
    assert encoding == "Windows-1258"
    assert text == "Hộ cận nghèo; Thôn Đồng Quýt; Nguyễn Thị Ẩn"
    assert unicodedata.is_normalized("NFC", text)


def test_decode__vps_bytes_cp1252_leaves_undefined_kept():
    from analysis.ingest.readers import _decode
    from analysis.vietnamese import from_legacy

    words = "Ảnh Ắt Ẳng Ế Ớ; Hộ nghèo; Thôn Tân Hà; Xã Sơn Kim; Nguyễn Văn Hòa"
    text, encoding = _decode(_vps_bytes(words))
    assert encoding == LEGACY_TEXT_ENCODING and from_legacy(text, "vps") == words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a,b,c\n1,2,3\n4,5,6", ","),
        ("Tiêu đề, có dấu phẩy\nSTT;Tên;Thu nhập\n1;A;1.234,5\n2;B;2.000,0\n3;C;0,5", ";"),
        ("UBND XÃ A\nDANH SÁCH\n\nSTT\tTên\tSố khẩu\n1\tA\t3\n2\tB\t4", "\t"),
        ('STT,Tên,Ghi chú\n1,"Lê; Văn",x\n2,"B; C",y', ","),
        ("DANH SÁCH, NĂM 2024\nSTT|Mã hộ|Số khẩu\n1|H1|3\n2|H2|4", "|"),
        ("một cột\nhai\nba", ","),
    ],
)
def test_sniff_delimiter__consistent_widths_win(text, expected):
    assert sniff_delimiter(text) == expected


def test_sniff_delimiter__looks_past_long_title_blocks():
    title = [f"Dòng tiêu đề {i}, ghi chú" for i in range(40)]
    body = ["STT;Mã hộ;Số khẩu;Thu nhập"] + [f"{i};H{i};3;1.200,5" for i in range(5)]
    assert sniff_delimiter("\n".join(title + body)) == ";"


# --------------------------------------------------------------- sheet names


def _workbook_with_sheets(path, names, text=vn_tcvn3):
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name in names:
        ws = wb.create_sheet(name)
        ws.append([text("DANH SÁCH HỘ NGHÈO NĂM 2024")])
        ws.append(["STT", text("Họ và tên chủ hộ"), text("Thôn")])
        ws.append([1, text("Nguyễn Văn Hòa"), text("Thôn Tân Hà")])
    wb.save(path)
    return path


def test_read_sheets__legacy_sheet_names_decoded_original_kept(tmp_path):
    names = ["Sơn Kim 1", "Sơn Kim 2", "Thôn Đồng Quýt"]
    path = _workbook_with_sheets(tmp_path / "a.xlsx", [vn_tcvn3(n) for n in names])
    sheets = read_sheets(path)
    assert [s.sheet for s in sheets] == names
    assert [s.original_sheet for s in sheets] == [vn_tcvn3(n) for n in names]
    assert {s.sheet_encoding for s in sheets} == {"tcvn3"}
    from openpyxl import load_workbook

    assert load_workbook(path)[sheets[0].original_sheet].title == vn_tcvn3(names[0])


def test_read_sheets__vni_sheet_name_decoded_from_its_content(tmp_path):
    path = _workbook_with_sheets(tmp_path / "a.xlsx", [to_vni("Thôn Đồng Quýt")], to_vni)
    (sheet,) = read_sheets(path)
    assert sheet.sheet == "Thôn Đồng Quýt" and sheet.sheet_encoding == "vni"


def test_read_sheets__unicode_and_plain_sheet_names_untouched(tmp_path):
    names = ["Danh sách", "Hòa Bình", "Sheet1", "Sơn Kim 1"]
    path = _workbook_with_sheets(tmp_path / "a.xlsx", names)  # TCVN3 content around
    sheets = read_sheets(path)
    assert [s.sheet for s in sheets] == names and not any(s.sheet_encoding for s in sheets)


def test_read_review__one_sheet_per_commune_named_in_tcvn3(tmp_path):
    from openpyxl import load_workbook

    cols = [c for c in LIST_COLUMNS if c != "commune_code"]
    path = write_list(tmp_path / "lists" / "2024" / "toan_huyen.xlsx", [household(1)],
                      columns=cols, commune="", sheet=vn_tcvn3("Sơn Kim 1"))  # fmt: skip
    other = write_list(tmp_path / "tmp.xlsx", [household(2, code="18199")], columns=cols,
                       commune="", sheet="x")  # fmt: skip
    wb, ws2 = load_workbook(path), load_workbook(other).active
    ws = wb.create_sheet(vn_tcvn3("Sơn Kim 2"))
    for row in ws2.iter_rows(values_only=True):
        ws.append(row)
    wb.save(path)
    other.unlink()
    review = read_review(make_config(tmp_path, totals=None))
    got = review.households.set_index("household_id")["commune_code"].to_dict()
    assert got == {"18196-0001": "18196", "18199-0002": "18199"}
    text = review.problems["sheet"].dropna().astype(str).tolist()
    assert "Sơn Kim 1" in text and vn_tcvn3("Sơn Kim 1") not in text
