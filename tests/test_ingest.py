from pathlib import Path

import pandas as pd
import pytest

from analysis import ingest, schema
from analysis.config import load_config
from analysis.errors import UserError
from analysis.ingest import IngestError, read_review
from corpus.builders import LIST_COLUMNS, household, write_list, write_totals

CONFIG = Path(__file__).resolve().parents[1] / "config" / "huong_son.yaml"


def make_config(tmp_path, lists="lists", totals="tong_so_ho.xlsx", summary=None, max_rejected=1.0):
    """The sample config on files in `tmp_path`. Row checks are tested on tiny files, where
    one rejected row is a large share: the loss threshold is off unless `max_rejected`."""
    base = load_config(CONFIG)
    data = base.data.model_copy(
        update={
            "household_lists": tmp_path / lists if lists else None,
            "household_totals": tmp_path / totals if totals else None,
            "summary_tables": tmp_path / summary if summary else None,
            "max_rejected_share": max_rejected,
        }
    )
    return base.model_copy(update={"data": data})


@pytest.fixture
def district(tmp_path, monkeypatch):
    monkeypatch.setenv("POVERTY_PSEUDONYM_KEY", "test-key-" + "0" * 32)
    lists = tmp_path / "lists"
    write_list(lists / "2024" / "18196_son-kim-1.xlsx",
               [household(1), household(2, status="near_poor"), household(3, status="not_poor")])  # fmt: skip
    write_list(lists / "2024" / "18199_son-kim-2.xlsx",
               [household(1, code="18199")], commune="SƠN KIM 2")  # fmt: skip
    write_list(lists / "2023" / "18196_son-kim-1.xlsx", [household(1), household(2)], year=2023)
    write_totals(tmp_path / "tong_so_ho.xlsx",
                 [(2023, "18196", "Sơn Kim 1", 1200, 4800), (2024, "18196", "Sơn Kim 1", 1210, 4810),
                  (2024, "18199", "Sơn Kim 2", 900, 3600)])  # fmt: skip
    return make_config(tmp_path)


def test_read_review__reads_inputs_md_lists_into_canonical_table(district):
    review = read_review(district)
    hh = review.households
    assert len(hh) == 6
    expected = [c.name for c in schema.HOUSEHOLD_COLUMNS if not c.personal]
    assert list(hh.columns) == expected
    row = hh[(hh["year"] == 2024) & (hh["household_id"] == "18196-0001")].iloc[0]
    assert row["commune_code"] == "18196" and row["unit_vintage"] == 2024
    assert row["reported_status"] == "poor" and row["n_members"] == 4
    assert bool(row["dep_employment"]) and not bool(row["dep_telecom"])
    assert review.years_available == [2023, 2024]


def test_read_review__no_names_or_ids_in_any_table(district):
    review = read_review(district)
    for table in (review.households, review.rejects, review.problems, review.totals):
        text = table.astype(str).to_string()
        assert "Nguyễn" not in text and "042000000001" not in text
        assert not set(schema.PERSONAL_COLUMNS) & set(table.columns)


def test_read_review__head_key_stable_across_years(district):
    hh = read_review(district).households
    keys = hh[hh["household_id"] == "18196-0001"].groupby("year")["head_key"].first()
    assert keys[2023] == keys[2024] and len(keys[2023]) == 16


def test_read_review__reconciles_read_accepted_rejected(district, tmp_path):
    write_list(tmp_path / "lists" / "2024" / "18133_pho-chau.xlsx",
               [household(1, code="18133"), household(2, code="18133", n_members=0),
                household(3, code="18133", income_pc_vnd=-5)], commune="PHỐ CHÂU")  # fmt: skip
    review = read_review(district)
    files = review.files.set_index("file")
    rec = files.loc["2024/18133_pho-chau.xlsx"]
    assert (rec["n_read"], rec["n_accepted"], rec["n_rejected"]) == (3, 1, 2)
    assert (review.files["n_read"] == review.files["n_accepted"] + review.files["n_rejected"]).all()
    rej = review.rejects.set_index("row")
    assert "Số nhân khẩu" in rej.loc[7, "reason"] and "Thu nhập" in rej.loc[8, "reason"]


def test_read_review__totals_and_coverage_warning(district, tmp_path):
    write_list(tmp_path / "lists" / "2024" / "18133_pho-chau.xlsx", [household(1, code="18133")],
               commune="PHỐ CHÂU")  # fmt: skip
    review = read_review(district)
    assert review.totals["n_households"].tolist() == [1200, 1210, 900]
    msgs = review.problems["message"].tolist()
    assert any("18133 có danh sách hộ nhưng không có tổng số hộ" in m for m in msgs)


