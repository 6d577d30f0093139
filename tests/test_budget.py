"""The finance-planning office's allocation: exact totals, floors and caps, impossible floors,
scenarios, the double-support rules, disbursement and the printable outputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.budget import allocate as A
from analysis.budget.apportion import apportion
from analysis.budget.beneficiaries import check_double_support, read_beneficiaries
from analysis.budget.disbursement import disbursement_table
from analysis.budget.rules import Envelope, Rules, ScenarioRule, SupportType, load_rules
from analysis.config import load_config
from analysis.errors import UserError


def _criteria(n: int = 4, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "commune_code": [f"{i:05d}" for i in range(n)],
            "commune_name": [f"Xã {i}" for i in range(n)],
            "n_households": rng.integers(500, 3000, n),
            "n_poor": rng.integers(0, 300, n),
            "n_near_poor": rng.integers(0, 200, n),
            "n_newly_escaped": rng.integers(0, 50, n),
            "is_remote": rng.integers(0, 2, n),
        }
    )


def _rules(envelopes: list[Envelope], scenarios=None) -> Rules:
    names = {"TW": "Ngân sách trung ương", "TINH": "Ngân sách tỉnh", "HUYEN": "Ngân sách huyện"}
    scenarios = scenarios or [ScenarioRule(name="co-so", label="Cơ sở")]
    return Rules(2024, envelopes, {}, scenarios, True, names)


def _env(project="2", source="TW", amount=1000, criteria=None, **kw) -> Envelope:
    return Envelope(
        key=f"{project} · {source}", project=project, project_name=f"Dự án {project}",
        source=source, source_name=source, amount=amount,
        criteria=criteria or {"n_poor": 1.0}, **kw,
    )  # fmt: skip


# ---------------------------------------------------------------- exactness
@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 25),
    seed=st.integers(0, 10_000),
    amounts=st.lists(st.integers(0, 50_000), min_size=1, max_size=6),
    weights=st.lists(st.floats(0.01, 10), min_size=4, max_size=4),
    floor=st.integers(0, 30),
)
def test_every_envelope_and_source_sums_exactly(n, seed, amounts, weights, floor):
    crit = _criteria(n, seed)
    names = ["n_poor", "n_near_poor", "n_newly_escaped", "is_remote"]
    sources = ["TW", "TINH", "HUYEN"]
    envs = []
    for i, amount in enumerate(amounts):
        f = min(floor, amount // n)
        envs.append(
            _env(
                str(i + 1), sources[i % 3], amount, dict(zip(names, weights, strict=True)), floor=f
            )
        )
    long = A.allocate(_rules(envs), crit)
    assert (long["amount_million_vnd"] >= 0).all()
    assert long["amount_million_vnd"].dtype == np.int64
    got = long.groupby("envelope")["amount_million_vnd"].sum()
    for e in envs:
        assert got[e.key] == e.amount
    for s in sources:
        want = sum(e.amount for e in envs if e.source == s)
        assert long.loc[long["source"] == s, "amount_million_vnd"].sum() == want
    assert (A.exactness(long, _rules(envs))["difference"] == 0).all()


@settings(max_examples=80, deadline=None)
@given(
    shares=st.lists(st.floats(0, 100), min_size=1, max_size=20),
    total=st.integers(0, 10_000),
    floor=st.integers(0, 50),
    cap_extra=st.integers(0, 2000),
)
def test_apportion_respects_floors_and_caps_and_sums(shares, total, floor, cap_extra):
    n = len(shares)
    floor = min(floor, total // n)
    cap = max(floor, -(-total // n)) + cap_extra  # enough room for the total
    out = apportion(np.array(shares), total, np.full(n, floor), np.full(n, cap))
    assert out.sum() == total
    assert (out >= floor).all() and (out <= cap).all()


# ---------------------------------------------------------------- floors and caps
def test_floor_lifts_small_commune_and_others_pay_for_it():
    # proportional: 1, 49, 50; the first is raised to its floor, the 9 comes from the others
    out = apportion(np.array([1.0, 49.0, 50.0]), 100, floors=np.array([10, 10, 10]))
    assert out.tolist() == [10, 45, 45] or out.tolist() == [10, 44, 46]
    assert out.sum() == 100


def test_cap_redistributes_remainder_iteratively():
    # 80 capped at 50; the 50 left goes 15:5 (37.5, 12.5); the second is then capped at 30
    assert apportion(np.array([80.0, 15.0, 5.0]), 100, caps=np.array([50, 40, 100])).tolist() == [
        50, 38, 12
    ]  # fmt: skip
    out = apportion(np.array([80.0, 15.0, 5.0]), 100, caps=np.array([50, 30, 100]))
    assert out.tolist() == [50, 30, 20]


def test_impossible_floors_name_the_envelope():
    crit = _criteria(5)
    env = _env("3.1", "TW", 100, floor=30)
    with pytest.raises(UserError, match=r"3\.1 · TW.*tối thiểu.*vượt"):
        A.allocate(_rules([env]), crit)


def test_caps_that_cannot_absorb_the_envelope_name_it():
    env = _env("4.1", "TINH", 1000, cap=100)
    with pytest.raises(UserError, match=r"4\.1 · TINH.*tối đa"):
        A.allocate(_rules([env]), _criteria(5))


def test_excluded_commune_gets_nothing_and_no_floor():
    crit = _criteria(4)
    env = _env(amount=400, floor=20, excluded=("00001",))
    long = A.allocate(_rules([env]), crit)
    amounts = long.set_index("commune_code")["amount_million_vnd"]
    assert amounts["00001"] == 0 and amounts.sum() == 400
    assert (amounts.drop("00001") >= 20).all()


# ---------------------------------------------------------------- scenarios
def test_scenario_comparison_changes_communes_but_not_totals():
    crit = _criteria(6, seed=3)
    envs = [_env("2", "TW", 3000, {"n_poor": 1.0}), _env("3.1", "TW", 1000, {"n_poor": 1.0})]
    other = ScenarioRule(name="xa-kho-khan", label="Ưu tiên xã khó khăn", projects=["2"],
                         criteria=[{"name": "is_remote", "weight": 1.0}])  # fmt: skip
    rules = _rules(envs, [ScenarioRule(name="co-so", label="Cơ sở"), other])
    runs = A.run_scenarios(rules, crit, ["xa-kho-khan"])
    cmp_ = A.compare(runs["co-so"], runs["xa-kho-khan"])
    assert cmp_["change_million_vnd"].sum() == 0
    assert (cmp_["change_million_vnd"] != 0).any()
    # project 3.1 is untouched by the scenario
    s31 = runs["xa-kho-khan"].query("project == '3.1'")["amount_million_vnd"].to_numpy()
    b31 = runs["co-so"].query("project == '3.1'")["amount_million_vnd"].to_numpy()
    assert (s31 == b31).all()
    remote = crit["is_remote"].to_numpy() == 1
    row = cmp_.set_index("commune_code").loc[crit["commune_code"][remote]]
    assert (row["change_million_vnd"] > 0).all()
    assert np.allclose(cmp_["change_pct"], cmp_["change_million_vnd"] / cmp_["base_million_vnd"])


def test_unknown_scenario_lists_the_known_ones():
    with pytest.raises(UserError, match="co-so"):
        _rules([_env()]).scenario("khong-co")


# ---------------------------------------------------------------- rules as data
def test_sample_rules_add_counterparts_and_say_illustrative():
    config = load_config("config/huong_son.yaml")
    rules = load_rules(config, 2024)
    assert rules.illustrative
    tw = {e.project: e.amount for e in rules.envelopes if e.source == "TW"}
    tinh = {e.project: e.amount for e in rules.envelopes if e.source == "TINH"}
    assert set(tinh) == set(tw)
    assert all(tinh[p] == int(tw[p] * 0.10 + 0.5) for p in tw)
    with pytest.raises(UserError, match="2030"):
        load_rules(config, 2030)


def test_old_config_form_is_one_envelope():
    config = load_config("config/meo_vac.yaml")
    rules = load_rules(config, 2024)
    assert len(rules.envelopes) == 1 and rules.envelopes[0].amount == 25000


# ---------------------------------------------------------------- double support
TYPES = {
    "sinh_ke": SupportType(code="sinh_ke", name="Sinh kế",
                           eligible=["poor", "near_poor", "newly_escaped"], newly_escaped_years=3),
    "thiet_bi": SupportType(code="thiet_bi", name="Thiết bị thông tin", eligible=["poor"]),
    "sau_thoat": SupportType(code="sau_thoat", name="Sau thoát nghèo",
                             eligible=["newly_escaped"], newly_escaped_years=1),
}  # fmt: skip


def _households() -> pd.DataFrame:
    rows = [
        ("H1", 2024, "poor"), ("H2", 2024, "near_poor"),
        ("H3", 2023, "poor"), ("H3", 2024, "not_poor"),  # escaped in 2024
        ("H4", 2021, "poor"), ("H4", 2022, "not_poor"),  # escaped in 2022
        ("H5", 2022, "near_poor"),  # not on the 2024 lists
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["household_id", "year", "reported_status"])


def _benef(rows) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=["household_id", "project", "support_type"])
    return out.assign(commune_code="00001", commune_name="Xã", year=2024,
                      amount_million_vnd=2.0, file="ds.xlsx", row=range(5, 5 + len(out)))  # fmt: skip


def _rules_of(findings: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(findings["rule"], findings["household_id"], strict=True))


def test_clean_rows_are_not_flagged():
    b = _benef([("H1", "2", "sinh_ke"), ("H2", "3.1", "sinh_ke"), ("H3", "2", "sinh_ke"),
                ("H1", "6.1", "thiet_bi"), ("H3", "2", "sau_thoat"), ("H4", "2", "sinh_ke")])  # fmt: skip
    assert check_double_support(b, _households(), TYPES).empty


def test_same_support_type_from_two_projects():
    b = _benef([("H1", "2", "sinh_ke"), ("H1", "3.1", "sinh_ke")])
    f = check_double_support(b, _households(), TYPES)
    assert _rules_of(f) == {("two_projects", "H1")} and len(f) == 2


def test_same_support_twice_in_a_year():
    b = _benef([("H2", "2", "sinh_ke"), ("H2", "2", "sinh_ke")])
    f = check_double_support(b, _households(), TYPES)
    assert _rules_of(f) == {("twice_in_year", "H2")} and len(f) == 2


def test_not_eligible_by_status():
    b = _benef([("H2", "6.1", "thiet_bi"), ("H1", "2", "sau_thoat"), ("H5", "2", "sinh_ke")])
    f = check_double_support(b, _households(), TYPES)
    assert _rules_of(f) == {("not_eligible", "H2"), ("not_eligible", "H1"), ("not_eligible", "H5")}


def test_newly_escaped_beyond_its_time():
    b = _benef([("H4", "2", "sau_thoat")])  # escaped 2022, allowed 1 year
    f = check_double_support(b, _households(), TYPES)
    assert _rules_of(f) == {("escaped_too_long_ago", "H4")}
    assert "2022" in f["detail"].iloc[0]


def test_household_on_no_list():
    b = _benef([("H9", "2", "sinh_ke")])
    assert _rules_of(check_double_support(b, _households(), TYPES)) == {("on_no_list", "H9")}


def test_support_type_given_by_name_and_unknown_type_is_an_error():
    b = _benef([("H1", "2", "Sinh kế"), ("H1", "3.1", "sinh_ke")])
    assert _rules_of(check_double_support(b, _households(), TYPES)) == {("two_projects", "H1")}
    with pytest.raises(UserError, match="nuoi_ong"):
        check_double_support(_benef([("H1", "2", "nuoi_ong")]), _households(), TYPES)


def test_beneficiary_list_read_through_ingest_with_aliases_and_errors(tmp_path: Path):
    text = ("DANH SÁCH HỘ ĐƯỢC HỖ TRỢ\n\nTT;Mã hộ gia đình;Mã xã;Dự án/Tiểu dự án;"
            "Nội dung hỗ trợ;Năm hỗ trợ;Số tiền hỗ trợ (đồng)\n"
            "1;H1;00001;Dự án 3.1;sinh_ke;2024;2.500.000\n2;H2;00001;DA 2;sinh_ke;2024;3000000\n")  # fmt: skip
    (tmp_path / "ds_2024.csv").write_bytes(text.encode("utf-16"))  # as some systems export
    b = read_beneficiaries(tmp_path)
    assert b["project"].tolist() == ["3.1", "2"]
    assert b["amount_million_vnd"].tolist() == pytest.approx([2.5, 3.0])
    assert b["row"].tolist() == [4, 5]
    (tmp_path / "ds_2024.csv").write_text(text.replace("3000000", "ba triệu"), encoding="utf-8")
    with pytest.raises(UserError, match=r"ds_2024\.csv, dòng 5, cột 'Số tiền hỗ trợ \(đồng\)'"):
        read_beneficiaries(tmp_path)


def test_sample_deliberate_double_supports_flagged_exactly(tmp_path: Path):
    """The generator's beneficiary lists against its own household lists, through the readers."""
    from tests.districts import sample_config

    from analysis.ingest import read_review

    sample_config(tmp_path, households=1500)
    config = load_config(tmp_path / "sample.yaml")
    households = read_review(config).households
    benef = read_beneficiaries(tmp_path / "sample" / "ho_tro")
    findings = check_double_support(benef, households, load_rules(config, 2024).support_types)
    expected = pd.read_csv(tmp_path / "sample" / "ho_tro_trung_lap.csv", dtype=str)
    key = ["rule", "household_id", "support_type", "project"]
    got = sorted(map(tuple, findings[key].astype(str).to_numpy()))
    want = sorted(map(tuple, expected[key].to_numpy()))
    assert got == want
    assert set(expected["rule"]) == {"two_projects", "twice_in_year", "not_eligible",
                                     "escaped_too_long_ago", "on_no_list"}  # fmt: skip


