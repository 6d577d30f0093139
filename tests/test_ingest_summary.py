import pandas as pd
import pytest

from analysis import schema
from analysis.ingest import read_review, validate_path
from corpus.builders import summary_commune, write_summary
from test_ingest import make_config


@pytest.fixture
def summary_config(tmp_path, monkeypatch):
    monkeypatch.setenv("POVERTY_PSEUDONYM_KEY", "k" * 40)
    communes = [
        summary_commune("18196", "Sơn Kim 1", 1200, 60, 80),
        summary_commune("18199", "Sơn Kim 2", 900, 45, 50),
    ]
    write_summary(tmp_path / "bieu" / "tong_hop_2023.xlsx", 2023, communes)
    return make_config(tmp_path, lists=None, totals=None, summary="bieu")


def test_summary__official_layout_gives_commune_year_counts(summary_config):
    review = read_review(summary_config)
    s = review.summary.set_index("commune_code")
    assert list(review.summary.columns[:11]) == [c.name for c in schema.INDICATOR_COLUMNS]
    assert set(schema.DYNAMICS_COLUMNS) <= set(review.summary.columns)
    assert s.loc["18196", "n_poor"] == 60 and s.loc["18199", "n_near_poor_end"] == 50
    assert s.loc["18196", "poor_rate"] == pytest.approx(60 / 1200)
    assert s.loc["18196", "multidim_rate"] == pytest.approx(140 / 1200)
    assert (review.summary["source"] == "summary").all()
    assert (review.summary["year"] == 2023).all() and review.years_available == [2023]


def test_summary__district_row_skipped_and_checked(summary_config, tmp_path):
    review = read_review(summary_config)
    assert len(review.summary) == 2
    skipped = review.problems[review.problems["sheet"] == "Thiếu hụt hộ nghèo"]
    assert skipped["message"].tolist() == ["trang tính không có bảng nhận ra được, bỏ qua"]
    files = review.files
    assert (files["n_read"] == 2).all()  # the "Toàn huyện" row is not a commune
    assert not review.problems["message"].str.contains("dòng tổng").any()


def test_summary__wrong_district_total_warned(tmp_path, monkeypatch):
    communes = [summary_commune("18196", "Sơn Kim 1", 1200, 60, 80)]
    path = write_summary(tmp_path / "bieu" / "t.xlsx", 2023, communes)
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["Kết quả"]
    ws.cell(ws.max_row, 3, 9999)
    wb.save(path)
    report = validate_path(path, make_config(tmp_path, lists=None, totals=None))
    assert report.ok
    assert (
        report.problems["message"].str.contains("dòng tổng ghi 9.999, tổng các xã là 1.200").any()
    )


def test_summary__broken_identity_rejects_row(tmp_path):
    bad = summary_commune("18196", "Sơn Kim 1", 1200, 60, 80, n_poor_in_new=10)
    write_summary(tmp_path / "bieu" / "t2024.xlsx", 2024, [bad])
    report = validate_path(tmp_path / "bieu", make_config(tmp_path))
    msgs = report.problems.loc[report.problems["severity"] == "error", "message"]
    assert msgs.str.contains("số cuối kỳ khác đầu kỳ − giảm + tăng", regex=False).any()
    assert len(report.rejects) == 1 and report.rejects["row"].iloc[0] == 5


def test_summary__variant_headers_without_title(tmp_path):
    communes = [summary_commune("18196", "Xã Sơn Kim 1", 1200, 60, 80)]
    path = write_summary(
        tmp_path / "bieu" / "bieu_2022.xlsx", 2022, communes, district_row=False, title=False
    )
    review = read_review(make_config(tmp_path, lists=None, totals=None, summary="bieu"))
    assert review.summary["year"].tolist() == [2022]
    assert review.summary["n_poor_start"].tolist() == [62]
    assert isinstance(review.summary, pd.DataFrame) and path.exists()


def test_summary__grouped_results_header_variant(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "KQ"
    ws.append(["BIỂU KẾT QUẢ RÀ SOÁT NĂM 2021"])
    ws.append(["TT", "Đơn vị", "Tổng số hộ dân cư", "Hộ nghèo", None, "Hộ cận nghèo", None])
    ws.append([None, None, None, "Số hộ", "Tỷ lệ (%)", "Số hộ", "Tỷ lệ (%)"])
    for cols in ("A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:G2"):
        ws.merge_cells(cols)
    ws.append([1, "Xã Sơn Kim 1", 1000, 50, 5.0, 70, 7.0])
    ws.append([2, "SƠN KIM 2", 800, 40, 5.0, 16, 2.0])
    ws.append([None, "Cộng", 1800, 90, None, 86, None])
    wb.save(tmp_path / "kq.xlsx")
    report = validate_path(tmp_path / "kq.xlsx", make_config(tmp_path))
    assert report.ok, report.to_text()
    review = read_review(make_config(tmp_path, lists=None, totals=None, summary="kq.xlsx"))
    s = review.summary.set_index("commune_code")
    assert s.loc["18196", "n_poor"] == 50 and s.loc["18199", "n_near_poor"] == 16
    assert s.loc["18199", "near_poor_rate"] == pytest.approx(0.02)
    assert not report.problems["message"].str.contains("tỷ lệ ghi").any()


def test_summary__households_from_totals_and_checked_against_lists(tmp_path, monkeypatch):
    from openpyxl import load_workbook

    from corpus.builders import household, write_list, write_totals

    monkeypatch.setenv("POVERTY_PSEUDONYM_KEY", "k" * 40)
    path = write_summary(tmp_path / "bieu" / "b2024.xlsx", 2024,
                         [summary_commune("18196", "Sơn Kim 1", 1200, 2, 80)])  # fmt: skip
    wb = load_workbook(path)
    ws = wb["Kết quả"]
    ws.delete_cols(3)  # no "Tổng số hộ" column
    wb.save(path)
    write_totals(tmp_path / "tong_so_ho.xlsx", [(2024, "18196", "Sơn Kim 1", 1000, 4000)])
    write_list(tmp_path / "lists" / "2024" / "18196_a.xlsx", [household(1), household(2)])
    review = read_review(make_config(tmp_path, summary="bieu"))
    row = review.summary.iloc[0]
    assert row["n_households"] == 1000 and row["poor_rate"] == pytest.approx(2 / 1000)
    p = review.problems
    assert p[(p["sheet"] == "Kết quả") & p["message"].str.contains("bỏ qua")].empty
    msgs = review.problems["message"]
    assert msgs.str.contains("biểu tổng hợp ghi 80 hộ cận nghèo, danh sách hộ có 0").any()
    assert not msgs.str.contains("ghi 2 hộ nghèo").any()


def test_summary__no_households_anywhere_warned(tmp_path):
    path = write_summary(
        tmp_path / "b2024.xlsx", 2024, [summary_commune("18196", "Sơn Kim 1", 1200, 2, 8)]
    )
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb["Kết quả"].delete_cols(3)
    wb.save(path)
    review = read_review(make_config(tmp_path, lists=None, totals=None, summary="b2024.xlsx"))
    assert review.summary["n_households"].isna().all() and review.summary["poor_rate"].isna().all()
    assert (
        review.problems["message"].str.contains("năm 2024: không có tổng số hộ của xã 18196").any()
    )
