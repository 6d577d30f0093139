"""Shared checks and small helpers of the measures: validated copies of the inputs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from analysis.errors import UserError
from analysis.schema import STATUSES

DISTRICT_LABEL_VI = "Toàn huyện"
LISTED = ("poor", "near_poor")


def require_columns(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise UserError(f"{what}: thiếu cột {', '.join(missing)}")


def prepare_households(households: pd.DataFrame, status_col: str) -> pd.DataFrame:
    """The columns the measures need, checked: year, id, commune, vintage, status, members.

    Adds `hid`, an integer code of the household id (fast joins and duplicate checks).
    """
    cols = ["year", "household_id", "commune_code", "unit_vintage", status_col, "n_members"]
    require_columns(households, cols, "Bảng hộ")
    for col in ("year", "household_id", "commune_code", "unit_vintage", "n_members"):
        missing = households[col].isna().to_numpy()
        if missing.any():
            row = int(np.flatnonzero(missing)[0])
            raise UserError(f"Bảng hộ, dòng {row + 1}: thiếu giá trị cột '{col}'")
    hid = pd.factorize(households["household_id"])[0].astype(np.int64)
    hh = pd.DataFrame(
        {
            "year": households["year"].to_numpy(dtype=np.int64),
            "household_id": households["household_id"].astype("string"),
            "hid": hid,
            "commune_code": households["commune_code"].astype("string"),
            "unit_vintage": households["unit_vintage"].to_numpy(dtype=np.int64),
            "status": households[status_col].astype("string"),
            "n_members": households["n_members"].to_numpy(dtype=np.int64),
        },
        index=households.index,
    ).reset_index(drop=True)
    _check_statuses(hh, status_col)
    _check_unique(hh)
    return hh


def _check_statuses(hh: pd.DataFrame, status_col: str) -> None:
    bad = (~hh["status"].isin(STATUSES)).fillna(True).to_numpy(dtype=bool)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise UserError(
            f"Bảng hộ, dòng {row + 1}, cột '{status_col}': phân loại hộ "
            f"'{hh['status'].iloc[row]}' không hợp lệ (cho phép: {', '.join(STATUSES)})"
        )


def _check_unique(hh: pd.DataFrame) -> None:
    year = hh["year"].to_numpy()
    key = (year - year.min()) * (int(hh["hid"].max()) + 1) + hh["hid"].to_numpy()
    order = np.argsort(key, kind="stable")
    same = key[order][1:] == key[order][:-1]
    if same.any():
        first = hh.iloc[order[1:][same][0]]
        raise UserError(
            f"Bảng hộ: mã hộ '{first['household_id']}' xuất hiện nhiều lần trong năm "
            f"{first['year']} ({int(same.sum())} dòng trùng)"
        )


def prepare_totals(totals: pd.DataFrame) -> pd.DataFrame:
    require_columns(totals, ["year", "commune_code", "n_households"], "Bảng tổng số hộ")
    out = pd.DataFrame(
        {
            "year": totals["year"].to_numpy(dtype=np.int64),
            "commune_code": totals["commune_code"].astype("string").to_numpy(),
            "n_households": totals["n_households"].to_numpy(dtype=np.int64),
            "n_persons": (
                totals["n_persons"].astype("Int64")
                if "n_persons" in totals
                else pd.Series(pd.NA, index=totals.index, dtype="Int64")
            ).to_numpy(),
            "totals_name": (
                totals["commune_name"].astype("string")
                if "commune_name" in totals
                else pd.Series(pd.NA, index=totals.index, dtype="string")
            ).to_numpy(),
        }
    )
    out["n_persons"] = out["n_persons"].astype("Int64")
    dup = out.duplicated(["year", "commune_code"])
    if dup.any():
        first = out.loc[dup].iloc[0]
        raise UserError(
            f"Bảng tổng số hộ: xã {first['commune_code']} có nhiều dòng trong năm {first['year']}"
        )
    return out


def vintage_by_year(hh: pd.DataFrame) -> dict[int, int]:
    """Review year -> the unit vintage of its codes; one vintage per year."""
    pairs = hh[["year", "unit_vintage"]].drop_duplicates()
    several = pairs["year"][pairs["year"].duplicated()]
    if len(several):
        raise UserError(
            f"Bảng hộ: năm {int(several.iloc[0])} trộn mã xã của nhiều kỳ đơn vị hành chính"
        )
    return dict(zip(pairs["year"].astype(int), pairs["unit_vintage"].astype(int), strict=True))


def name_of(names: Mapping, vintage: int, code: str) -> str | None:
    """Look a code up in {code: name} or {vintage: {code: name}}."""
    if vintage in names and isinstance(names[vintage], Mapping):
        return names[vintage].get(code)
    value = names.get(code)
    return value if isinstance(value, str) else None


def safe_rate(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def income_poor(households: pd.DataFrame, status_col: str = "reported_status") -> pd.DataFrame:
    """The poor and near-poor households (income at or below the line, by the review).

    The relevant population for Alkire–Foster on list inputs: the lists also hold the
    households leaving them, who are not a sample of anything.
    """
    return households.loc[households[status_col].isin(LISTED)]


def covers_population(households: pd.DataFrame, totals: pd.DataFrame) -> bool:
    """True when every (year, commune) has as many household rows as resident households.

    Then uncensored headcounts and group rates are population figures; otherwise the
    input is a set of review lists and they describe the reviewed households only.
    """
    counts = households.groupby(["year", "commune_code"]).size().rename("rows").reset_index()
    tot = totals[["year", "commune_code", "n_households"]].astype(
        {"year": "int64", "commune_code": "string"}
    )
    counts = counts.astype({"year": "int64", "commune_code": "string"})
    both = tot.merge(counts, on=["year", "commune_code"], how="left").fillna({"rows": 0})
    both = both.loc[both["year"].isin(counts["year"])]
    return bool(len(both)) and bool((both["rows"] == both["n_households"]).all())


def with_indicator_flags(households: pd.DataFrame) -> pd.DataFrame:
    """The households whose list gives the indicators one by one.

    A list that writes only the number of deprivations says nothing about which ones: its
    households are left out of every per-indicator figure, never counted as not deprived.
    """
    if "has_indicator_flags" not in households.columns:
        return households
    return households[households["has_indicator_flags"].astype(bool)]


def describe_indicator_gap(households: pd.DataFrame, year: int) -> str:
    """A sentence when some households of `year` have no per-indicator flags, else ''."""
    if "has_indicator_flags" not in households.columns:
        return ""
    rows = households[households["year"] == year]
    missing = int((~rows["has_indicator_flags"].astype(bool)).sum())
    if not missing:
        return ""
    return (
        f"{missing:,} hộ năm {year} có danh sách chỉ ghi số chỉ số thiếu hụt, không ghi từng chỉ "
        "số: các hộ này không được tính trong các bảng theo từng chỉ số và chỉ số nghèo đa "
        "chiều A-F (không coi là không thiếu hụt)."
    ).replace(",", ".")
