"""Poverty standards as data, and the classification of households under them.

The standards (lines, rule, indicators by dimension, sources) live in
`data/reference/standards.yaml`; this module reads them into frozen models and
classifies households with numpy, so a million households take well under a second.

Decree 07/2021/NĐ-CP (2022–2025): poor = income per person per month at or below
the line (1.5 M VND rural, 2.0 M urban) and deprived in at least 3 of the 12
indicators; near-poor = at or below the line and deprived in fewer than 3. The
2016–2020 standard adds an income-only line (the "or" rule).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from analysis.errors import UserError
from analysis.schema import DEPRIVATIONS, DIMENSION_LABELS_VI

STANDARDS_PATH = Path(__file__).resolve().parents[2] / "data" / "reference" / "standards.yaml"
DEFAULT_STANDARD = "vn-2022-2025"
STATUS_ORDER = ("poor", "near_poor", "avg_living", "not_poor")


class Lines(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    rural: int
    urban: int

    def by_area(self, is_urban: np.ndarray) -> np.ndarray:
        return np.where(is_urban, self.urban, self.rural)


class Standard(BaseModel):
    """One poverty standard: lines, rule and indicators (see standards.yaml)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    name_vi: str
    legal_basis: str
    source: str
    rule: Literal["and", "or"]
    min_deprivations: int
    lines: Lines
    income_only_lines: Lines | None = None
    avg_living_lines: Lines | None = None
    score_lines: Lines | None = None
    points_per_deprivation: int = 10
    low_income_lines: Lines | None = None
    dimensions: dict[str, list[str]]
    labels_vi: dict[str, str] = {}
    unverified: list[str] = []

    @model_validator(mode="after")
    def _rule_matches_lines(self) -> Standard:
        if (self.rule == "or") != (self.income_only_lines is not None):
            raise ValueError("rule 'or' needs income_only_lines, rule 'and' must not have them")
        return self

    @property
    def indicators(self) -> tuple[str, ...]:
        return tuple(c for cols in self.dimensions.values() for c in cols)

    def dimension_of(self, indicator: str) -> str:
        return next(d for d, cols in self.dimensions.items() if indicator in cols)

    def weights(self) -> dict[str, float]:
        """Nested equal weights: each dimension 1/D, split equally among its indicators."""
        n_dims = len(self.dimensions)
        return {c: 1 / n_dims / len(cols) for cols in self.dimensions.values() for c in cols}

    def label_vi(self, indicator: str) -> str:
        known = {c: label for c, _, label in DEPRIVATIONS}
        return self.labels_vi.get(indicator) or known.get(indicator, indicator)

    @staticmethod
    def dimension_label_vi(dimension: str) -> str:
        return DIMENSION_LABELS_VI.get(dimension, dimension)

    def is_verified(self, field: str) -> bool:
        return field not in self.unverified


