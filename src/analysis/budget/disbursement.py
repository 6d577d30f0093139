"""Disbursement: the optional sheet of amounts disbursed per commune × envelope (project and
source), read through the ingest readers (table kind `disbursement`), against the allocation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.budget.beneficiaries import _project
from analysis.budget.rules import Rules
from analysis.errors import UserError
from analysis.ingest.collect import collect_tables
from analysis.ingest.problems import ProblemLog
from analysis.ingest.values import parse_number
from analysis.vietnamese import ascii_key


def read_disbursement(path: Path, rules: Rules) -> pd.DataFrame:
    """Rows (commune_code, envelope, disbursed_million_vnd) of the budget year; raises
    UserError naming file, row and column for what cannot be used."""
    log = ProblemLog()
    tables = collect_tables(Path(path), ("disbursement",), log, "bảng giải ngân")
    problems = log.frame()
    errors = [
        f"{r.file}: {r.message}" for r in problems[problems["severity"] == "fatal"].itertuples()
    ]
    by_source = {ascii_key(c): c for c in rules.source_names}
    by_source.update({ascii_key(n): c for c, n in rules.source_names.items()})
    keys = {e.key for e in rules.envelopes}
    parts = []
    for t in tables:
        d = t.table.data
        if "commune_code" not in d or "source" not in d:
            errors.append(f"{t.file}, trang '{t.sheet}': cần cột 'Mã xã' và 'Nguồn vốn'.")
            continue
        amount, bad = parse_number(d["disbursed_million_vnd"])
        year = (
            parse_number(d["year"])[0]
            if "year" in d
            else pd.Series(rules.budget_year, index=d.index)
        )
        label = t.table.labels["disbursed_million_vnd"]
        for r in d.loc[bad, "_row"]:
            errors.append(f"{t.file}, dòng {int(r)}, cột '{label}': không phải số.")
        source = d["source"].map(lambda v: by_source.get(ascii_key(str(v)), str(v)))
        env = d["project"].map(_project) + " · " + source
        # rows of other budget years (a sheet kept over several years) are not this run's
        in_year = (year.isna() | (year == rules.budget_year)).to_numpy()
        for r, e, mine in zip(d["_row"], env, in_year, strict=True):
            if mine and e not in keys and len(errors) < 50:
                errors.append(
                    f"{t.file}, dòng {int(r)}: dự án và nguồn '{e}' không có trong các nguồn vốn "
                    f"năm {rules.budget_year}."
                )
        parts.append(
            pd.DataFrame(
                {
                    "year": year.to_numpy(),
                    "commune_code": d["commune_code"].map(lambda v: str(v).strip()).to_numpy(),
                    "envelope": env.to_numpy(),
                    "disbursed_million_vnd": amount.to_numpy(),
                }
            )
        )
    if errors:
        raise UserError("Bảng giải ngân không dùng được:\n  - " + "\n  - ".join(errors[:20]))
    if not parts:
        return pd.DataFrame(columns=["commune_code", "envelope", "disbursed_million_vnd"])
    out = pd.concat(parts, ignore_index=True)
    out = out[out["year"].fillna(rules.budget_year) == rules.budget_year]
    return out.groupby(["commune_code", "envelope"], as_index=False)["disbursed_million_vnd"].sum()


def disbursement_table(
    long: pd.DataFrame, disbursed: pd.DataFrame, criteria: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per commune × envelope, per commune): allocated, disbursed, rate, remaining; per
    commune also the money disbursed per household that left poverty in the year."""
    detail = long[["envelope", "project", "source_name", "commune_code", "commune_name",
                   "amount_million_vnd"]].merge(disbursed, on=["commune_code", "envelope"], how="left")  # fmt: skip
    detail["disbursed_million_vnd"] = detail["disbursed_million_vnd"].fillna(0.0)
    detail["remaining_million_vnd"] = detail["amount_million_vnd"] - detail["disbursed_million_vnd"]
    detail["rate"] = detail["disbursed_million_vnd"] / detail["amount_million_vnd"].where(
        detail["amount_million_vnd"] > 0
    )
    commune = detail.groupby(["commune_code", "commune_name"], as_index=False, sort=False)[
        ["amount_million_vnd", "disbursed_million_vnd", "remaining_million_vnd"]
    ].sum()
    commune["rate"] = commune["disbursed_million_vnd"] / commune["amount_million_vnd"].where(
        commune["amount_million_vnd"] > 0
    )
    escaped = criteria.set_index("commune_code")["n_newly_escaped"]
    commune["n_newly_escaped"] = commune["commune_code"].map(escaped)
    commune["million_vnd_per_escaped_household"] = np.where(
        commune["n_newly_escaped"] > 0,
        commune["disbursed_million_vnd"]
        / commune["n_newly_escaped"].where(commune["n_newly_escaped"] > 0),
        np.nan,
    )
    return detail, commune
