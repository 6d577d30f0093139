import pandas as pd

from analysis.measures import audit_status
from analysis.schema import DEPRIVATION_COLUMNS


def _hh(rows) -> pd.DataFrame:
    """rows: (income, n deprivations, reported status)."""
    out = []
    for i, (income, n, status) in enumerate(rows):
        row = {"year": 2024, "commune_code": "1", "household_id": f"h{i}", "is_urban": False}
        row |= {"income_pc_vnd": income, "reported_status": status}
        row |= {col: j < n for j, col in enumerate(DEPRIVATION_COLUMNS)}
        out.append(row)
    return pd.DataFrame(out)


def test_audit_status__consistent_households_are_not_listed():
    hh = _hh([(1_000_000, 3, "poor"), (1_000_000, 1, "near_poor"), (2_000_000, 0, "not_poor")])
    assert audit_status(hh).empty


def test_audit_status__reason_names_deprivations():
    out = audit_status(_hh([(1_000_000, 2, "poor")]))
    assert out["computed_status"].tolist() == ["near_poor"]
    assert "thiếu hụt 2 chỉ số (dưới 3)" in out["reason"].iloc[0]


def test_audit_status__reason_names_income_against_line():
    out = audit_status(_hh([(1_600_000, 5, "near_poor")]))
    assert "1.600.000" in out["reason"].iloc[0]
    assert "vượt chuẩn 1.500.000" in out["reason"].iloc[0]


def test_audit_status__no_personal_columns():
    hh = _hh([(1_000_000, 2, "poor")]).assign(head_name="Nguyễn Văn A")
    assert "head_name" not in audit_status(hh).columns
