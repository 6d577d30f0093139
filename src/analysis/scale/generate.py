"""A synthetic country for benchmarks: N households across many provinces, streamed to parquet.

Vectorised (numpy over a chunk of communes at a time, never a Python object per household)
and streaming: each chunk of at most `chunk_rows` households (all its review years) is
generated, classified under the standard and written into the partitioned dataset
(`scale.layout`) before the next one, so memory stays bounded whatever N is. Chunks are
independent random streams (seed, chunk), so `workers` processes give the same files.

The units are synthetic (codes numbered from 01 / 001 / 00001, not GSO codes) and every
household is "dữ liệu mô phỏng". The model is a lighter cousin of `analysis.synthetic`:
log income = level + province + commune + urban premium + household effect + growth × t +
AR(1) shock; indicator k deprived when its latent score (prevalence from
data/reference/sample_deprivations.csv, the income gap, commune and household terms) > 0;
reported status = the standard's class, with a few poor <-> near-poor swaps. Between
reviews about 1 % of households leave and 1.3 % form (new ids).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy.stats import norm

from analysis.errors import UserError
from analysis.progress import bar as progress_bar
from analysis.scale.layout import PARTITION_SCHEMA, SORT, arrow_schema, write_partitioned
from analysis.schema import DEPRIVATION_COLUMNS, HOUSEHOLD_COLUMNS, PERSONAL_COLUMNS
from analysis.standard import DEFAULT_STANDARD, classify_living_standard
from analysis.synthetic.reference import read_csv

COMPLETE = "_complete.json"
VERSION = 2  # of the model below: a cached dataset of another version is not reused
LOG_INCOME_LEVEL = np.log(3_400_000)
URBAN_PREMIUM, GROWTH = 0.25, 0.06
HOUSEHOLD_SD, SHOCK_SD, SHOCK_RHO = 0.42, 0.25, 0.5
GAP_WEIGHT, PERSISTENT_SD, YEARLY_SD = 0.55, 0.8, 0.45
EXIT_RATE, ENTRY_RATE, SWAP_RATE = 0.010, 0.013, 0.002
OUTPUT_COLUMNS = (
    "district_code",
    *(c.name for c in HOUSEHOLD_COLUMNS if c.name not in PERSONAL_COLUMNS),
)


@dataclass(frozen=True)
class CountrySpec:
    households: int  # households of the first review year
    provinces: int = 63
    years: tuple[int, ...] = (2024,)
    seed: int = 20240101
    standard: str = DEFAULT_STANDARD
    vintage: int = 2024
    chunk_rows: int = 500_000  # also sets the random streams: part of the data's identity

    def key(self) -> dict:
        return {**asdict(self), "years": list(self.years), "version": VERSION}


def units(spec: CountrySpec) -> pd.DataFrame:
    """One row per commune: codes, households and the commune's propensities."""
    if spec.households < 1 or spec.provinces < 1:
        raise UserError("Số hộ và số tỉnh của dữ liệu mô phỏng phải lớn hơn 0")
    rng = np.random.default_rng([spec.seed, 0])
    n_districts = 6 + rng.poisson(5, spec.provinces)
    province_of_district = np.repeat(np.arange(spec.provinces), n_districts)
    n_communes = 8 + rng.poisson(7, len(province_of_district))
    district = np.repeat(np.arange(len(province_of_district)), n_communes)
    province = province_of_district[district]
    weight = rng.lognormal(0, 0.5, len(district))
    n_households = rng.multinomial(spec.households, weight / weight.sum())
    province_effect = rng.normal(0, 0.20, spec.provinces)[province]
    return pd.DataFrame(
        {
            "province_code": [f"{p + 1:02d}" for p in province],
            "district_code": [f"{d + 1:03d}" for d in district],
            "commune_code": [f"{c + 1:05d}" for c in range(len(district))],
            "n_households": n_households,
            "income_effect": province_effect + rng.normal(0, 0.25, len(district)),
            "deprivation_effect": rng.normal(0, 0.35, len(district)),
            "urban_share": rng.beta(0.6, 4.0, len(district)),
            "minority_share": rng.beta(0.3, 3.0, len(district)),
        }
    )


def chunks(table: pd.DataFrame, max_rows: int) -> list[tuple[int, int]]:
    """(first, end) row ranges of communes holding at most `max_rows` households each."""
    bounds, start, rows = [], 0, 0
    for i, n in enumerate(table["n_households"].to_numpy()):
        if rows and rows + n > max_rows:
            bounds.append((start, i))
            start, rows = i, 0
        rows += int(n)
    bounds.append((start, len(table)))
    return bounds