def test_read_review__missing_required_column_is_fatal(district, tmp_path):
    cols = [c for c in __import__("corpus.builders").builders.LIST_COLUMNS if c != "n_members"]
    write_list(tmp_path / "lists" / "2024" / "18133_pho-chau.xlsx", [household(1, code="18133")],
               columns=cols)  # fmt: skip
    with pytest.raises(IngestError) as err:
        read_review(district)
    assert "thiếu cột bắt buộc: 'Số nhân khẩu'" in str(err.value)
    assert "18133_pho-chau.xlsx" in str(err.value)


def test_read_review__years_filter(district):
    review = read_review(district, years=[2023])
    assert set(review.households["year"]) == {2023}
    assert set(review.totals["year"]) == {2023}


def test_read_review__duplicate_household_in_year_rejected(district, tmp_path):
    write_list(tmp_path / "lists" / "2024" / "18133_pho-chau.xlsx",
               [household(1, code="18133"), household(1, code="18133"),
                household(2, code="18133")])  # fmt: skip
    review = read_review(district)
    dup = review.rejects[review.rejects["file"] == "2024/18133_pho-chau.xlsx"]
    assert len(dup) == 2 and dup["reason"].str.contains("mã hộ trùng").all()
    assert pd.Series(review.households["household_id"]).ne("18133-0001").all()


def test_read_review__list_total_row_checked(district, tmp_path):
    from openpyxl import load_workbook

    path = write_list(tmp_path / "lists" / "2024" / "18133_pho-chau.xlsx",
                      [household(1, code="18133"), household(2, code="18133")])  # fmt: skip
    wb = load_workbook(path)
    ws = wb.active
    ws.cell(8, 4, "3 hộ")  # the "Tổng cộng" row: 3 households written, 2 listed
    ws.cell(8, 8, 8)  # members: 4 + 4, right
    wb.save(path)
    problems = read_review(district).problems
    msgs = problems.loc[problems["file"] == "2024/18133_pho-chau.xlsx", "message"]
    assert msgs.str.contains("dòng tổng cộng ghi 3, các dòng trong bảng cho 2").any()
    assert not msgs.str.contains("ghi 8").any()


def test_write_validation_report__xlsx_and_html_in_vietnamese(district, tmp_path):
    from analysis.ingest import collect_review, write_validation_report

    write_list(tmp_path / "lists" / "2024" / "18133_pho-chau.xlsx",
               [household(1, code="18133", n_members=0)])  # fmt: skip
    review = collect_review(district)
    paths = write_validation_report(review, tmp_path / "out")
    problems = pd.read_excel(paths["xlsx"], sheet_name="Lỗi", engine="openpyxl")
    assert list(problems.columns) == [
        "Tệp",
        "Trang tính",
        "Dòng",
        "Cột",
        "Giá trị",
        "Lỗi",
        "Mức độ",
    ]
    assert (problems["Mức độ"] == "Lỗi (loại dòng)").sum() == 1
    files = pd.read_excel(paths["xlsx"], sheet_name="Đối chiếu", engine="openpyxl")
    assert {"Đọc", "Nhận", "Loại"} <= set(files.columns)
    md = paths["markdown"].read_text(encoding="utf-8")
    assert "| Lỗi (loại dòng) | giá trị nhỏ hơn 1 không hợp lệ | 1 | 1 |" in md and "…" not in md
    html = paths["html"].read_text(encoding="utf-8")
    assert html.startswith('<section class="validation">') and "Đối chiếu theo tệp" in html
    rejects = pd.read_excel(paths["xlsx"], sheet_name="Dòng bị loại", engine="openpyxl")
    assert "Nguyễn" not in rejects.to_string() and "head_name" not in rejects.columns


def test_read_review__code_of_other_vintage_named_in_message(district, tmp_path):
    write_list(tmp_path / "lists" / "2025" / "ds.xlsx",
               [household(1, code="18136"), household(2, code="18133")], year=2025)  # fmt: skip
    review = read_review(district)
    rej = review.rejects[review.rejects["file"] == "2025/ds.xlsx"]
    assert "đơn vị hành chính kỳ 2025 (mã này thuộc kỳ 2024: Tây Sơn)" in rej["reason"].iloc[0]


