"""Criterion values per commune of the run year: what the envelopes' weights apply to."""

from __future__ import annotations

import pandas as pd

from analysis.errors import UserError
from analysis.schema import DEPRIVATIONS

DEPRIVATION_PREFIX = "n_poor_with_"
CRITERION_LABELS_VI = {
    "n_households": "Tổng số hộ",
    "n_persons": "Tổng số nhân khẩu",
    "n_poor": "Số hộ nghèo",
    "n_near_poor": "Số hộ cận nghèo",
    "n_poor_ethnic_minority": "Số hộ nghèo dân tộc thiểu số",
    "n_newly_escaped": "Số hộ mới thoát nghèo",
    "deprivation_intensity": "Mức độ thiếu hụt (tổng số chỉ số thiếu hụt của hộ nghèo)",
    "is_remote": "Xã biên giới, vùng sâu, vùng xa, đặc biệt khó khăn",
    **{
        f"{DEPRIVATION_PREFIX}{c}": f"Số hộ nghèo thiếu hụt: {label}"
        for c, _, label in DEPRIVATIONS
    },
}
KNOWN_CRITERIA = tuple(CRITERION_LABELS_VI)


def label(name: str) -> str:
    return CRITERION_LABELS_VI.get(name, name)


def check_names(names: list[str], where: str) -> None:
    bad = [n for n in names if n not in CRITERION_LABELS_VI]
    if bad:
        raise UserError(
            f"{where}: tiêu chí không tính được: {', '.join(bad)}. Các tiêu chí hợp lệ: "
            f"{', '.join(KNOWN_CRITERIA)}."
        )


def criteria_table(
    households: pd.DataFrame | None, indicators: pd.DataFrame, year: int, remote: list[str]
) -> pd.DataFrame:
    """One row per commune of `year` with data, every criterion as a column.

    Communes marked "thiếu số liệu" are left out here (never counted as 0); the caller
    lists them. Criteria that need household lists are NaN when the year has none.
    """
    ind = indicators[indicators["year"] == year]
    if "is_missing_list" in ind:
        ind = ind[~ind["is_missing_list"].fillna(False).astype(bool)]
    if ind.empty:
        raise UserError(f"Không có số liệu xã của năm {year} để phân bổ ngân sách.")
    keep = ["commune_code", "commune_name", "n_households", "n_poor", "n_near_poor"]
    out = ind[keep + (["unit_vintage"] if "unit_vintage" in ind else [])].copy()
    out["n_persons"] = ind["n_persons"].astype("Float64") if "n_persons" in ind else pd.NA
    escaped = [c for c in ("n_poor_out_near_poor", "n_poor_out_above") if c in ind]
    out["n_newly_escaped"] = ind[escaped].fillna(0).sum(axis=1) if escaped else pd.NA
    out["is_remote"] = out["commune_code"].isin(remote).astype("int64")
    hh = None
    if households is not None and not households.empty:
        hh = households[(households["year"] == year) & (households["reported_status"] == "poor")]
    if hh is None or hh.empty:
        for name in KNOWN_CRITERIA:
            if name not in out:
                out[name] = float("nan")
        return out.reset_index(drop=True)
    by = hh.groupby("commune_code")
    if "is_ethnic_minority" in hh:
        em = hh["is_ethnic_minority"].fillna(False).astype(bool)
        out["n_poor_ethnic_minority"] = _map(out, em.groupby(hh["commune_code"]).sum())
    else:
        out["n_poor_ethnic_minority"] = float("nan")
    if "n_deprivations" in hh:
        out["deprivation_intensity"] = _map(out, by["n_deprivations"].sum())
    for col, _, _ in DEPRIVATIONS:
        name = f"{DEPRIVATION_PREFIX}{col}"
        if col in hh:
            flags = hh[col].fillna(False).astype(bool)
            out[name] = _map(out, flags.groupby(hh["commune_code"]).sum())
        else:
            out[name] = float("nan")
    return out.reset_index(drop=True)


def _map(out: pd.DataFrame, counts: pd.Series) -> pd.Series:
    return out["commune_code"].map(counts).fillna(0).astype("int64")


def codes_for_vintage(
    codes: list[str], vintage: int, to_merged: dict[str, str], every_part: bool,
    parts: dict[str, list[str]] | None = None, legacy_vintage: int = 2024,
) -> list[str]:  # fmt: skip
    """Commune codes of the config (either vintage) in the codes of `vintage`. A merged
    commune is in when any absorbed unit was (remote status), or with `every_part` only
    when all were (an exclusion)."""
    if vintage == legacy_vintage:
        return sorted(set(codes))
    merged_codes = set(to_merged.values())
    out = {c for c in codes if c in merged_codes and c not in to_merged}
    legacy = {c for c in codes if c in to_merged}
    for m in {to_merged[c] for c in legacy}:
        absorbed = (parts or {}).get(m) or [k for k, v in to_merged.items() if v == m]
        if not every_part or set(absorbed) <= legacy:
            out.add(m)
    return sorted(out)
