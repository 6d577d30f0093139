"""The measures over a partitioned household dataset, in DuckDB: one scan, no Python per household.

`Engine(root).profile(standard)` runs one query over the parquet files: it classifies every
household under the standard (SQL generated from `standards.yaml`, `scale.expressions`),
counts the reported poor and near-poor, the computed classes and the Alkire–Foster sums,
grouped by province, district, commune and year. Everything else is built from those sums
(a few rows per commune) by the same functions as the pandas measures
(`measures.rates.assemble_indicators`, `measures.alkire_foster.from_sums`), so both paths
give the same figures; flows between reviews are a second query (`scale.flows`).

Deprivation scores are counted in integer units (the standard's nested weights times their
common denominator), so sums are exact and do not depend on the order of the scan.

Which engine scans: both were measured (benchmarks/bench_scale.py, 27 million households on
this 2-core machine, interleaved runs): the same expressions in Polars (`scale.lazy`) ran as
fast as a hand-written DuckDB query (2.3-2.8 s against 2.3-2.5 s), the generated DuckDB SQL
1.25-1.35 times slower; so the scan is Polars by default (`backend='duckdb'` gives the SQL,
equal sums, tested). DuckDB keeps what it does better: the flows' join of two reviews
(27 million pairs in about 30 s within a 3 GB memory limit, spilling to disk beyond it),
classifying every household into a relation or a parquet file, progress while it runs.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import duckdb
import pandas as pd

from analysis.errors import UserError
from analysis.progress import bar as progress_bar
from analysis.scale import expressions as ex
from analysis.scale.layout import PARTITION_TYPES, files_of, years_of
from analysis.schema import STATUSES
from analysis.standard import DEFAULT_STANDARD, STATUS_ORDER, Standard, get_standard

KEYS = ("province_code", "district_code", "commune_code", "year")
AF_POPULATIONS = ("all", "listed")
BACKENDS = ("polars", "duckdb")


def connect(
    threads: int | None = None,
    memory_limit: str | None = "3GB",
    temp_directory: str | Path | None = None,
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB bounded in threads and memory (it spills to `temp_directory`)."""
    con = duckdb.connect(":memory:")
    con.execute(f"SET threads = {int(threads or os.cpu_count() or 1)}")
    if memory_limit:
        con.execute(f"SET memory_limit = {ex.literal(memory_limit)}")
    con.execute("SET preserve_insertion_order = false")
    spill = (
        Path(temp_directory) if temp_directory else Path(tempfile.gettempdir()) / "analysis-duckdb"
    )
    con.execute(f"SET temp_directory = {ex.literal(str(spill))}")
    return con


def run_query(
    con: duckdb.DuckDBPyConnection, sql: str, desc: str = "", progress: bool = False
) -> pd.DataFrame:
    """The query's result as pandas; with `progress`, a tqdm bar fed by DuckDB's own progress."""
    if not progress:
        return con.execute(sql).df()
    result: dict = {}

    def work() -> None:
        try:
            result["df"] = con.execute(sql).df()
        except BaseException as exc:  # re-raised in the caller's thread
            result["error"] = exc

    thread = threading.Thread(target=work, daemon=True)
    with progress_bar(total=100, desc=desc, unit="%", bar_format="{l_bar}{bar}| {elapsed}",
                      delay=0) as bar:  # fmt: skip
        thread.start()
        try:
            while thread.is_alive():
                thread.join(0.25)
                done = con.query_progress()
                if done is not None and done > bar.n:
                    bar.update(min(100.0, done) - bar.n)
        except KeyboardInterrupt:  # Ctrl+C stops the query too, not only the waiting
            con.interrupt()
            thread.join()
            raise
        bar.update(100 - bar.n)
    if "error" in result:
        raise result["error"]
    return result["df"]


def layered(source: str, std: Standard, columns: Iterable[str], keep: Iterable[str],
            extra: Iterable[tuple[str, str]] = ()) -> str:  # fmt: skip
    """The households of `source` with their inputs, counts and class computed once each:
    columns `keep`, the aliases of `expressions.inputs` and `counts`, `cls` and `extra`."""
    cols = set(columns)
    first = ex.inputs(std, cols)
    sql = f"SELECT {', '.join([*keep, *(f'{e} AS {a}' for a, e in first)])} "
    sql += f"FROM {source}"
    last = [("cls", ex.status_code(std)), *extra]
    for layer in [*ex.counts(std, cols), last]:
        sql = f"SELECT *, {', '.join(f'{e} AS {a}' for a, e in layer)} FROM ({sql})"
    return sql


