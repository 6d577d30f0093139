"""Command line: `python -m analysis …`. A thin wrapper over the package's functions.

User mistakes (a bad config, a bad input file) and file-system failures (permission,
read-only disk, disk full: the message names the path) print a clear message and exit
with a non-zero status, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from analysis import i18n
from analysis.config import load_config
from analysis.errors import UserError, fs_error

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Phân tích giảm nghèo cho cấp huyện: rà soát hộ nghèo → bản đồ, mục tiêu, ngân sách, báo cáo.",
)


def _add_scale_commands() -> None:
    from analysis.scale.cli import app as scale_app

    app.add_typer(scale_app, name="scale")


_add_scale_commands()

CONFIG_OPTION = typer.Option(
    Path("config/huong_son.yaml"), "--config", "-c", help="Tệp cấu hình của huyện (YAML)."
)


@app.command()
def run(
    config: list[Path] = typer.Option(
        [Path("config/huong_son.yaml")],
        "--config",
        "-c",
        help="Tệp cấu hình của huyện (YAML). Nhắc lại --config cho nhiều huyện, hoặc cho tệp "
        "cấu hình tỉnh (liệt kê các huyện): các huyện chạy song song, rồi lập bảng tổng hợp tỉnh.",
    ),
    year: int = typer.Option(..., "--year", "-y", help="Năm rà soát cần báo cáo."),
    out: Path | None = typer.Option(
        None, "--out", help="Thư mục gốc của kết quả (mặc định: outputs/)."
    ),
    allow_incomplete: bool = typer.Option(
        False,
        "--allow-incomplete",
        help="Vẫn chạy khi có xã có tổng số hộ nhưng thiếu danh sách hộ: các xã đó được "
        "ghi 'thiếu số liệu' (không tính là 0%) trong mọi bảng, bản đồ và tài liệu.",
    ),
    run_date: str | None = typer.Option(
        None,
        "--run-date",
        help="Ngày lập ghi trong mọi tệp kết quả (dd/mm/yyyy; mặc định: hôm nay, hoặc theo "
        "biến môi trường SOURCE_DATE_EPOCH). Cùng dữ liệu, cấu hình và ngày lập cho cùng kết quả.",
    ),
    scenario: str | None = typer.Option(
        None, "--scenario", help="Phương án phân bổ ngân sách để so sánh với phương án cơ sở."
    ),
    language: str | None = typer.Option(
        None,
        "--language",
        help="Ngôn ngữ của kết quả: vi (tiếng Việt) hoặc en (tiếng Anh); mặc định theo khóa "
        "language của cấu hình.",
    ),
    workers: int = typer.Option(
        1,
        "--workers",
        "-w",
        min=1,
        help="Số huyện chạy cùng lúc (nhiều huyện, mỗi huyện một tiến trình).",
    ),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        help="Chạy các huyện trên cụm Dask tại địa chỉ này (ví dụ tcp://10.0.0.5:8786).",
    ),
) -> None:
    """Chạy toàn bộ chu trình năm: nhập liệu → đo lường → bản đồ → mục tiêu → ngân sách → báo cáo."""
    from analysis.reproducible import parse_run_date

    if language is not None:
        try:
            i18n.set_language(language)  # this process's messages, from here on
        except i18n.TranslationError as exc:
            raise UserError(str(exc)) from None
    day = parse_run_date(run_date) if run_date else None
    if len(config) > 1 or scheduler or _is_province(config[0]):
        from analysis.pipeline import language_environment

        with language_environment(language):  # the district workers inherit it
            _run_many(config, year, out, allow_incomplete, day, scenario, workers, scheduler)
        return
    from analysis.pipeline import run_cycle

    final = run_cycle(
        config[0], year, out_root=out, allow_incomplete=allow_incomplete, run_date=day,
        budget={"scenario": scenario}, language=language,
    )  # fmt: skip
    typer.echo(i18n.t("Hoàn thành. Kết quả tại: {path}", path=final))
    typer.echo(i18n.t("Báo cáo: {path}", path=final / "briefing.html"))


def _is_province(path: Path) -> bool:
    """A province config (lists districts); a file that cannot be read is left to `run_cycle`
    to report, as before."""
    from analysis.scale.province import is_province_config

    try:
        return is_province_config(path)
    except UserError:
        return False


def _run_many(configs, year, out, allow_incomplete, day, scenario, workers, scheduler) -> None:
    """Several districts (or a province config): each into its own folder, then the province."""
    from analysis.scale.province import run_province

    runs, province = run_province(
        configs, year, workers=workers, scheduler=scheduler, out_root=out, run_date=day,
        allow_incomplete=allow_incomplete, budget={"scenario": scenario},
    )  # fmt: skip
    for r in runs:
        typer.echo(f"  {r.slug}: {r.final}")  # a city or town as well as a huyện
    typer.echo(
        i18n.t(
            "Hoàn thành {n} đơn vị cấp huyện. Bảng tổng hợp tỉnh tại: {path}",
            n=len(runs),
            path=province,
        )
    )


@app.command()
def sample(
    config: Path = CONFIG_OPTION,
    households: int | None = typer.Option(None, help="Số hộ mô phỏng (mặc định: theo cấu hình)."),
    population: bool = typer.Option(
        False, "--population", help="Ghi thêm toàn bộ dân cư (parquet)."
    ),
    force: bool = typer.Option(False, "--force", help="Ghi đè dữ liệu mẫu đã có."),
) -> None:
    """Tạo dữ liệu mẫu mô phỏng (tất định) cho huyện trong cấu hình.

    Chỉ ghi và xóa trong thư mục mẫu (thư mục chứa data.household_lists), chỉ các tệp
    do chính lệnh này ghi; từ chối khi cấu hình ghi data.synthetic: false.
    """
    from analysis.synthetic.write import check_sample_folder, sample_folder, write_sample

    cfg = load_config(config)
    out_dir = sample_folder(cfg)  # refuses a non-synthetic config
    check_sample_folder(cfg, out_dir)  # refuses project/raw-data folders and foreign files
    if out_dir.exists() and any(out_dir.iterdir()) and not force:
        typer.echo(i18n.t("Dữ liệu mẫu đã có tại {path} (dùng --force để tạo lại).", path=out_dir))
        return
    path = write_sample(cfg, out_dir, households=households, population=population)
    typer.echo(i18n.t("Đã tạo dữ liệu mẫu mô phỏng tại: {path}", path=path))


@app.command()
def validate(
    path: Path | None = typer.Argument(
        None, help="Tệp hoặc thư mục cần kiểm tra (bỏ trống: kiểm tra cấu hình với dữ liệu của nó)."
    ),
    config: Path = CONFIG_OPTION,
    as_json: bool = typer.Option(
        False, "--json", help="In kết quả dạng một tài liệu JSON (cho kịch bản tự động)."
    ),
    year: int | None = typer.Option(
        None,
        "--year",
        "-y",
        help="Năm sẽ chạy (khi kiểm tra cấu hình): năm đó có số liệu và nằm trong các khoảng "
        "năm của cấu hình.",
    ),
) -> None:
    """Kiểm tra tệp đầu vào: báo từng lỗi với tệp, dòng, cột; không chạy phân tích."""
    import json

    from analysis.ingest import validate_path

    if path is None:
        from analysis import preflight

        cfg = load_config(config)
        problems = preflight.check_config(cfg, year=year)
        typer.echo(preflight.to_text(problems, cfg))
        if preflight.errors(problems):
            raise typer.Exit(code=1)
        return
    from analysis.geography.boundaries import SUFFIXES

    if path.suffix.lower() in SUFFIXES:  # a boundary file: checked as the config would use it
        _validate_boundary_file(path, load_config(config))
        return
    report = validate_path(path, load_config(config))
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
    else:
        typer.echo(report.to_text())
    if not report.ok:
        raise typer.Exit(code=1)


def _validate_boundary_file(path: Path, cfg) -> None:
    """`validate <boundary file>`: the config's vintage and fields, this file; exit 1 on errors."""
    from analysis.geography import boundary_problems
    from analysis.registry import registry_for

    bounds = cfg.boundaries.model_copy(update={"path": path.resolve()})
    cfg = cfg.model_copy(update={"boundaries": bounds})
    summary, found = boundary_problems(cfg, registry_for(cfg))
    label = {"error": "Lỗi", "warning": "Cảnh báo", "info": "Thông tin"}
    failed = any(p.severity == "error" for p in found)
    verdict = i18n.t("KHÔNG ĐẠT") if failed else i18n.t("ĐẠT")
    typer.echo(
        i18n.t("Tệp ranh giới {file}: {verdict}. {summary}", file=path.name, verdict=verdict,
               summary=summary)
    )  # fmt: skip
    for p in found:
        typer.echo(f"  - {i18n.t(label[p.severity])}: {p.message}")
    if failed:
        raise typer.Exit(code=1)


