import numpy as np
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


# ------------------------------------------------- aggregate dynamics in the results sheet
FLOW_HEADERS = ["Mã xã", "Tên xã", "Tổng số hộ", "Số hộ nghèo", "Số hộ cận nghèo",
                "Số hộ thoát nghèo", "Số hộ tái nghèo", "Số hộ nghèo phát sinh mới",
                "Thoát cận nghèo", "Tái cận nghèo", "Số hộ cận nghèo phát sinh"]  # fmt: skip


def _office_table(path, year, rows):
    """An office's own results sheet: counts and, beside them, exits, relapses, newly poor."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Kết quả"
    ws["A1"] = f"KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {year}"
    ws.append([])
    ws.append(FLOW_HEADERS)
    for r in rows:
        ws.append(list(r))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


@pytest.fixture
def office_tables(tmp_path):
    # (code, name, households, poor, near, poor exits, relapsed, new, near exits, relapsed, new)
    _office_table(tmp_path / "bieu" / "ket_qua_2022.xlsx", 2022, [
        ("18196", "Sơn Kim 1", 1200, 100, 80, None, None, None, None, None, None),
        ("18199", "Sơn Kim 2", 900, 60, 50, None, None, None, None, None, None)])  # fmt: skip
    _office_table(tmp_path / "bieu" / "ket_qua_2023.xlsx", 2023, [
        ("18196", "Sơn Kim 1", 1210, 80, 75, 30, 2, 3, 25, 1, 4),
        ("18199", "Sơn Kim 2", 905, 50, 52, 15, 1, 1, 12, 0, 2)])  # fmt: skip
    _office_table(tmp_path / "bieu" / "ket_qua_2024.xlsx", 2024, [
        ("18196", "Sơn Kim 1", 1220, 64, 70, 24, 1, 2, 20, 1, 3),
        ("18199", "Sơn Kim 2", 910, 41, 50, 12, 0, 1, 10, 0, 1)])  # fmt: skip
    return make_config(tmp_path, lists=None, totals=None, summary="bieu")


def test_summary__exits_relapses_new_give_the_flow_model_its_dynamics(office_tables):
    from analysis.forecast import forecast
    from analysis.forecast.backtest import available_models
    from analysis.forecast.core import run_model
    from analysis.forecast.flow import has_dynamics, transition_counts

    review = read_review(office_tables)
    s = review.summary.set_index(["year", "commune_code"])
    a = s.loc[(2023, "18196")]
    # poor: 100 - 30 + (2 + 3) + from near-poor = 80 -> 5 came from the near-poor list;
    # near-poor: 80 - 25 + (1 + 4) + from poor = 75 -> 15 came from the poor list
    assert a["n_poor_start"] == 100 and a["n_poor_in_from_near_poor"] == 5
    assert a["n_near_poor_in_from_poor"] == 15 and a["n_poor_out_near_poor"] == 15
    assert a["n_poor_out_above"] == 15 and a["n_near_poor_out_poor"] == 5
    assert a["n_near_poor_out_above"] == 20 and a["n_poor_in_relapsed"] == 2
    for g in ("poor", "near_poor"):  # the review's identity holds on every completed row
        done = review.summary.dropna(subset=[f"n_{g}_start"])
        cols = [c for c in schema.DYNAMICS_COLUMNS if c.startswith(f"n_{g}_")]
        out = done[[c for c in cols if "_out_" in c]].sum(axis=1)
        into = done[[c for c in cols if "_in_" in c]].sum(axis=1)
        assert (done[f"n_{g}_start"] - out + into == done[f"n_{g}_end"]).all()
    assert s.loc[(2022, "18196"), ["n_poor_start"]].isna().all()  # no year before: no dynamics
    assert review.problems["message"].str.contains("được suy ra từ số hộ thoát").any()
    summary = review.summary.assign(unit_vintage=review.summary["unit_vintage"].astype(int))
    assert has_dynamics(summary) and "flow" in available_models(summary)
    k, n, codes, years = transition_counts(summary)
    assert years == [2023, 2024] and k[0, 0, 0] == 15  # poor -> near-poor, Sơn Kim 1, 2023
    r = run_model("flow", summary, office_tables, 2024, 200, 0)
    assert np.isfinite(r.paths("poor_rate")).all()
    assert "flow" in {forecast(summary, office_tables, 2024, n_paths=200, seed=0).model,
                      forecast(summary, office_tables, 2024, n_paths=200, seed=0).alternative.model}  # fmt: skip


def test_summary__aggregates_that_do_not_add_up_keep_no_dynamics(tmp_path):
    _office_table(tmp_path / "bieu" / "k2022.xlsx", 2022, [
        ("18196", "Sơn Kim 1", 1200, 100, 80, None, None, None, None, None, None)])  # fmt: skip
    # 100 poor, 5 exits, 0 in -> at least 95 at the end; 80 written: entries would be -15
    _office_table(tmp_path / "bieu" / "k2023.xlsx", 2023, [
        ("18196", "Sơn Kim 1", 1210, 80, 75, 5, 0, 0, 25, 1, 4)])  # fmt: skip
    review = read_review(make_config(tmp_path, lists=None, totals=None, summary="bieu"))
    row = review.summary[review.summary["year"] == 2023].iloc[0]
    assert pd.isna(row["n_poor_start"]) and pd.isna(row["n_poor_out_near_poor"])
    assert review.problems["message"].str.contains("không khớp với số hộ đầu kỳ").any()
