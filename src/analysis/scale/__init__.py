"""Province and country scale: the measures over partitioned parquet, beyond one district.

    layout      household tables as hive-partitioned parquet (province/district/commune/year)
    expressions SQL generated from the standards as data (no threshold written in code)
    engine      DuckDB: one scan per standard gives every sum the measures need
    flows       flows between reviews as one join per pair of years
    measure     commune, district, province and country tables from those sums
    generate    a vectorised, streaming synthetic country for benchmarks
    distributed the same aggregation with dask.dataframe (LocalCluster or a scheduler)

The figures equal those of `analysis.measures` on the same households (tests compare them).
"""

from analysis.scale.engine import Engine, Profile
from analysis.scale.layout import write_households
from analysis.scale.measure import ScaleResult, level_indicators, measure

__all__ = ["Engine", "Profile", "ScaleResult", "level_indicators", "measure", "write_households"]