@lru_cache(maxsize=4)
def load_standards(path: Path = STANDARDS_PATH) -> dict[str, Standard]:
    """All standards of the reference file, by id; a bad file raises UserError naming it."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        items = [Standard.model_validate(s) for s in raw["standards"]]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise UserError(f"{path}: không đọc được bảng chuẩn nghèo ({exc})") from None
    except ValidationError as exc:
        raise UserError(f"{path}: bảng chuẩn nghèo không hợp lệ\n{exc}") from None
    return {s.id: s for s in items}


def get_standard(standard: Standard | str = DEFAULT_STANDARD) -> Standard:
    if isinstance(standard, Standard):
        return standard
    known = load_standards()
    if standard not in known:
        raise UserError(
            f"Chuẩn nghèo '{standard}' không có trong {STANDARDS_PATH.name} "
            f"(có: {', '.join(known)})"
        )
    return known[standard]


_DEFAULT = get_standard(DEFAULT_STANDARD)
LINE_RURAL_VND = _DEFAULT.lines.rural
LINE_URBAN_VND = _DEFAULT.lines.urban
MIN_DEPRIVATIONS = _DEFAULT.min_deprivations


def deprivation_matrix(households: pd.DataFrame, standard: Standard | str = DEFAULT_STANDARD):
    """Households x indicators as a bool array (missing flags count as not deprived)."""
    std = get_standard(standard)
    missing = [c for c in std.indicators if c not in households.columns]
    if missing:
        raise UserError(
            f"Bảng hộ thiếu cột chỉ số thiếu hụt của chuẩn {std.id}: {', '.join(missing)}"
        )
    if "has_indicator_flags" in households.columns and not households["has_indicator_flags"].all():
        raise UserError(
            "Bảng hộ có hộ chỉ ghi số chỉ số thiếu hụt (không ghi từng chỉ số): lọc bằng "
            "measures.with_indicator_flags trước khi tính theo từng chỉ số"
        )
    columns = [households[c].fillna(False).to_numpy(dtype=bool) for c in std.indicators]
    return np.column_stack(columns) if columns else np.zeros((len(households), 0), dtype=bool)


def count_deprivations(
    households: pd.DataFrame, standard: Standard | str = DEFAULT_STANDARD
) -> np.ndarray:
    return deprivation_matrix(households, standard).sum(axis=1, dtype=np.int16)


def _income_values(households: pd.DataFrame, column: str) -> np.ndarray:
    if column not in households.columns:
        return np.full(len(households), np.nan)
    return pd.to_numeric(households[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def income_position(households: pd.DataFrame, standard: Standard | str = DEFAULT_STANDARD):
    """(known, at_or_below_line, at_or_below_income_only_line) per household.

    Income per person decides when given; otherwise the review's income score A
    against the standard's score lines; `known` is False when neither is available.
    """
    std = get_standard(standard)
    if "income_pc_vnd" not in households and "income_score" not in households:
        raise UserError("Bảng hộ cần cột thu nhập bình quân (income_pc_vnd) hoặc điểm A")
    urban = households["is_urban"].fillna(False).to_numpy(dtype=bool)
    income = _income_values(households, "income_pc_vnd")
    score = _income_values(households, "income_score")
    has_income = ~np.isnan(income)
    below = has_income & (income <= std.lines.by_area(urban))
    known = has_income.copy()
    if std.score_lines is not None:
        by_score = ~has_income & ~np.isnan(score)
        below |= by_score & (score <= std.score_lines.by_area(urban))
        known |= by_score
    only = np.zeros(len(households), dtype=bool)
    if std.income_only_lines is not None:
        only = has_income & (income <= std.income_only_lines.by_area(urban))
    return known, below, only


def _status_codes(households: pd.DataFrame, std: Standard, living_standard: bool) -> np.ndarray:
    """Codes into STATUS_ORDER (0 poor … 3 not poor), -1 where income is unknown."""
    known, below, only = income_position(households, std)
    deprived = count_deprivations(households, std) >= std.min_deprivations
    poor = only | (below & deprived)
    codes = np.where(poor, 0, np.where(below, 1, 3)).astype(np.int8)
    if living_standard and std.avg_living_lines is not None:
        urban = households["is_urban"].fillna(False).to_numpy(dtype=bool)
        income = _income_values(households, "income_pc_vnd")
        avg = (codes == 3) & (income <= std.avg_living_lines.by_area(urban))
        codes[avg] = 2
    codes[~known] = -1
    return codes


def _as_status(codes: np.ndarray, index: pd.Index) -> pd.Series:
    labels = np.array(STATUS_ORDER, dtype=object)[np.clip(codes, 0, 3)]
    status = pd.Series(labels, index=index, name="status", dtype="string")
    return status.mask(codes < 0)


def classify(households: pd.DataFrame, standard: Standard | str = DEFAULT_STANDARD) -> pd.Series:
    """Status under the standard: 'poor', 'near_poor' or 'not_poor' (<NA>: no income data)."""
    std = get_standard(standard)
    return _as_status(_status_codes(households, std, living_standard=False), households.index)


def classify_living_standard(
    households: pd.DataFrame, standard: Standard | str = DEFAULT_STANDARD
) -> pd.Series:
    """Like `classify`, with 'avg_living' (average living standard) split from 'not_poor'.

    Needs the income figure: households known only by score stay 'not_poor'.
    """
    std = get_standard(standard)
    return _as_status(_status_codes(households, std, living_standard=True), households.index)


def low_income_flag(
    households: pd.DataFrame, standard: Standard | str = DEFAULT_STANDARD
) -> pd.Series:
    """Decree 30/2025 low income: above the poor/near-poor class, income <= low-income line."""
    std = get_standard(standard)
    if std.low_income_lines is None:
        return pd.Series(pd.NA, index=households.index, dtype="boolean", name="is_low_income")
    codes = _status_codes(households, std, living_standard=False)
    urban = households["is_urban"].fillna(False).to_numpy(dtype=bool)
    income = _income_values(households, "income_pc_vnd")
    flag = (codes == 3) & (income <= std.low_income_lines.by_area(urban))
    out = pd.Series(flag, index=households.index, dtype="boolean", name="is_low_income")
    return out.mask(np.isnan(income))