# ---------------------------------------------------------------- disbursement and outputs
def test_disbursement_rate_remaining_and_per_escaped_household():
    crit = _criteria(3)
    long = A.allocate(_rules([_env(amount=300, floor=50)]), crit)
    paid = long[["commune_code", "envelope"]].assign(disbursed_million_vnd=[50.0, 0.0, 20.0])
    _, commune = disbursement_table(long, paid, crit)
    alloc = long.set_index("commune_code")["amount_million_vnd"]
    c = commune.set_index("commune_code")
    assert c["remaining_million_vnd"].tolist() == (alloc - [50, 0, 20]).tolist()
    assert c.loc["00000", "rate"] == pytest.approx(50 / alloc["00000"])
    esc = crit.set_index("commune_code")["n_newly_escaped"]
    assert c.loc["00000", "million_vnd_per_escaped_household"] == pytest.approx(50 / esc["00000"])


def test_workbook_is_printable_with_number_formats(tmp_path: Path):
    from analysis.budget.outputs import write_annex, write_workbook

    crit = _criteria(4)
    rules = _rules([_env("2", "TW", 1234), _env("2", "TINH", 123)])
    long = A.allocate(rules, crit)
    path = write_workbook(tmp_path / "pb.xlsx", rules, long, crit, {}, "Huyện X")
    wb = openpyxl.load_workbook(path)
    assert {"Theo dự án", "Theo xã", "Theo nguồn", "Tiêu chí, trọng số", "Kiểm tra tổng"} <= set(
        wb.sheetnames
    )
    ws = wb["Theo dự án"]
    assert ws.freeze_panes is not None and ws.print_title_rows
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    numbers = [c for row in ws.iter_rows() for c in row if isinstance(c.value, int)]
    assert numbers and all(c.number_format == "#,##0" for c in numbers)
    assert any("minh họa" in str(c.value) for c in ws["A"])
    total = [r for r in ws.iter_rows(values_only=True) if r[1] == "Tổng cộng"][0]
    assert total[-1] == 1234 + 123
    from docx import Document

    doc = Document(write_annex(tmp_path / "pl.docx", rules, long, "Huyện X"))
    cells = [c.text for c in doc.tables[0].rows[-1].cells]
    assert cells[-1] == "1.357"
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert doc.styles["Normal"].font.size.pt == 13


