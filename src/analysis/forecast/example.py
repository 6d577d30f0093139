"""A small simulated commune x year indicator table, for tests, benchmarks and examples.

Counts follow a three-state flow (poor, near-poor, other) with commune-specific rates;
the dynamics columns reconcile (start - exits + entries = end). Not the sample district
(analysis.synthetic builds that); this is a compact stand-in with the same columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.schema import DYNAMICS_COLUMNS

# Mean yearly transition rates: poor->near-poor, poor->other, near->poor, near->other,
# other->poor, other->near-poor.
YEAR_SD = 0.15  # logit-scale yearly shocks (common and per commune)
MEAN_RATES = {"pq": 0.14, "po": 0.12, "qp": 0.04, "qo": 0.16, "op": 0.004, "oq": 0.012}


def _flows(rng, p, q, o, rates):
    pq = rng.binomial(p, rates["pq"])
    po = rng.binomial(p - pq, rates["po"])
    qp = rng.binomial(q, rates["qp"])
    qo = rng.binomial(q - qp, rates["qo"])
    op = rng.binomial(o, rates["op"])
    oq = rng.binomial(o - op, rates["oq"])
    return pq, po, qp, qo, op, oq


def _dynamics_row(rng, p, q, flows) -> dict:
    pq, po, qp, qo, op, oq = flows
    po_other = rng.binomial(po, 0.1)
    qo_other = rng.binomial(qo, 0.1)
    op_relapsed = rng.binomial(op, 0.4)
    oq_relapsed = rng.binomial(oq, 0.3)
    values = (
        (p, pq, po - po_other, po_other, qp, op_relapsed, op - op_relapsed, 0, p - pq - po + qp + op),
        (q, qp, qo - qo_other, qo_other, pq, oq_relapsed, oq - oq_relapsed, 0, q - qp - qo + pq + oq),
    )  # fmt: skip
    return dict(zip(DYNAMICS_COLUMNS, (int(v) for v in values[0] + values[1]), strict=True))


def example_indicators(
    n_communes: int = 22,
    years: range | list[int] = range(2021, 2025),
    seed: int = 0,
    codes: list[str] | None = None,
    vintage: int = 2024,
) -> pd.DataFrame:
    """One row per (year, commune): counts, rates and reconciled list dynamics."""
    rng = np.random.default_rng(seed)
    codes = codes or [str(18100 + 3 * i) for i in range(n_communes)]
    n = rng.integers(800, 3500, size=len(codes))
    p = (n * rng.uniform(0.03, 0.16, len(codes))).astype(int)
    q = (n * rng.uniform(0.04, 0.10, len(codes))).astype(int)
    commune_rates = {
        k: np.clip(m * rng.lognormal(0, 0.3, len(codes)), 0, 0.9) for k, m in MEAN_RATES.items()
    }
    rows = []
    for k, year in enumerate(years):
        for i, code in enumerate(codes):
            row = {"year": year, "commune_code": code, "n_households": int(n[i])}
            if k == 0:
                row |= {c: np.nan for c in DYNAMICS_COLUMNS}
            else:
                shock = rng.normal(0, YEAR_SD)  # district-wide year effect
                yearly = {
                    r: 1 / (1 + (1 - v[i]) / v[i] * np.exp(-shock - rng.normal(0, YEAR_SD)))
                    for r, v in commune_rates.items()
                }
                flows = _flows(rng, p[i], q[i], n[i] - p[i] - q[i], yearly)
                row |= _dynamics_row(rng, p[i], q[i], flows)
                n[i] = int(n[i] * rng.uniform(1.0, 1.02))
                p[i], q[i] = row["n_poor_end"], row["n_near_poor_end"]
                row["n_households"] = int(n[i])
            rows.append(row | {"n_poor": int(p[i]), "n_near_poor": int(q[i])})
    df = pd.DataFrame(rows)
    df.insert(1, "unit_vintage", vintage)
    df.insert(3, "commune_name", [f"Xã {c}" for c in df["commune_code"]])
    df["n_persons"] = (df["n_households"] * 3.6).round().astype("Int64")
    df["poor_rate"] = df["n_poor"] / df["n_households"]
    df["near_poor_rate"] = df["n_near_poor"] / df["n_households"]
    df["multidim_rate"] = (df["n_poor"] + df["n_near_poor"]) / df["n_households"]
    df["commune_code"] = df["commune_code"].astype("string")
    return df