def profile_sql(
    source: str,
    std: Standard,
    columns: Iterable[str],
    *,
    k: int = 3,
    population: str = "all",
    persons: bool = False,
) -> str:
    """The one-scan query: per (province, district, commune, year) every sum the measures need.

    Checks cost next to nothing: members and vintage counted non-NULL, every reported status
    counted (a row of none of them is invalid: `Profile` names it)."""
    cols = set(columns)
    af_in = ex.has_flags(cols)
    if population == "listed":
        af_in = f"({af_in} AND rs IN ('poor', 'near_poor'))"
    keep = [*KEYS, "unit_vintage", "n_members", "reported_status AS rs"]
    extra = [("af_in", af_in), ("ap", ex.af_poor(std, k, af_in))]
    rows = layered(source, std, cols, keep, extra)
    w = "n_members" if persons else "1"
    aggs = [
        "count(*) AS n_rows",
        "CAST(sum(n_members) AS BIGINT) AS n_rows_persons",
        "min(unit_vintage) AS vintage_min",
        "max(unit_vintage) AS vintage_max",
        "count(n_members) AS n_with_members",
        "count(unit_vintage) AS n_with_vintage",
        *(f"count_if(rs = {ex.literal(s)}) AS n_reported_{s}" for s in STATUSES),
        "CAST(sum(CASE WHEN rs = 'poor' THEN n_members ELSE 0 END) AS BIGINT) AS n_poor_persons",
        "CAST(sum(CASE WHEN rs = 'near_poor' THEN n_members ELSE 0 END) AS BIGINT) "
        "AS n_near_poor_persons",
        "count_if(cls IS NULL) AS n_class_unknown",
    ]
    for code, label in enumerate(STATUS_ORDER):
        # low income (Decree 30/2025) is above the poor and near-poor classes: 0 for those
        low = (
            f"count_if({ex.low_income(std, f'cls = {code}')})" if code >= 2 else "CAST(0 AS BIGINT)"
        )
        aggs += [
            f"count_if(cls = {code}) AS n_class_{label}",
            f"CAST(sum(CASE WHEN cls = {code} THEN n_members ELSE 0 END) AS BIGINT) "
            f"AS n_class_{label}_persons",
            f"{low} AS n_class_{label}_low_income",
        ]

    def weighted(condition: str, value: str = w) -> str:
        if value == "1":
            return f"count_if({condition})"
        return f"CAST(sum(CASE WHEN {condition} THEN {value} ELSE 0 END) AS BIGINT)"

    aggs += [
        f"{weighted('af_in')} AS af_n",
        f"{weighted('ap')} AS af_q",
        f"{weighted('ap', 'su' if w == '1' else f'su * {w}')} AS af_score_units",
        *(f"{weighted(f'ap AND {ex.flag_alias(c)}')} AS af_censored_{c}" for c in std.indicators),
    ]
    body = ",\n       ".join(aggs)
    return f"SELECT {', '.join(KEYS)},\n       {body}\nFROM ({rows})\nGROUP BY {', '.join(KEYS)}"


