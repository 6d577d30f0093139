"""Budget allocation across communes by weighted criteria, in whole million VND.

Each criterion k has a weight w_k (normalised to sum to 1) and a value x_ck per
commune c; commune c receives total × Σ_k w_k · x_ck / Σ_c x_ck. Amounts are
rounded to whole million VND by the largest-remainder method, so the rounded
amounts add up exactly to the envelope. The criteria and weights come from the
config; the sample's are illustrative, not Decision 02/2022/QĐ-TTg's coefficients.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.errors import UserError

CRITERION_LABELS_VI = {
    "n_poor": "Số hộ nghèo",
    "n_near_poor": "Số hộ cận nghèo",
    "n_poor_ethnic_minority": "Số hộ nghèo dân tộc thiểu số",
    "is_remote": "Xã biên giới, vùng sâu, vùng xa",
    "n_households": "Tổng số hộ",
}


def largest_remainder(values: np.ndarray | pd.Series, total: int) -> np.ndarray:
    """Integers proportional to `values` that sum exactly to `total` (Hamilton's method).

    Ties in the remainders go to the earlier position, so the result is deterministic.
    """
    v = np.asarray(values, dtype=float)
    if total < 0 or (v < 0).any() or not np.isfinite(v).all():
        raise ValueError("values must be finite and non-negative, total non-negative")
    if v.sum() == 0:
        if total == 0:
            return np.zeros(len(v), dtype=np.int64)
        raise ValueError("cannot apportion a positive total over all-zero values")
    quotas = v / v.sum() * total
    floors = np.floor(quotas).astype(np.int64)
    short = int(total - floors.sum())
    order = np.argsort(-(quotas - floors), kind="stable")
    floors[order[:short]] += 1
    return floors


# Criteria `allocation_criteria` computes per commune (config allocation.criteria[].name).
ALLOCATION_CRITERIA = (
    "n_households", "n_poor", "n_near_poor", "n_poor_ethnic_minority", "is_remote",
)  # fmt: skip


def remote_codes_for_vintage(
    remote_codes: list[str], vintage: int, to_merged: dict[str, str], legacy_vintage: int = 2024
) -> list[str]:
    """Remote communes of the config (legacy vintage codes), in the codes of `vintage`.

    A merged commune is remote when any unit it absorbed was.
    """
    if vintage == legacy_vintage:
        return list(remote_codes)
    return sorted({to_merged[c] for c in remote_codes if c in to_merged})


def allocation_criteria(
    households: pd.DataFrame, indicators: pd.DataFrame, year: int, remote_codes: list[str]
) -> pd.DataFrame:
    """Per commune of `year`: the values of every supported criterion.

    Communes marked "thiếu số liệu" (no list) are left out, never given 0 poor
    households: `missing_for_year` names them for the sentence under the table.
    """
    ind = indicators[indicators["year"] == year]
    if "is_missing_list" in ind:
        ind = ind[~ind["is_missing_list"].astype(bool)]
    if ind.empty:
        raise UserError(f"Không có số liệu xã của năm {year} để phân bổ ngân sách.")
    hh = households[(households["year"] == year) & (households["reported_status"] == "poor")]
    if "is_ethnic_minority" in hh:
        em = hh[hh["is_ethnic_minority"].fillna(False).astype(bool)]
        em_counts = em.groupby("commune_code").size()
    else:
        em_counts = pd.Series(dtype="int64")
    out = ind[["commune_code", "commune_name", "n_households", "n_poor", "n_near_poor"]].copy()
    out["n_poor_ethnic_minority"] = out["commune_code"].map(em_counts).fillna(0).astype("int64")
    out["is_remote"] = out["commune_code"].isin(remote_codes).astype("int64")
    return out.reset_index(drop=True)


def missing_for_year(indicators: pd.DataFrame, year: int) -> pd.DataFrame:
    """Code and name of the communes of `year` marked "thiếu số liệu" (no list)."""
    rows = indicators[indicators["year"] == year]
    if "is_missing_list" in rows:
        rows = rows[rows["is_missing_list"].astype(bool)]
    else:
        rows = rows.iloc[0:0]
    return rows[["commune_code", "commune_name"]].sort_values("commune_code", ignore_index=True)


def allocate_budget(
    criteria: pd.DataFrame, weights: dict[str, float], total_million_vnd: int
) -> pd.DataFrame:
    """Amount per commune (million VND, integers summing to the total) and each criterion's part."""
    missing = [k for k in weights if k not in criteria]
    if missing:
        raise UserError(f"Tiêu chí phân bổ không có trong số liệu: {', '.join(missing)}")
    w = pd.Series(weights, dtype=float)
    if w.sum() <= 0:
        raise UserError("Tổng trọng số các tiêu chí phân bổ phải lớn hơn 0.")
    w = w / w.sum()
    out = criteria[["commune_code", "commune_name"]].copy()
    exact = np.zeros(len(criteria))
    for name, weight in w.items():
        x = criteria[name].to_numpy(dtype=float)
        part = np.zeros_like(x) if x.sum() == 0 else weight * x / x.sum()
        out[f"share_{name}"] = part
        exact += part
    if exact.sum() == 0:
        raise UserError("Không xã nào có giá trị dương ở các tiêu chí phân bổ.")
    exact = (
        exact / exact.sum()
    )  # criteria with all-zero values give their weight back to the others
    out["share"] = exact
    out["amount_exact_million_vnd"] = exact * total_million_vnd
    out["amount_million_vnd"] = largest_remainder(exact, total_million_vnd)
    n_poor = criteria["n_poor"] if "n_poor" in criteria else pd.Series(np.nan, index=criteria.index)
    out["n_poor"] = n_poor.to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["million_vnd_per_poor_household"] = np.where(
            n_poor > 0, out["amount_million_vnd"] / n_poor, np.nan
        )
    assert int(out["amount_million_vnd"].sum()) == total_million_vnd
    return out
