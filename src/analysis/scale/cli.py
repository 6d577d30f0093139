"""`python -m analysis scale …`: the large-data path from the command line.

scale generate data/bench/country --households 27000000 --years 2023,2024 --workers 2
scale measure data/bench/country --out outputs/country [--dask [--scheduler tcp://…:8786]]
"""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Quy mô tỉnh và toàn quốc: bảng hộ parquet phân vùng, chỉ số tính bằng DuckDB hoặc Dask.",
)


@app.command()
def generate(
    out: Path = typer.Argument(..., help="Thư mục ghi bảng hộ mô phỏng (phân vùng parquet)."),
    households: int = typer.Option(27_000_000, "--households", "-n", help="Số hộ năm đầu."),
    provinces: int = typer.Option(63, "--provinces", help="Số tỉnh."),
    years: str = typer.Option("2024", "--years", help="Các năm rà soát, ví dụ 2023,2024."),
    seed: int = typer.Option(20240101, "--seed", help="Hạt giống ngẫu nhiên."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Số tiến trình song song."),
    chunk_rows: int = typer.Option(
        500_000, "--chunk-rows", help="Số hộ tối đa mỗi phần (giới hạn bộ nhớ)."
    ),
) -> None:
    """Tạo bảng hộ mô phỏng cho nhiều tỉnh, ghi dần từng phần ra parquet (bộ nhớ có giới hạn)."""
    from analysis.scale.generate import CountrySpec, generate_country, parse_years

    spec = CountrySpec(households, provinces, parse_years(years), seed, chunk_rows=chunk_rows)
    path = generate_country(out, spec, workers=workers)
    typer.echo(f"Đã tạo dữ liệu mô phỏng ({households:,} hộ) tại: {path}".replace(",", "."))


@app.command()
def measure(
    root: Path = typer.Argument(..., help="Thư mục bảng hộ phân vùng (province/district/year)."),
    out: Path = typer.Option(..., "--out", "-o", help="Thư mục ghi các bảng kết quả (parquet)."),
    standard: str = typer.Option("vn-2022-2025", "--standard", help="Chuẩn nghèo áp dụng."),
    years: str | None = typer.Option(None, "--years", help="Chỉ các năm này (ví dụ 2023,2024)."),
    flows: bool = typer.Option(True, "--flows/--no-flows", help="Tính biến động giữa các kỳ."),
    dask: bool = typer.Option(False, "--dask", help="Tính bằng Dask (cụm máy hoặc LocalCluster)."),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Địa chỉ bộ điều phối Dask (ví dụ tcp://10.0.0.5:8786)."
    ),
    workers: int = typer.Option(2, "--workers", "-w", min=1, help="Số worker của LocalCluster."),
) -> None:
    """Tính chỉ số theo xã, huyện, tỉnh và toàn quốc; ghi ra các tệp parquet trong --out."""
    from analysis.scale.generate import parse_years

    chosen = parse_years(years) if years else None
    if dask or scheduler:
        from analysis.scale.distributed import measure_with_dask

        result = measure_with_dask(root, standard, years=chosen, scheduler=scheduler,
                                   workers=workers, with_flows=flows)  # fmt: skip
    else:
        from analysis.scale.tables import measure as measure_duckdb

        result = measure_duckdb(root, standard, years=chosen, with_flows=flows, progress=True)
    written = write_result(result, out)
    typer.echo(f"Đã ghi {len(written)} bảng vào {out}")


def write_result(result, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "communes": result.communes,
        "districts": result.districts,
        "provinces": result.provinces,
        "country": result.country,
        "classes": result.classes,
    }
    if result.af is not None:
        tables["alkire_foster_communes"] = result.af.summary
        tables["alkire_foster_indicators"] = result.af.indicators
    written = []
    for name, table in tables.items():
        path = out / f"{name}.parquet"
        table.to_parquet(path, index=False)
        written.append(path)
    return written