class Engine:
    """A DuckDB connection over the household dataset at `root` (see `scale.layout`)."""

    def __init__(
        self,
        root: str | Path,
        *,
        threads: int | None = None,
        memory_limit: str | None = "3GB",
        progress: bool = False,
        connection: duckdb.DuckDBPyConnection | None = None,
    ):
        self.root = Path(root)
        self.files = files_of(self.root)
        self.con = connection or connect(threads, memory_limit)
        self.progress = progress
        described = self.con.execute(f"DESCRIBE SELECT * FROM {self.scan()}").fetchall()
        self.columns = frozenset(row[0] for row in described)

    def scan(self) -> str:
        types = ", ".join(f"{ex.literal(k)}: {v}" for k, v in PARTITION_TYPES.items())
        return (
            f"read_parquet({ex.literal(self.files)}, hive_partitioning = true, "
            f"hive_types = {{{types}}})"
        )

    def source(self, years: Iterable[int] | None = None) -> str:
        """The households (of `years`, reading only their folders) as a subquery."""
        if years is None:
            return f"(SELECT * FROM {self.scan()})"
        listed = ", ".join(str(int(y)) for y in years) or "NULL"
        return f"(SELECT * FROM {self.scan()} WHERE year IN ({listed}))"

    def source_where(self, condition: str) -> str:
        return f"(SELECT * FROM {self.scan()} WHERE {condition})"

    def query(self, sql: str, desc: str = "") -> pd.DataFrame:
        return run_query(self.con, sql, desc, self.progress)

    def years(self) -> list[int]:
        return years_of(self.root)

    def classify(
        self, years: Iterable[int] | None = None, standard_for=None
    ) -> duckdb.DuckDBPyRelation:
        """Every household with its computed class ('poor', 'near_poor', 'avg_living',
        'not_poor'; NULL without income) as a lazy relation: `.df()`, `.arrow()`, or
        `.write_parquet(path)` to keep it on disk."""
        years = list(self.years() if years is None else years)
        keep = [*KEYS, "household_id", "unit_vintage", "reported_status"]
        parts = [
            f"SELECT {', '.join(keep)}, {ex.status_label('cls')} AS status "
            f"FROM ({layered(self.source(its_years), std, self.columns, keep)})"
            for std, its_years in _by_standard(years, standard_for)
        ]
        if not parts:
            raise UserError(f"{self.root}: không có năm rà soát nào để phân loại")
        return self.con.sql(" UNION ALL ".join(parts))

    def profile(
        self,
        standard_for: str | Standard | Mapping[int, str] | Callable[[int], str],
        years: Iterable[int] | None = None,
        *,
        k: int = 3,
        population: str = "all",
        persons: bool = False,
        backend: str = "polars",
    ) -> Profile:
        """Every sum per (province, district, commune, year), one scan per standard in use.

        `standard_for`: one standard (id or model) for every year, or year -> standard id
        (a mapping or `Config.standard_for`). `population`: the Alkire–Foster population,
        'all' households or the 'listed' (poor and near-poor) ones. `persons`: A-F weighted
        by members. `backend`: 'polars' (the expressions in Polars, `scale.lazy`: the faster
        here, see the module docstring) or 'duckdb' (the generated SQL); the sums are equal.
        """
        if backend not in BACKENDS:
            raise UserError(f"Bộ máy tính '{backend}' không hợp lệ (cho phép: polars, duckdb)")
        if population not in AF_POPULATIONS:
            raise UserError(f"Quần thể A-F '{population}' không hợp lệ (cho phép: all, listed)")
        years = list(self.years() if years is None else years)
        frames, standards = [], {}
        for std, its_years in _by_standard(years, standard_for):
            self._require(std)
            if backend == "polars":
                from analysis.scale import lazy

                frame = lazy.profile_frame(lazy.scan(self.files, its_years), std, self.columns,
                                           k=k, population=population, persons=persons)  # fmt: skip
                frames.append(frame.collect(engine="streaming").to_pandas())
                standards.update(dict.fromkeys(its_years, std))
                continue
            sql = profile_sql(self.source(its_years), std, self.columns, k=k,
                              population=population, persons=persons)  # fmt: skip
            frames.append(self.query(sql, f"Tính chỉ số {std.id}"))
            standards.update(dict.fromkeys(its_years, std))
        sums = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=KEYS)
        return Profile(_typed(sums), standards, k, persons, population)

    def _require(self, std: Standard) -> None:
        needed = {"unit_vintage", "n_members", "reported_status", *std.indicators}
        missing = sorted(needed - self.columns)
        if missing:
            raise UserError(f"{self.root}: bảng hộ thiếu cột {', '.join(missing)}")


def _by_standard(years: Iterable[int], standard_for) -> list[tuple[Standard, list[int]]]:
    """(standard, the years it applies to), in order of first year."""
    out: dict[str, tuple[Standard, list[int]]] = {}
    for year in sorted({int(y) for y in years}):
        if standard_for is None or isinstance(standard_for, str | Standard):
            which = standard_for or DEFAULT_STANDARD
        elif isinstance(standard_for, Mapping):
            which = standard_for[year]
        else:
            which = standard_for(year)
        std = get_standard(which)
        out.setdefault(std.id, (std, []))[1].append(year)
    return list(out.values())


def _typed(sums: pd.DataFrame) -> pd.DataFrame:
    """The scan's sums typed and sorted, with the counts derived from them: reported poor
    and near-poor, rows of no valid status, rows missing members or vintage."""
    sums = sums.astype({k: "string" for k in KEYS[:3]} | {"year": "int64"})
    if "n_rows" in sums:
        reported = sums[[f"n_reported_{s}" for s in STATUSES]].sum(axis=1)
        sums["n_poor"] = sums["n_reported_poor"]
        sums["n_near_poor"] = sums["n_reported_near_poor"]
        sums["n_bad_status"] = sums["n_rows"] - reported
        sums["n_incomplete"] = 2 * sums["n_rows"] - sums["n_with_members"] - sums["n_with_vintage"]
    return sums.sort_values(list(KEYS), ignore_index=True)


