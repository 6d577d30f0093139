"""Split every envelope across communes; tables by project, commune and source; scenarios."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.budget.apportion import apportion
from analysis.budget.criteria import check_names, label
from analysis.budget.rules import Envelope, Rules
from analysis.errors import UserError

LONG_COLUMNS = ["envelope", "project", "project_name", "source", "source_name", "commune_code",
                "commune_name", "share", "amount_exact_million_vnd", "amount_million_vnd"]  # fmt: skip


def envelope_shares(env: Envelope, criteria: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Each commune's weighted share Σ_k w_k x_ck / Σ_c x_ck (excluded communes 0) and the
    criteria that had no value anywhere (their weight goes back to the others)."""
    check_names(list(env.criteria), f"Nguồn '{env.key}'")
    eligible = ~criteria["commune_code"].isin(env.excluded).to_numpy()
    total_w = sum(env.criteria.values())
    share = np.zeros(len(criteria))
    empty = []
    for name, weight in env.criteria.items():
        x = pd.to_numeric(criteria[name], errors="coerce").to_numpy(dtype=float)
        if np.isnan(x).all():
            raise UserError(
                f"Nguồn '{env.key}': tiêu chí '{label(name)}' cần danh sách hộ của năm, "
                "năm này không có; chọn tiêu chí khác."
            )
        x = np.where(eligible, np.nan_to_num(x), 0.0)
        if x.sum() <= 0:
            empty.append(name)
            continue
        share += weight / total_w * x / x.sum()
    if share.sum() > 0:
        share = share / share.sum()
    return share, empty


def allocate(rules: Rules, criteria: pd.DataFrame) -> pd.DataFrame:
    """Long table: one row per envelope × commune (excluded communes 0), whole million VND."""
    rows = []
    for env in rules.envelopes:
        share, _ = envelope_shares(env, criteria)
        eligible = ~criteria["commune_code"].isin(env.excluded).to_numpy()
        n = int(eligible.sum())
        floors = np.zeros(len(criteria), dtype=np.int64)
        floors[eligible] = env.floor
        caps = np.zeros(len(criteria), dtype=np.int64)
        caps[eligible] = env.cap if env.cap is not None else env.amount
        if n == 0 and env.amount:
            raise UserError(f"Nguồn '{env.key}': mọi xã đều bị loại, không phân bổ được.")
        amounts = apportion(share, env.amount, floors, caps, f"{env.key} – {env.project_name}")
        part = pd.DataFrame(
            {
                "envelope": env.key,
                "project": env.project,
                "project_name": env.project_name,
                "source": env.source,
                "source_name": env.source_name,
                "commune_code": criteria["commune_code"].to_numpy(),
                "commune_name": criteria["commune_name"].to_numpy(),
                "share": share,
                "amount_exact_million_vnd": share * env.amount,
                "amount_million_vnd": amounts.astype("int64"),
            }
        )
        rows.append(part)
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=LONG_COLUMNS)
    check_exact(out, rules)
    return out


