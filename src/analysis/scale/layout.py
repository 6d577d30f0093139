"""Household tables as hive-partitioned parquet: a folder per province and year.

    <root>/province_code=42/year=2024/<part>-0.parquet

The partition keys live in the folder names (the code as text, so leading zeros survive;
the year as an integer); each file holds the other canonical columns of its households
(`schema.HOUSEHOLD_COLUMNS`, personal columns never) sorted by district_code and
commune_code, in row groups of ROW_GROUP rows: a query for one district or commune skips
the other row groups by their statistics, a query for one year or province reads only
those folders. Several writers may add files to the same folder (one per chunk or per
district): each names its files by `part`; `compact` rewrites a folder into one file.

Why not a folder per district or commune: Vietnam has about 700 districts and 10,000
communes; a folder each means as many small files a year, and opening them is what a scan
then spends its time on (measured on 5 million households: 0.75 s with a folder per
district, 0.06 s with a folder per province; a folder per commune was slower still, 10 to
20 s for 1 million households, and its files were 12 times larger).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

from analysis.errors import UserError
from analysis.schema import HOUSEHOLD_COLUMNS, PERSONAL_COLUMNS

PARTITIONS = ("province_code", "year")
PARTITION_TYPES = {"province_code": "VARCHAR", "year": "INTEGER"}
SORT = ("district_code", "commune_code")
ROW_GROUP = 128 * 1024
_ARROW_TYPES = {
    "int16": pa.int16(),
    "Int8": pa.int8(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "string": pa.string(),
}
PARTITION_SCHEMA = pa.schema([(k, pa.int32() if k == "year" else pa.string()) for k in PARTITIONS])


def arrow_schema(columns: Iterable[str]) -> pa.Schema:
    """The arrow types of canonical columns (unknown extra columns are left to arrow)."""
    types = {c.name: _ARROW_TYPES.get(c.dtype) for c in HOUSEHOLD_COLUMNS}
    types["district_code"] = pa.string()
    return pa.schema([(c, types[c]) for c in columns if types.get(c) is not None])


def to_arrow(households: pd.DataFrame) -> pa.Table:
    """A canonical household frame (with province_code and district_code) as an arrow table,
    typed by the schema; personal columns are refused (they never leave the ingest)."""
    personal = [c for c in PERSONAL_COLUMNS if c in households.columns]
    if personal:
        raise UserError(
            f"Bảng hộ còn cột thông tin cá nhân ({', '.join(personal)}): không ghi ra parquet"
        )
    missing = [c for c in (*PARTITIONS, *SORT) if c not in households.columns]
    if missing:
        raise UserError(f"Bảng hộ thiếu cột phân vùng: {', '.join(missing)}")
    frame = households.copy()
    for key in ("province_code", "district_code", "commune_code"):
        frame[key] = frame[key].astype("string")
    frame["year"] = frame["year"].astype("int32")
    frame = frame.sort_values([*SORT, "year"], kind="stable")
    table = pa.Table.from_pandas(frame, preserve_index=False)
    schema = arrow_schema(c for c in table.column_names if c not in PARTITIONS)
    for field in schema:
        i = table.column_names.index(field.name)
        table = table.set_column(i, field, table.column(i).cast(field.type))
    for key in PARTITIONS:
        i = table.column_names.index(key)
        table = table.set_column(i, PARTITION_SCHEMA.field(key), table.column(i).cast(
            PARTITION_SCHEMA.field(key).type))  # fmt: skip
    return table


def write_partitioned(table: pa.Table, root: str | Path, part: str) -> None:
    """Add `table` (an arrow table with the partition columns) to the dataset at `root`.

    Files are named `<part>-<n>.parquet`; an existing file of the same name is replaced,
    files of other parts are kept.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    ds.write_dataset(
        table,
        root,
        format="parquet",
        partitioning=ds.partitioning(PARTITION_SCHEMA, flavor="hive"),
        basename_template=f"{part}-{{i}}.parquet",
        existing_data_behavior="overwrite_or_ignore",
        max_partitions=1_000_000,
        max_open_files=4096,
        max_rows_per_group=ROW_GROUP,
        min_rows_per_group=min(ROW_GROUP, 16 * 1024),
        file_options=ds.ParquetFileFormat().make_write_options(compression="zstd"),
    )


def write_households(
    households: pd.DataFrame,
    root: str | Path,
    province_code: str | None = None,
    district_code: str | None = None,
    part: str = "part",
) -> Path:
    """Write a canonical household table (pandas; one district or more) into the dataset.

    `province_code`/`district_code` fill those keys when the frame has no such column
    (a district's table from the ingest or the synthetic sample).
    """
    frame = households.drop(columns=[c for c in PERSONAL_COLUMNS if c in households.columns])
    if "province_code" not in frame:
        if province_code is None:
            raise UserError("Cần mã tỉnh (province_code) để ghi bảng hộ theo phân vùng")
        frame = frame.assign(province_code=str(province_code))
    if "district_code" not in frame:
        if district_code is None:
            raise UserError("Cần mã huyện (district_code) để ghi bảng hộ theo phân vùng")
        frame = frame.assign(district_code=str(district_code))
    write_partitioned(to_arrow(frame), root, part)
    return Path(root)


def files_of(root: str | Path) -> str:
    """The glob of the dataset's files; a clear error when there are none."""
    root = Path(root)
    if not root.is_dir() or next(root.glob("province_code=*/year=*"), None) is None:
        raise UserError(f"{root}: không có bảng hộ phân vùng (cần thư mục province_code=…/year=…)")
    return str(root / "*" / "*" / "*.parquet")


def years_of(root: str | Path) -> list[int]:
    """The review years of the dataset, from its folder names."""
    found = {p.name for p in Path(root).glob("province_code=*/year=*")}
    return sorted(int(name.split("=", 1)[1]) for name in found)