class Profile:
    """The sums of one scan and what is built from them (see module docstring)."""

    def __init__(self, sums: pd.DataFrame, standards: dict[int, Standard], k: int,
                 persons: bool, population: str):  # fmt: skip
        self.sums, self.standards = sums, standards
        self.k, self.persons, self.population = k, persons, population
        _check(sums)

    def vintages(self) -> dict[int, int]:
        """Review year -> unit vintage; one vintage per year (as `measures` requires)."""
        pairs = self.sums.groupby("year").agg(lo=("vintage_min", "min"), hi=("vintage_max", "max"))
        mixed = pairs.index[pairs["lo"] != pairs["hi"]]
        if len(mixed):
            raise UserError(
                f"Bảng hộ: năm {int(mixed[0])} trộn mã xã của nhiều kỳ đơn vị hành chính"
            )
        return {int(y): int(v) for y, v in pairs["lo"].items()}

    def units(self) -> pd.DataFrame:
        """(year, commune_code) -> province_code, district_code."""
        return self.sums[["year", "commune_code", "province_code", "district_code"]].copy()

    def counts(self) -> pd.DataFrame:
        """The reported counts per (year, commune), as `measures.rates` takes them."""
        cols = ["n_poor", "n_near_poor", "n_poor_persons", "n_near_poor_persons"]
        return self.sums[["year", "commune_code", *cols]].astype({c: "int64" for c in cols})

    def totals(self) -> pd.DataFrame:
        """Resident households and persons counted from the rows: the whole population."""
        return self.sums[["year", "commune_code"]].assign(
            n_households=self.sums["n_rows"].astype("int64"),
            n_persons=self.sums["n_rows_persons"].astype("int64"),
        )

    def classes(self, by: Iterable[str] = ("year",)) -> pd.DataFrame:
        """Households, persons and low-income households per computed class and group of
        `by` (as `measures.living_standard_classes`, plus the households without income)."""
        from analysis.measures.classes import CLASS_LABELS_VI

        by = list(by)
        rows = []
        for label in STATUS_ORDER:
            part = self.sums[by].copy() if by else pd.DataFrame(index=self.sums.index)
            part["class"] = label
            part["n_households"] = self.sums[f"n_class_{label}"]
            part["n_persons"] = self.sums[f"n_class_{label}_persons"]
            part["n_low_income"] = self.sums[f"n_class_{label}_low_income"]
            rows.append(part)
        long = pd.concat(rows, ignore_index=True)
        out = long.groupby([*by, "class"], sort=False, as_index=False)[
            ["n_households", "n_persons", "n_low_income"]
        ].sum()
        out["class_vi"] = out["class"].map(CLASS_LABELS_VI)
        order = {c: i for i, c in enumerate(STATUS_ORDER)}
        out = out.sort_values(
            [*by, "class"], key=lambda s: s.map(order) if s.name == "class" else s
        )
        cols = [*by, "class", "class_vi", "n_households", "n_persons", "n_low_income"]
        return out[cols].astype({c: "int64" for c in cols[-3:]}).reset_index(drop=True)

    def alkire_foster(self, by: Iterable[str] = ("year", "commune_code")):
        """`measures.AFResult` per group of `by` (any of province/district/commune code, year);
        the years must share one standard."""
        from analysis.measures.alkire_foster import from_sums

        std = self._one_standard()
        by = list(by)
        cols = ["af_n", "af_q", "af_score_units", *(f"af_censored_{c}" for c in std.indicators)]
        rows = self.sums[self.sums["year"].isin(list(self.standards))]
        grouped = rows.groupby(by, sort=True)[cols].sum() if by else rows[cols].sum().to_frame().T
        grouped = grouped.reset_index(drop=not by)
        _, denominator = ex.weight_units(std)
        sums = grouped[by].assign(k=self.k) if by else pd.DataFrame({"k": [self.k]})
        sums["n"] = grouped["af_n"].to_numpy(dtype=float)
        sums["q"] = grouped["af_q"].to_numpy(dtype=float)
        sums["score_sum"] = grouped["af_score_units"].to_numpy(dtype=float) / denominator
        for c in std.indicators:
            sums[f"n_censored_{c}"] = grouped[f"af_censored_{c}"].to_numpy(dtype=float)
        return from_sums(sums, std, tuple(by))

    def _one_standard(self) -> Standard:
        found = {s.id: s for s in self.standards.values()}
        if len(found) != 1:
            raise UserError(
                f"Các năm của bảng thuộc {len(found)} chuẩn nghèo ({', '.join(found)}): tính "
                "chỉ số A-F riêng cho từng chuẩn (chọn năm khi gọi profile)"
            )
        return next(iter(found.values()))


def _check(sums: pd.DataFrame) -> None:
    """Loud checks of the scan: statuses valid, members and vintage given."""
    for column, what in (
        ("n_bad_status", f"phân loại hộ không hợp lệ (cho phép: {', '.join(STATUSES)})"),
        ("n_incomplete", "thiếu số nhân khẩu hoặc kỳ đơn vị hành chính"),
    ):
        bad = sums[sums[column] > 0] if column in sums else sums.iloc[0:0]
        if len(bad):
            row = bad.iloc[0]
            raise UserError(
                f"Bảng hộ (parquet), xã {row['commune_code']} năm {row['year']}: "
                f"{int(row[column])} hộ {what}"
            )