def _levels() -> np.ndarray:
    prevalence = read_csv("sample_deprivations.csv").set_index("column")["prevalence"]
    p = prevalence.reindex(list(DEPRIVATION_COLUMNS)).astype(float).to_numpy()
    sd = np.sqrt(GAP_WEIGHT**2 + PERSISTENT_SD**2 + YEARLY_SD**2 + 0.35**2)
    return norm.ppf(p) * sd


def generate_chunk(spec: CountrySpec, communes: pd.DataFrame, index: int) -> pa.Table:
    """Every household of `communes`, for every year of `spec`, as one arrow table."""
    rng = np.random.default_rng([spec.seed, 1, index])
    levels = _levels()
    unit = np.repeat(np.arange(len(communes)), communes["n_households"].to_numpy())
    n = len(unit)
    serial0 = int(communes["serial0"].iloc[0])
    state = {
        "unit": unit,
        "id": np.arange(serial0, serial0 + n, dtype=np.int64),
        "urban": rng.random(n) < communes["urban_share"].to_numpy()[unit],
        "members": 1 + rng.binomial(7, 0.4, n),
        "effect": rng.normal(0, HOUSEHOLD_SD, n),
        "shock": rng.normal(0, SHOCK_SD, n),
        "persistent": rng.normal(0, PERSISTENT_SD, (n, len(levels))).astype(np.float32),
        "minority": rng.random(n) < communes["minority_share"].to_numpy()[unit],
        "protection": rng.random(n) < 0.02,
        "merit": rng.random(n) < 0.01,
        "female": rng.random(n) < 0.25,
    }
    next_id = int(communes["serial_new0"].iloc[0])
    tables = []
    for t, year in enumerate(spec.years):
        if t:
            state, next_id = _advance(rng, state, communes, levels, next_id)
        tables.append(_observe(rng, spec, communes, state, levels, year, t))
    return pa.concat_tables(tables)


def _advance(rng, state: dict, communes: pd.DataFrame, levels: np.ndarray, next_id):
    """One year on: households leave, shocks evolve, sizes change, new households form."""
    n = len(state["unit"])
    stay = rng.random(n) >= EXIT_RATE
    state = {k: v[stay] for k, v in state.items()}
    n = len(state["unit"])
    state["shock"] = SHOCK_RHO * state["shock"] + np.sqrt(1 - SHOCK_RHO**2) * rng.normal(
        0, SHOCK_SD, n
    )
    state["members"] = np.clip(state["members"] + rng.choice([-1, 0, 1], n, p=[.05, .89, .06]),
                               1, 12)  # fmt: skip
    m = rng.binomial(n, ENTRY_RATE)
    unit = np.sort(rng.choice(len(communes), m, p=np.bincount(state["unit"],
                   minlength=len(communes)) / max(n, 1)))  # fmt: skip
    new = {
        "unit": unit,
        "id": np.arange(next_id, next_id + m, dtype=np.int64),
        "urban": rng.random(m) < communes["urban_share"].to_numpy()[unit],
        "members": 1 + rng.binomial(4, 0.4, m),
        "effect": rng.normal(-0.1, HOUSEHOLD_SD, m),
        "shock": rng.normal(0, SHOCK_SD, m),
        "persistent": rng.normal(0, PERSISTENT_SD, (m, len(levels))).astype(np.float32),
        "minority": rng.random(m) < communes["minority_share"].to_numpy()[unit],
        "protection": rng.random(m) < 0.01,
        "merit": np.zeros(m, dtype=bool),
        "female": rng.random(m) < 0.25,
    }
    return {k: np.concatenate([state[k], new[k]]) for k in state}, next_id + m