def test_codes_in_the_merged_vintage_remote_if_any_part_excluded_only_if_all():
    from analysis.budget.criteria import codes_for_vintage

    to_merged = {"a": "X", "b": "X", "c": "Y", "d": "Y"}
    assert codes_for_vintage(["a", "c"], 2024, to_merged, every_part=False) == ["a", "c"]
    assert codes_for_vintage(["a"], 2025, to_merged, every_part=False) == ["X"]
    assert codes_for_vintage(["a"], 2025, to_merged, every_part=True) == []
    assert codes_for_vintage(["c", "d", "X"], 2025, to_merged, every_part=True) == ["X", "Y"]


def test_missing_commune_is_left_out_and_named():
    from analysis.allocation import missing_for_year
    from analysis.budget.criteria import criteria_table

    ind = _criteria(3).assign(year=2024, is_missing_list=[False, True, False])
    crit = criteria_table(None, ind, 2024, [])
    assert "00001" not in set(crit["commune_code"])
    assert missing_for_year(ind, 2024)["commune_code"].tolist() == ["00001"]
    long = A.allocate(_rules([_env(amount=100, floor=10)]), crit)
    assert (
        set(long["commune_code"]) == {"00000", "00002"} and long["amount_million_vnd"].sum() == 100
    )


def test_disbursement_sheet_rows_of_other_budget_years_are_not_checked(tmp_path: Path):
    """A sheet kept over several years: rows of 2023 name a project the 2024 rules lack."""
    from analysis.budget.disbursement import read_disbursement

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["BẢNG THEO DÕI GIẢI NGÂN"])
    ws.append(["Năm", "Mã xã", "Dự án/Tiểu dự án", "Nguồn", "Đã giải ngân"])
    ws.append([2024, "18196", "2", "TW", 40])
    ws.append([2023, "18196", "9", "TW", 70])  # project 9 does not exist in 2024
    path = tmp_path / "giai_ngan.xlsx"
    wb.save(path)
    got = read_disbursement(path, _rules([_env("2", "TW", 300)]))
    assert got.to_dict("records") == [
        {"commune_code": "18196", "envelope": "2 · TW", "disbursed_million_vnd": 40.0}
    ]
