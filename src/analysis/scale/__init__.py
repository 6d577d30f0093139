"""Province and country scale: the measures over partitioned parquet, beyond one district.

    layout      household tables as hive-partitioned parquet (a folder per province and year)
    expressions SQL generated from the standards as data (no threshold written in code)
    engine      one scan per standard gives every sum the measures need (DuckDB SQL, or the
                same expressions in Polars: `scale.lazy`)
    flows       flows between reviews as one DuckDB join per pair of years
    tables      commune, district, province and country tables from those sums (`measure`)
    generate    a vectorised, streaming synthetic country for benchmarks
    distributed the same aggregation with dask.dataframe (LocalCluster or a scheduler)

The figures equal those of `analysis.measures` on the same households (tests compare them).
Names are imported lazily: `python -m analysis` does not load DuckDB or Polars until used.
"""

from importlib import import_module

_EXPORTS = {
    "Engine": "analysis.scale.engine",
    "Profile": "analysis.scale.engine",
    "ScaleResult": "analysis.scale.tables",
    "level_indicators": "analysis.scale.tables",
    "measure": "analysis.scale.tables",
    "write_households": "analysis.scale.layout",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'analysis.scale' has no attribute {name!r}")