def _observe(rng, spec: CountrySpec, communes: pd.DataFrame, state: dict, levels, year, t):
    unit, n = state["unit"], len(state["unit"])
    log_income = (
        LOG_INCOME_LEVEL
        + communes["income_effect"].to_numpy()[unit]
        + URBAN_PREMIUM * state["urban"]
        + state["effect"]
        + GROWTH * t
        + state["shock"]
    )
    income = np.round(np.exp(log_income), -3)
    gap = -(state["effect"] + state["shock"]) / np.hypot(HOUSEHOLD_SD, SHOCK_SD)
    latent = (
        levels[None, :] - 0.08 * t
        + (communes["deprivation_effect"].to_numpy()[unit] + GAP_WEIGHT * gap)[:, None]
        + state["persistent"]
        + rng.normal(0, YEARLY_SD, (n, len(levels))).astype(np.float32)
    )  # fmt: skip
    deprived = latent > 0
    frame = pd.DataFrame({c: deprived[:, j] for j, c in enumerate(DEPRIVATION_COLUMNS)})
    frame["is_urban"] = state["urban"]
    frame["income_pc_vnd"] = income
    status = classify_living_standard(frame, spec.standard).to_numpy(dtype=object)
    listed = np.flatnonzero((status == "poor") | (status == "near_poor"))
    swap = listed[rng.random(len(listed)) < SWAP_RATE]
    status[swap] = np.where(status[swap] == "poor", "near_poor", "poor")
    ids = pc.utf8_lpad(pa.array(state["id"]).cast(pa.string()), 10, "0")
    columns = {
        "household_id": pc.binary_join_element_wise("H", ids, ""),
        "unit_vintage": pa.array(np.full(n, spec.vintage, dtype=np.int16)),
        "n_members": pa.array(state["members"].astype(np.int16)),
        "income_score": pa.nulls(n, pa.float64()),
        "n_deprivations": pa.array(deprived.sum(axis=1).astype(np.int8)),
        "has_indicator_flags": pa.array(np.ones(n, dtype=bool)),
        "reported_status": pa.array(status, type=pa.string()),
        "is_social_protection": pa.array(state["protection"]),
        "is_ethnic_minority": pa.array(state["minority"]),
        "is_merit": pa.array(state["merit"]),
        "is_female_head": pa.array(state["female"]),
    }
    for c in ("is_urban", "income_pc_vnd", *DEPRIVATION_COLUMNS):
        columns[c] = pa.array(frame[c].to_numpy())
    for key in ("district_code", "commune_code"):
        columns[key] = pa.array(communes[key].to_numpy(dtype=object)[unit])
    schema = arrow_schema(c for c in OUTPUT_COLUMNS if c in columns)
    table = pa.table({c: columns[c] for c in schema.names}).cast(schema)
    keys = {
        "province_code": communes["province_code"].to_numpy(dtype=object)[unit],
        "year": np.full(n, year, dtype=np.int32),
    }
    for key in PARTITION_SCHEMA.names:
        table = table.append_column(PARTITION_SCHEMA.field(key),
                                    pa.array(keys[key], type=PARTITION_SCHEMA.field(key).type))  # fmt: skip
    return table


def _write_chunk(args: tuple) -> int:
    spec, communes, index, root = args
    table = generate_chunk(spec, communes, index).sort_by([(k, "ascending") for k in SORT])
    write_partitioned(table, root, f"c{index:05d}")
    return table.num_rows


def generate_country(
    root: str | Path,
    spec: CountrySpec,
    *,
    workers: int = 1,
    progress: bool = True,
) -> Path:
    """Write the synthetic country of `spec` under `root` (reused when already complete)."""
    root = Path(root)
    marker = root / COMPLETE
    if marker.exists() and json.loads(marker.read_text()) == spec.key():
        return root
    if root.exists() and any(root.iterdir()):
        raise UserError(
            f"{root}: thư mục đã có dữ liệu khác (không ghi đè); chọn thư mục trống hoặc xóa nó"
        )
    table = units(spec)
    n_ids = int(table["n_households"].sum())
    table["serial0"] = np.concatenate([[0], np.cumsum(table["n_households"].to_numpy())[:-1]])
    bounds = chunks(table, spec.chunk_rows)
    # ids of households formed later: a disjoint range per chunk
    room = [int(table["n_households"].iloc[a:b].sum()) for a, b in bounds]
    new0 = n_ids + np.concatenate([[0], np.cumsum(room)[:-1]])
    jobs = []
    for i, (a, b) in enumerate(bounds):
        part = table.iloc[a:b].assign(serial_new0=int(new0[i]))
        jobs.append((spec, part.reset_index(drop=True), i, root))
    bar = progress_bar(total=spec.households, desc="Tạo dữ liệu mô phỏng", unit="hộ",
                       unit_scale=True, enabled=progress, delay=0)  # fmt: skip
    with bar:
        if workers <= 1:
            for job in jobs:
                _write_chunk(job)
                bar.update(int(job[1]["n_households"].sum()))
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                for job, _ in zip(jobs, pool.map(_write_chunk, jobs), strict=True):
                    bar.update(int(job[1]["n_households"].sum()))
    marker.write_text(json.dumps(spec.key()))
    return root


def parse_years(text: str | Sequence[int]) -> tuple[int, ...]:
    """'2023,2024' or '2021-2024' -> (years...)."""
    if not isinstance(text, str):
        return tuple(int(y) for y in text)
    if "-" in text:
        first, last = (int(x) for x in text.split("-", 1))
        return tuple(range(first, last + 1))
    return tuple(int(y) for y in text.split(",") if y.strip())