def test_read_review__commune_from_title_and_year_from_folder(district, tmp_path):
    cols = [c for c in LIST_COLUMNS if c != "commune_code"]
    write_list(tmp_path / "lists" / "2024" / "danh_sach.xlsx", [household(1, code="18133")],
               year=None, commune="PHỐ CHÂU", columns=cols)  # fmt: skip
    review = read_review(district)
    hh = review.households
    row = hh[hh["household_id"] == "18133-0001"].iloc[0]
    assert row["commune_code"] == "18133" and row["year"] == 2024
    msgs = review.problems.loc[review.problems["file"] == "2024/danh_sach.xlsx", "message"]
    assert {"năm rà soát 2024 lấy từ thư mục", "mã xã 18133 (Phố Châu) lấy từ tiêu đề"} <= set(msgs)


def test_read_review__skipped_row_never_shows_a_name(district, tmp_path):
    from openpyxl import load_workbook

    path = write_list(tmp_path / "lists" / "2024" / "18133_pho-chau.xlsx",
                      [household(1, code="18133")], footer=False)  # fmt: skip
    wb = load_workbook(path)
    wb.active.append([None, None, None, "Trần Thị Bí Mật", "042999999999"])
    wb.save(path)
    review = read_review(district)
    text = review.problems.astype(str).to_string() + review.rejects.astype(str).to_string()
    assert "Bí Mật" not in text and "042999999999" not in text
    assert (review.problems["row"] == 7).any()  # the row is reported, without its values


def test_read_review__report_written_before_fatal_stop(district, tmp_path):
    (tmp_path / "lists" / "2024" / "hong.xlsx").write_bytes(b"not excel")
    with pytest.raises(IngestError) as err:
        read_review(district, report_dir=tmp_path / "report")
    assert "hong.xlsx" in str(err.value) and "tệp không đọc được" in str(err.value)
    problems = pd.read_excel(
        tmp_path / "report" / "kiem_tra_du_lieu.xlsx", sheet_name="Lỗi", engine="openpyxl"
    )
    assert (problems["Mức độ"] == "Lỗi nghiêm trọng").sum() == 1
    assert len(err.value.review.households) == 6  # the readable files were still read


def test_rejects__values_as_written_without_nan(district, tmp_path):
    write_list(tmp_path / "lists" / "2024" / "18133_pho-chau.xlsx",
               [household(1, code="18133", n_members=0, village=None),
                household(2, code="18133")])  # fmt: skip
    rej = read_review(district).rejects.set_index("file").loc["2024/18133_pho-chau.xlsx"]
    assert rej["n_members"] == "0" and rej["income_pc_vnd"] == "1200000"
    assert pd.isna(rej["village"]) and "nan" not in rej.astype(str).tolist()


def test_read_review__totals_by_name_with_year_in_title(district, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["TỔNG SỐ HỘ DÂN CƯ NĂM 2024"])
    ws.append([])
    ws.append(["STT", "Xã", "Số hộ", "Số khẩu"])
    ws.append([1, "Xã Sơn Kim 1", "1.210", "4.810"])
    ws.append([2, "SON KIM 2", 900, 3600])
    ws.append([None, "Cộng", 2110, 8410])
    wb.save(tmp_path / "tong_so_ho.xlsx")
    totals = read_review(district).totals
    assert totals[["year", "commune_code", "n_households"]].values.tolist() == [
        [2024, "18196", 1210],
        [2024, "18199", 900],
    ]
    assert totals["commune_name"].tolist() == ["Sơn Kim 1", "Sơn Kim 2"]


def test_read_review__file_losing_more_than_the_threshold_stops(tmp_path, monkeypatch):
    monkeypatch.setenv("POVERTY_PSEUDONYM_KEY", "test-key-" + "0" * 32)
    rows = [household(i, code="18133") for i in range(1, 10)] + [
        household(10, code="18133", n_members=0)
    ]
    write_list(tmp_path / "lists" / "2024" / "18133_pho-chau.xlsx", rows, commune="PHỐ CHÂU")
    write_totals(tmp_path / "tong_so_ho.xlsx", [(2024, "18133", "Phố Châu", 1200, 4800)])
    strict = make_config(tmp_path, max_rejected=0.05)
    with pytest.raises(UserError, match=r"tệp mất 10,0% số dòng \(1/10 dòng bị loại\)"):
        read_review(strict)
    files = read_review(make_config(tmp_path, max_rejected=0.1)).files.set_index("file")
    assert files.loc["2024/18133_pho-chau.xlsx", "n_accepted"] == 9


