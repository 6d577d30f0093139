"""The rejects table and the per-file counts: every row read is accepted or rejected."""

from __future__ import annotations

import pandas as pd

from analysis import schema
from analysis.ingest.validate import META, display_value


def make_rejects(raw: pd.DataFrame, errors: pd.DataFrame, table: str) -> pd.DataFrame:
    """One row per rejected row: where, why, and its non-personal values as written."""
    if errors.empty:
        return pd.DataFrame()
    reasons = (
        (errors["column"].astype(str) + ": " + errors["message"].astype(str))
        .groupby(errors["_id"])
        .agg("; ".join)
    )
    values = raw.loc[reasons.index].drop(columns=[c for c in schema.PERSONAL_COLUMNS if c in raw])
    out = pd.DataFrame(
        {
            "table": table,
            "file": values["_file"],
            "sheet": values["_sheet"],
            "row": values["_row"].astype("int64"),
            "reason": reasons,
        }
    )
    rest = values.drop(columns=[c for c in META if c in values]).map(
        lambda v: display_value(v) or None
    )
    return pd.concat([out, rest.astype("string")], axis=1).reset_index(drop=True)


def counts_by_file(raw: pd.DataFrame, errors: pd.DataFrame) -> pd.DataFrame:
    flag = pd.Series(raw.index.isin(errors["_id"].unique()), index=raw.index)
    out = flag.groupby([raw["_file"], raw["_sheet"]], sort=False).agg(["size", "sum"]).reset_index()
    out.columns = ["file", "sheet", "n_read", "n_rejected"]
    return out
