"""The same aggregation beyond one machine: dask.dataframe over the parquet partitions.

    python -m analysis scale measure data/country --out outputs/country --dask
    python -m analysis scale measure data/country --out outputs/country --scheduler tcp://host:8786

Each partition (a file of a province and year) is reduced on a worker to the sums of
`engine.profile_sql` per commune and year, with the standard's own numpy rules
(`analysis.standard.income_position`, the indicator flags, the nested weights in integer
units); the partial sums are added up by dask. Flows between reviews are an outer merge of
two years on `household_id` (shuffled by dask), counted per partition by the pandas
measures' own `_count_pair`. The tables are then built exactly as on one machine
(`scale.tables`), so the figures are equal (tests compare them).

Without `scheduler` a LocalCluster of `workers` processes is started for the call. With a
scheduler address, every worker must read the dataset at the same path (shared disk or
object store).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import UserError
from analysis.scale.engine import KEYS, Profile, _by_standard, _typed
from analysis.scale.expressions import weight_units
from analysis.scale.flows import dynamics_table
from analysis.scale.layout import PARTITION_SCHEMA, files_of
from analysis.schema import DYNAMICS_COLUMNS, STATUSES
from analysis.standard import STATUS_ORDER, Standard, income_position

LISTED = ("poor", "near_poor")


@contextlib.contextmanager
def client_for(scheduler: str | None = None, workers: int = 2, processes: bool = True):
    """A dask.distributed Client: of the scheduler at `scheduler`, or of a LocalCluster."""
    import logging

    from dask.distributed import Client, LocalCluster

    # the shuffle of the flows' merge logs each start and end as warnings, and a LocalCluster
    # on a busy machine its slow worker shutdowns: not the user's concern
    for name in ("distributed.shuffle", "distributed.nanny"):
        logging.getLogger(name).setLevel(logging.ERROR)
    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except OSError as exc:
            raise UserError(f"Không kết nối được bộ điều phối Dask {scheduler}: {exc}") from None
        with client:
            yield client
        return
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes,
                      dashboard_address=None) as cluster, Client(cluster) as client:  # fmt: skip
        yield client


@contextlib.contextmanager
def client_executor(scheduler: str) -> Iterator:
    """A concurrent.futures executor running on the Dask cluster at `scheduler`."""
    with client_for(scheduler) as client:
        yield client.get_executor(pure=False)


def read(root: str | Path, columns: Iterable[str] | None, years: Iterable[int]):
    import dask.dataframe as dd
    import pyarrow.dataset as ds

    files_of(root)  # a clear error when there is no dataset
    return dd.read_parquet(
        str(root),
        columns=list(columns) if columns is not None else None,
        dataset={"partitioning": ds.partitioning(PARTITION_SCHEMA, flavor="hive")},
        filters=[("year", "in", [int(y) for y in years])],
    )


def partial_sums(
    df: pd.DataFrame, std: Standard, k: int, population: str, persons: bool
) -> pd.DataFrame:
    """The columns of `engine.profile_sql` for the households of one partition."""
    df = df.reset_index(drop=True)
    flags = np.column_stack(
        [df[c].fillna(False).to_numpy(dtype=bool) for c in std.indicators]
    ) if std.indicators else np.zeros((len(df), 0), dtype=bool)  # fmt: skip
    by_flags = (
        df["has_indicator_flags"].fillna(True).to_numpy(dtype=bool)
        if "has_indicator_flags" in df
        else np.ones(len(df), dtype=bool)
    )
    nd = flags.sum(axis=1)
    if "has_indicator_flags" in df and "n_deprivations" in df:
        listed = df["n_deprivations"].fillna(0).to_numpy(dtype=np.int64)
        nd = np.where(by_flags, nd, listed)
    known, below, only = income_position(df, std)
    codes = np.where(only | (below & (nd >= std.min_deprivations)), 0, np.where(below, 1, 3))
    urban = df["is_urban"].fillna(False).to_numpy(dtype=bool)
    income = pd.to_numeric(df["income_pc_vnd"], errors="coerce").to_numpy(dtype=float,
                                                                           na_value=np.nan)  # fmt: skip
    if std.avg_living_lines is not None:
        codes = np.where((codes == 3) & (income <= std.avg_living_lines.by_area(urban)), 2, codes)
    low = np.zeros(len(df), dtype=bool)
    if std.low_income_lines is not None:
        low = (codes >= 2) & (income <= std.low_income_lines.by_area(urban))
    codes = np.where(known, codes, -1)
    units, denominator = weight_units(std)
    su = flags.astype(np.int64) @ np.array([units[c] for c in std.indicators], dtype=np.int64)
    rs = df["reported_status"].astype("string").fillna("").to_numpy(dtype=object)
    af_in = by_flags & (np.isin(rs, LISTED) if population == "listed" else True)
    ap = af_in & (su * len(std.indicators) >= k * denominator)
    m = df["n_members"].fillna(0).to_numpy(dtype=np.int64)
    w = m if persons else np.ones(len(df), dtype=np.int64)
    cols = {
        "n_rows": np.ones(len(df), dtype=np.int64),
        "n_rows_persons": m,
        "n_with_members": df["n_members"].notna().to_numpy(dtype=np.int64),
        "n_with_vintage": df["unit_vintage"].notna().to_numpy(dtype=np.int64),
        **{f"n_reported_{s}": (rs == s).astype(np.int64) for s in STATUSES},
        "n_poor_persons": (rs == "poor") * m,
        "n_near_poor_persons": (rs == "near_poor") * m,
        "n_class_unknown": (codes < 0).astype(np.int64),
    }
    for code, label in enumerate(STATUS_ORDER):
        cols[f"n_class_{label}"] = (codes == code).astype(np.int64)
        cols[f"n_class_{label}_persons"] = (codes == code) * m
        cols[f"n_class_{label}_low_income"] = ((codes == code) & low).astype(np.int64)
    cols["af_n"] = af_in * w
    cols["af_q"] = ap * w
    cols["af_score_units"] = ap * su * w
    for j, c in enumerate(std.indicators):
        cols[f"af_censored_{c}"] = (ap & flags[:, j]) * w
    frame = pd.DataFrame(cols)
    for key in KEYS:
        frame[key] = df[key].astype("string" if key != "year" else "int64").to_numpy()
    frame["vintage_min"] = df["unit_vintage"].to_numpy(dtype=np.int64)
    frame["vintage_max"] = frame["vintage_min"]
    sums = [c for c in cols]
    agg = {**dict.fromkeys(sums, "sum"), "vintage_min": "min", "vintage_max": "max"}
    return frame.groupby(list(KEYS), observed=True).agg(agg).reset_index()


def _columns(root: str | Path, std: Standard) -> list[str]:
    """The columns the sums read (never household_id): those of the dataset among them."""
    import pyarrow.parquet as pq

    first = next(Path(root).glob("province_code=*/year=*/*.parquet"))
    present = set(pq.read_schema(first).names) | set(PARTITION_SCHEMA.names)
    wanted = [*KEYS, "unit_vintage", "n_members", "reported_status", "is_urban",
              "income_pc_vnd", "income_score", "has_indicator_flags", "n_deprivations",
              *std.indicators]  # fmt: skip
    return [c for c in wanted if c in present]


def profile_with_dask(
    root: str | Path,
    standard_for: str | Mapping[int, str] | Callable[[int], str],
    years: Iterable[int],
    client,
    *,
    k: int = 3,
    population: str = "all",
    persons: bool = False,
) -> Profile:
    """`Engine.profile` computed by the dask cluster of `client`."""
    frames, standards = [], {}
    for std, its_years in _by_standard(years, standard_for):
        ddf = read(root, _columns(root, std), its_years)
        meta = partial_sums(ddf._meta, std, k, population, persons)
        parts = ddf.map_partitions(partial_sums, std, k, population, persons, meta=meta)
        sums = [c for c in meta.columns if c not in (*KEYS, "vintage_min", "vintage_max")]
        agg = {**dict.fromkeys(sums, "sum"), "vintage_min": "min", "vintage_max": "max"}
        frames.append(client.compute(parts.groupby(list(KEYS)).agg(agg)).result().reset_index())
        standards.update(dict.fromkeys(its_years, std))
    return Profile(_typed(pd.concat(frames, ignore_index=True)), standards, k, persons,
                   population)  # fmt: skip


def _count_partition(pair: pd.DataFrame, persons: bool) -> pd.DataFrame:
    """The dynamics of one partition of the merged pair (households are hashed to one
    partition each, so the partitions' tables add up to the whole's)."""
    from analysis.measures.flows import _count_pair

    return _count_pair(pair.reset_index(drop=True), persons)


def _crosswalk(prev, cur, year: int, crosswalk: Mapping[str, str] | None, client) -> dict:
    if crosswalk is not None:
        return dict(crosswalk)
    import warnings

    warnings.warn(
        f"Không có bảng chuyển đổi đơn vị hành chính {year - 1}→{year}: suy ra từ các hộ "
        "có mặt cả hai năm (nên truyền crosswalk=registry.to_merged()).",
        stacklevel=3,
    )
    both = prev.merge(cur, on="household_id", suffixes=("_prev", "_cur"))
    counts = (
        client.compute(both.groupby(["commune_code_prev", "commune_code_cur"]).size())
        .result()
        .rename("n")
        .reset_index()
    )
    best = counts.sort_values(["commune_code_prev", "n", "commune_code_cur"],
                              ascending=[True, False, True]).drop_duplicates("commune_code_prev")  # fmt: skip
    return dict(zip(best["commune_code_prev"], best["commune_code_cur"], strict=True))


def flows_with_dask(
    root: str | Path,
    vintages: Mapping[int, int],
    client,
    crosswalk: Mapping[str, str] | None = None,
    *,
    persons: bool = False,
    broken_years: Collection[int] = (),
) -> pd.DataFrame:
    """`scale.flows.flows` on the dask cluster: columns and rows of `measures.list_flows`."""
    cols = ["household_id", "commune_code", "reported_status", "n_members"]
    broken = {int(y) for y in broken_years}
    frames = []
    for year in sorted(vintages):
        if year - 1 not in vintages or year in broken:
            continue
        prev, cur = read(root, cols, [year - 1]), read(root, cols, [year])
        if vintages[year - 1] != vintages[year]:
            mapping = _crosswalk(prev, cur, year, crosswalk, client)
            unknown = client.compute(prev["commune_code"].unique()).result()
            unmapped = sorted(set(unknown.astype(str)) - set(mapping))
            if unmapped:
                raise UserError(
                    f"Không chuyển được mã xã năm {year - 1} sang kỳ đơn vị của năm {year}: "
                    f"{', '.join(unmapped)} (thiếu trong bảng chuyển đổi đơn vị hành chính)"
                )
            prev = prev.assign(
                commune_code=prev["commune_code"].map(mapping, meta=("commune_code", "string"))
            )
        earlier_years = [y for y in vintages if y < year - 1]
        pair = prev.merge(cur, on="household_id", how="outer", suffixes=("_prev", "_cur"))
        if earlier_years:
            earlier = read(root, ["household_id", "reported_status"], earlier_years)
            earlier = earlier[earlier["reported_status"].isin(list(LISTED))][["household_id"]]
            earlier = earlier.drop_duplicates().assign(listed_before=True)
            pair = pair.merge(earlier, on="household_id", how="left")
            pair = pair.assign(listed_before=pair["listed_before"].fillna(False).astype(bool))
        else:
            pair = pair.assign(listed_before=False)
        pair = pair.rename(columns={"reported_status_prev": "status_prev",
                                    "reported_status_cur": "status_cur"})  # fmt: skip
        meta = pd.DataFrame({"commune_code": pd.Series(dtype="string"),
                             **{c: pd.Series(dtype="int64") for c in DYNAMICS_COLUMNS}})  # fmt: skip
        parts = pair.map_partitions(_count_partition, persons, meta=meta)
        table = client.compute(parts.groupby("commune_code").sum()).result().reset_index()
        frames.append(table.assign(year=year))
    return dynamics_table(frames)


def measure_with_dask(
    root: str | Path,
    standard_for: str | Mapping[int, str] | Callable[[int], str] = "vn-2022-2025",
    *,
    years: Iterable[int] | None = None,
    scheduler: str | None = None,
    workers: int = 2,
    processes: bool = True,
    totals: pd.DataFrame | None = None,
    names: Mapping | None = None,
    crosswalk: Mapping[str, str] | None = None,
    broken_years: Collection[int] = (),
    with_flows: bool = True,
    k: int = 3,
    population: str = "all",
    client=None,
):
    """`scale.measure` with the household-level work on dask (LocalCluster or `scheduler`)."""
    from analysis.scale.layout import years_of
    from analysis.scale.tables import indicators, result

    years = list(years_of(root) if years is None else years)
    with contextlib.ExitStack() as stack:
        if client is None:
            client = stack.enter_context(client_for(scheduler, workers, processes))
        profile = profile_with_dask(root, standard_for, years, client, k=k,
                                    population=population)  # fmt: skip

        def flows(vintages: dict[int, int]) -> pd.DataFrame:
            return flows_with_dask(root, vintages, client, crosswalk, broken_years=broken_years)

        communes = indicators(profile, flows if with_flows else None, totals, names,
                              crosswalk=crosswalk, broken_years=broken_years)  # fmt: skip
    return result(profile, communes)