def test_read_review__file_with_no_household_accepted_stops(tmp_path, monkeypatch):
    monkeypatch.setenv("POVERTY_PSEUDONYM_KEY", "test-key-" + "0" * 32)
    write_list(tmp_path / "lists" / "2024" / "18133_pho-chau.xlsx",
               [household(1, code="18133", n_members=0)], commune="PHỐ CHÂU")  # fmt: skip
    write_totals(tmp_path / "tong_so_ho.xlsx", [(2024, "18133", "Phố Châu", 1200, 4800)])
    with pytest.raises(UserError, match="không nhận được hộ nào"):
        read_review(make_config(tmp_path))


def _with_pho_chau_total(tmp_path) -> None:
    write_totals(tmp_path / "tong_so_ho.xlsx",
                 [(2023, "18196", "Sơn Kim 1", 1200, 4800), (2024, "18196", "Sơn Kim 1", 1210, 4810),
                  (2024, "18199", "Sơn Kim 2", 900, 3600), (2024, "18133", "Phố Châu", 500, 2000)])  # fmt: skip


def test_read_review__total_without_list_is_named_and_fatal_for_a_run(district, tmp_path):
    _with_pho_chau_total(tmp_path)
    review = read_review(district)  # outside a run: reported, not fatal
    missing = review.missing_lists
    assert missing[["year", "commune_code", "commune_name"]].values.tolist() == [
        [2024, "18133", "Phố Châu"]
    ]
    with pytest.raises(IngestError) as err:
        read_review(district, for_run=True)
    message = str(err.value)
    assert "18133 (Phố Châu)" in message and "không có danh sách hộ" in message
    assert "--allow-incomplete" in message and "bổ sung danh sách" in message
    allowed = read_review(district, for_run=True, allow_incomplete=True)
    assert allowed.missing_lists["commune_code"].tolist() == ["18133"]


def test_read_review__explicit_empty_list_counts_as_present(district, tmp_path):
    _with_pho_chau_total(tmp_path)
    write_list(tmp_path / "lists" / "2024" / "18133_pho-chau.xlsx", [], commune="PHỐ CHÂU")
    review = read_review(district, for_run=True)  # no IngestError
    assert review.missing_lists.empty
    assert not (review.households["commune_code"] == "18133").any()


def test_validation_report__per_commune_reconciliation(district):
    from analysis.ingest import validation_report
    from analysis.ingest.report import by_commune

    review = read_review(district)
    table = by_commune(validation_report(review).files)
    row = table[(table["year"].astype(str) == "2024") & (table["commune_code"] == "18196")].iloc[0]
    assert (row["n_files"], row["n_read"], row["n_accepted"], row["n_rejected"]) == (1, 3, 3, 0)
    assert (row["n_households"], row["n_poor"], row["n_near_poor"]) == (3, 1, 1)
    assert (table["n_read"] == table["n_accepted"] + table["n_rejected"]).all()


def test_read_review__changed_key_against_earlier_outputs_warns_loudly(
    district, tmp_path, monkeypatch
):
    import json

    from analysis.documents.briefing import key_change_text
    from analysis.ingest.privacy import key_fingerprint
    from analysis.store import save_table

    outputs = tmp_path / "out" / "huong-son"
    earlier = key_fingerprint(b"an-older-key-" + b"1" * 32)
    (outputs / "2023").mkdir(parents=True)
    manifest = {"year": 2023, "pseudonym_key_fingerprint": earlier}
    (outputs / "2023" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    review = read_review(district, key_history_dir=outputs)
    current = key_fingerprint(("test-key-" + "0" * 32).encode())
    assert review.key_fingerprint == current
    assert review.key_years["year"].tolist() == [2023, 2024]
    assert review.key_changes.to_dict("list") == {"year": [2023], "fingerprint": [earlier]}
    first = review.problems.iloc[0]
    assert first["severity"] == "warning" and "khóa ẩn danh đã thay đổi" in first["message"]
    assert "năm 2023" in first["message"] and "không nối được" in first["message"]

    run_dir = tmp_path / "run"  # the briefing repeats it, from what step 01 saved
    save_table(run_dir, "key_years", review.key_years)
    save_table(run_dir, "key_changes", review.key_changes)
    assert key_change_text(run_dir) == first["message"]
    assert ingest.describe_key_check(review) == first["message"]

    monkeypatch.setenv("POVERTY_PSEUDONYM_KEY", "an-older-key-" + "1" * 32)  # the same key: quiet
    same = read_review(district, key_history_dir=outputs)
    assert same.key_changes.empty
    assert not same.problems["message"].str.contains("khóa ẩn danh").any()
    save_table(run_dir, "key_changes", same.key_changes)
    assert key_change_text(run_dir) == ""
    assert same.key_fingerprint in ingest.describe_key_check(same)