@app.command()
def inspect(
    path: Path = typer.Argument(..., help="Tệp cần xem (xlsx, xls, csv, parquet)."),
    config: Path = CONFIG_OPTION,
) -> None:
    """Xem bộ đọc hiểu tệp thế nào: dòng tiêu đề, từng cột khớp với cột chuẩn nào và vì sao,
    xã, năm, khu vực, bảng mã, các dòng tổng cộng bỏ qua."""
    from analysis.ingest.inspect import inspect_file

    typer.echo(inspect_file(path, load_config(config)))


@app.command()
def dictionary() -> None:
    """In từ điển dữ liệu (các cột chuẩn và các cách ghi tiêu đề được chấp nhận) dạng Markdown."""
    typer.echo(full_dictionary_markdown(), nl=False)


def full_dictionary_markdown() -> str:
    """docs/DATA_DICTIONARY.md: the canonical columns, then the accepted header spellings."""
    from analysis.ingest.headers import aliases_markdown
    from analysis.schema import data_dictionary_markdown

    return data_dictionary_markdown() + "\n" + aliases_markdown().rstrip("\n") + "\n"


def main() -> None:
    """Entry point: usage errors are click's messages; input and config errors are ours, and
    so are file-system errors anywhere in run, validate, sample and inspect."""
    try:
        app()
    except UserError as exc:
        typer.echo(i18n.t("Lỗi: {message}", message=exc), err=True)
        sys.exit(2)
    except OSError as exc:
        typer.echo(i18n.t("Lỗi: {message}", message=fs_error(exc, _path_argument())), err=True)
        sys.exit(2)


def _path_argument() -> str | None:
    """The file or folder the command was given (for an OSError that carries no path)."""
    args = sys.argv[1:]
    if len(args) > 1 and args[0] in ("validate", "inspect") and not args[1].startswith("-"):
        return args[1]
    for flag in ("--out", "--config", "-c"):
        if flag in args[:-1]:
            return args[args.index(flag) + 1]
    return None