def check_exact(long: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Each envelope's and each source's allocated sum against its amount; raises if any differ."""
    table = exactness(long, rules)
    bad = table[table["difference"] != 0]
    if len(bad):
        raise AssertionError(f"allocation totals differ: {bad.to_dict('records')}")
    return table


def exactness(long: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Proof table: per envelope and per source, the amount, the sum over communes, difference."""
    got = long.groupby("envelope")["amount_million_vnd"].sum()
    rows = [
        {"level": "envelope", "key": e.key, "name": e.project_name, "amount": e.amount,
         "allocated": int(got.get(e.key, 0))}
        for e in rules.envelopes
    ]  # fmt: skip
    by_source: dict[str, int] = {}
    for e in rules.envelopes:
        by_source[e.source] = by_source.get(e.source, 0) + e.amount
    got_s = long.groupby("source")["amount_million_vnd"].sum()
    rows += [
        {"level": "source", "key": s, "name": rules.source_names.get(s, s), "amount": a,
         "allocated": int(got_s.get(s, 0))}
        for s, a in by_source.items()
    ]  # fmt: skip
    out = pd.DataFrame(rows)
    out["difference"] = out["allocated"] - out["amount"]
    return out


def by_commune(long: pd.DataFrame, criteria: pd.DataFrame) -> pd.DataFrame:
    """Wide: one row per commune, one column per envelope, the total, and per poor household."""
    wide = long.pivot_table(
        index=["commune_code", "commune_name"], columns="envelope",
        values="amount_million_vnd", aggfunc="sum", sort=False,
    ).reset_index()  # fmt: skip
    wide.columns.name = None
    envs = list(dict.fromkeys(long["envelope"]))
    wide["amount_million_vnd"] = wide[envs].sum(axis=1).astype("int64")
    wide = wide.merge(criteria[["commune_code", "n_poor", "n_newly_escaped"]], on="commune_code")
    total = wide["amount_million_vnd"].sum()
    wide["share"] = wide["amount_million_vnd"] / total if total else 0.0
    wide["million_vnd_per_poor_household"] = wide["amount_million_vnd"] / wide["n_poor"].where(
        wide["n_poor"] > 0
    )
    return wide


def _by_source_columns(long: pd.DataFrame, index: list[str]) -> pd.DataFrame:
    """`index` rows × one column per source (million VND), and their total."""
    t = long.pivot_table(
        index=index, columns="source_name",
        values="amount_million_vnd", aggfunc="sum", sort=False,
    ).reset_index()  # fmt: skip
    t.columns.name = None
    srcs = list(dict.fromkeys(long["source_name"]))
    t[srcs] = t[srcs].fillna(0).astype("int64")
    t["Tổng"] = t[srcs].sum(axis=1)
    return t


def by_project(long: pd.DataFrame) -> pd.DataFrame:
    """Project × source amounts (million VND)."""
    return _by_source_columns(long, ["project", "project_name"])


def by_source(long: pd.DataFrame) -> pd.DataFrame:
    """Commune × source amounts (million VND)."""
    return _by_source_columns(long, ["commune_code", "commune_name"])


def criteria_weights(rules: Rules) -> pd.DataFrame:
    """The criteria and weights used by every envelope (weights normalised to 100%)."""
    rows = []
    for e in rules.envelopes:
        total = sum(e.criteria.values())
        for name, w in e.criteria.items():
            rows.append(
                {
                    "envelope": e.key,
                    "project": e.project,
                    "project_name": e.project_name,
                    "source": e.source_name,
                    "amount_million_vnd": e.amount,
                    "criterion": name,
                    "criterion_label": label(name),
                    "weight": w / total if total else 0.0,
                    "min_per_commune": e.floor,
                    "max_per_commune": e.cap,
                    "excluded": ", ".join(e.excluded),
                    "counterpart": e.derived,
                }
            )
    return pd.DataFrame(rows)


def compare(base: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """Per commune: the two scenarios' totals, the change in million VND and in %."""
    a = base.groupby(["commune_code", "commune_name"], sort=False)["amount_million_vnd"].sum()
    b = other.groupby(["commune_code", "commune_name"], sort=False)["amount_million_vnd"].sum()
    out = pd.DataFrame({"base_million_vnd": a, "scenario_million_vnd": b.reindex(a.index)})
    out = out.reset_index()
    out["change_million_vnd"] = out["scenario_million_vnd"] - out["base_million_vnd"]
    out["change_pct"] = out["change_million_vnd"] / out["base_million_vnd"].where(
        out["base_million_vnd"] > 0
    )
    return out


def run_scenarios(
    rules: Rules, criteria: pd.DataFrame, names: list[str]
) -> dict[str, pd.DataFrame]:
    """Long allocation of the base scenario and of each named one (by name), base first."""
    out = {rules.base.name: allocate(rules.apply(rules.base), criteria)}
    for name in names:
        s = rules.scenario(name)
        if s.name not in out:
            out[s.name] = allocate(rules.apply(s), criteria)
    return out
