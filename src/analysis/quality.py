"""Checks of a run's figures before anyone reads them: the QA table of the briefing.

Each check says what was tested, how many cases failed and which; a check that
cannot run on the data at hand (e.g. the status audit on summary-table input) says
so. Nothing here changes a number: it flags what a planner should look at twice.

The names of the checks are stored in Vietnamese (the catalog's keys, analysis.i18n) and
translated where they are shown; details and sentences are written in the run's language.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.i18n import t
from analysis.measures import check_continuity, check_flows, district_indicators
from analysis.vietnamese import format_number

JUMP_PP = 3.0  # a commune's poor rate moving more than this in a year is flagged
QA_COLUMNS = ["check", "n_failed", "n_checked", "detail"]


def _row(check: str, failed: int, checked: int, detail: str = "") -> dict:
    return {"check": check, "n_failed": int(failed), "n_checked": int(checked), "detail": detail}


def _names(rows: pd.DataFrame, limit: int = 6) -> str:
    items = [f"{r.commune_name} ({int(r.year)})" for r in rows.head(limit).itertuples()]
    more = t(" và {n} trường hợp khác", n=len(rows) - limit) if len(rows) > limit else ""
    return ", ".join(items) + more


def rate_bounds(indicators: pd.DataFrame) -> dict:
    rates = indicators[["poor_rate", "near_poor_rate", "multidim_rate"]].to_numpy(dtype=float)
    bad = (rates < 0) | (rates > 1)
    over = indicators["n_poor"] + indicators["n_near_poor"] > indicators["n_households"]
    failed = indicators[bad.any(axis=1) | over.fillna(False).to_numpy(dtype=bool)]
    return _row(
        "Tỷ lệ trong khoảng 0–100% và số hộ nghèo + cận nghèo không vượt tổng số hộ",
        len(failed),
        len(indicators),
        _names(failed),
    )


def year_on_year_jumps(indicators: pd.DataFrame, jump_pp: float = JUMP_PP) -> dict:
    """Communes whose poor rate moved more than `jump_pp` points from the year before (same units)."""
    frame = indicators.sort_values(["unit_vintage", "commune_code", "year"])
    previous = frame.groupby(["unit_vintage", "commune_code"])["poor_rate"].shift()
    change = 100 * (frame["poor_rate"] - previous)
    checked = change.notna()
    failed = frame[checked & (change.abs() > jump_pp)]
    labels = [
        t("{commune} {change} điểm %", commune=name, change=format_number(delta, 1))
        for name, delta in zip(failed["commune_name"], change[failed.index], strict=True)
    ]
    detail = _names(failed.assign(commune_name=labels))
    return _row(
        t(
            "Tỷ lệ hộ nghèo của xã không thay đổi quá {points} điểm % trong một năm",
            points=format_number(jump_pp, 0),
        ),
        len(failed),
        int(checked.sum()),
        detail,
    )


def district_sum(indicators: pd.DataFrame, district: pd.DataFrame) -> dict:
    recomputed = district_indicators(indicators).set_index("year")
    shown = district.set_index("year")
    cols = ["n_households", "n_poor", "n_near_poor"]
    diff = (recomputed[cols] - shown.loc[recomputed.index, cols]).abs().sum(axis=1)
    failed = diff[diff > 0]
    return _row(
        "Số toàn huyện bằng tổng các xã",
        len(failed),
        len(diff),
        ", ".join(str(y) for y in failed.index),
    )


def flow_identity(indicators: pd.DataFrame) -> dict:
    with_flows = (
        indicators.dropna(subset=["n_poor_start"])
        if "n_poor_start" in indicators
        else indicators.iloc[:0]
    )
    if with_flows.empty:
        return _row(
            "Biến động cân đối: đầu kỳ − giảm + tăng = cuối kỳ",
            0,
            0,
            t("không có số liệu biến động"),
        )
    breaks = check_flows(with_flows)
    return _row(
        "Biến động cân đối: đầu kỳ − giảm + tăng = cuối kỳ",
        len(breaks),
        2 * len(with_flows),
        _names(
            breaks.merge(
                indicators[["year", "commune_code", "commune_name"]], on=["year", "commune_code"]
            )
        ),
    )


def continuity(indicators: pd.DataFrame, crosswalk: Mapping[str, str] | None) -> dict:
    with_flows = (
        indicators.dropna(subset=["n_poor_start"])
        if "n_poor_start" in indicators
        else indicators.iloc[:0]
    )
    if with_flows.empty:
        return _row("Đầu kỳ năm này bằng cuối kỳ năm trước", 0, 0, t("không có số liệu biến động"))
    gaps = check_continuity(indicators, crosswalk)
    named = gaps.merge(
        indicators[["year", "commune_code", "commune_name"]],
        on=["year", "commune_code"],
        how="left",
    )
    return _row(
        "Đầu kỳ năm này bằng cuối kỳ năm trước", len(gaps), 2 * len(with_flows), _names(named)
    )


def status_audit(audit: pd.DataFrame | None, n_households: int) -> dict:
    check = "Phân loại được báo cáo khớp với phân loại tính theo chuẩn"
    if audit is None:
        return _row(check, 0, 0, t("không có danh sách hộ: không đối chiếu được"))
    return _row(
        check,
        len(audit),
        n_households,
        t("danh sách từng hộ và lý do trong bảng audit") if len(audit) else "",
    )


def lists_present(indicators: pd.DataFrame) -> dict:
    """Communes with a resident total but no list (marked "thiếu số liệu", not 0 %)."""
    flag = indicators.get("is_missing_list", pd.Series(False, index=indicators.index))
    failed = indicators[flag.astype(bool)]
    return _row(
        "Mọi xã có tổng số hộ đều có danh sách hộ (xã thiếu danh sách: thiếu số liệu)",
        len(failed),
        len(indicators) if "is_missing_list" in indicators else 0,
        _names(failed),
    )


def quality_checks(
    indicators: pd.DataFrame,
    district: pd.DataFrame,
    crosswalk: Mapping[str, str] | None = None,
    audit: pd.DataFrame | None = None,
    n_audited: int = 0,
) -> pd.DataFrame:
    """The QA table: one row per check, with failures counted and named."""
    rows = [
        rate_bounds(indicators),
        district_sum(indicators, district),
        year_on_year_jumps(indicators),
        flow_identity(indicators),
        continuity(indicators, crosswalk),
        status_audit(audit, n_audited),
        lists_present(indicators),
    ]
    out = pd.DataFrame(rows, columns=QA_COLUMNS)
    out["n_failed"] = out["n_failed"].astype(np.int64)
    return out


def describe_quality(qa: pd.DataFrame) -> str:
    ran = qa[qa["n_checked"] > 0]
    flagged = ran[ran["n_failed"] > 0]
    if flagged.empty:
        return t("Cả {n} phép kiểm tra số liệu đều đạt.", n=len(ran))
    return t(
        "{n_passed}/{n} phép kiểm tra đạt; cần xem lại: {checks}.",
        n_passed=len(ran) - len(flagged),
        n=len(ran),
        checks="; ".join(
            t("{check} ({n} trường hợp)", check=t(r.check).lower(), n=format_number(r.n_failed))
            for r in flagged.itertuples()
        ),
    )
