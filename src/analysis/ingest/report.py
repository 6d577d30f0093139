"""The validation report of a run, in the run's language (Vietnamese by default): text for
the console, an HTML/markdown section for the briefing, and an XLSX with one row per problem
and the per-file reconciliation (read = accepted + rejected). Tables are built with
Vietnamese headers and labels and translated as they are written (`shown`, analysis.i18n)."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.documents.safe_xlsx import excel_writer, md_text
from analysis.documents.xlsx_style import format_table
from analysis.i18n import t
from analysis.ingest.headers import SKIP
from analysis.ingest.problems import PROBLEM_COLUMNS, PROBLEM_LABELS_VI, SEVERITY_LABELS_VI
from analysis.reproducible import pin_zip
from analysis.schema import (
    DYNAMICS_LABELS_VI,
    HOUSEHOLD_COLUMNS,
    INDICATOR_COLUMNS,
    TOTALS_COLUMNS,
)
from analysis.vietnamese import format_number

TABLE_LABELS_VI = {"households": "Danh sách hộ", "totals": "Tổng số hộ", "summary": "Biểu tổng hợp"}
FILE_LABELS_VI = {
    "file": "Tệp",
    "sheet": "Trang tính",
    "table": "Loại bảng",
    "n_read": "Đọc",
    "n_accepted": "Nhận",
    "n_rejected": "Loại",
    "year": "Năm",
    "commune_code": "Mã xã",
    "n_households": "Số hộ nhận",
    "n_persons": "Nhân khẩu",
    "n_poor": "Hộ nghèo",
    "n_near_poor": "Hộ cận nghèo",
}
FUZZY_LABELS_VI = {
    "file": "Tệp",
    "vintage": "Kỳ đơn vị",
    "written": "Tên ghi trong tệp",
    "code": "Mã xã",
    "name": "Tên xã khớp",
    "score": "Độ giống (%)",
}
SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITY_LABELS_VI)}
MAPPING_COLUMNS = ["file", "sheet", "header", "column", "score", "how"]
MAPPING_LABELS_VI = {
    "file": "Tệp",
    "sheet": "Trang tính",
    "header": "Tiêu đề cột trong tệp",
    "column": "Cột chuẩn",
    "score": "Độ khớp (%)",
    "how": "Cách khớp",
}
JSON_STATS = ("households", "persons", "poor", "near_poor")


def file_entries(files: pd.DataFrame, summary_rows: pd.DataFrame) -> list[dict]:
    """JSON entries: one per list file (sheets summed) and one per commune of a summary table."""
    out = []
    for file, part in files.groupby("file", sort=False):
        table = part["table"].iloc[0]
        if table == "summary" and not summary_rows.empty:
            for rec in summary_rows[summary_rows["file"] == file].itertuples(index=False):
                out.append(_entry(file, rec.sheet, rec.year, rec.commune_code, 1, 1, 0,
                                  [rec.n_households, rec.n_persons, rec.n_poor, rec.n_near_poor]))  # fmt: skip
            continue
        stats = [part[c].sum(min_count=1) for c in
                 ("n_households", "n_persons", "n_poor", "n_near_poor")]  # fmt: skip
        out.append(_entry(file, ", ".join(s for s in part["sheet"].unique() if s),
                          _joined(part["year"]), _joined(part["commune_code"]),
                          part["n_read"].sum(), part["n_accepted"].sum(),
                          part["n_rejected"].sum(), stats))  # fmt: skip
    return out


def _entry(file, sheet, year, code, read, accepted, rejected, stats) -> dict:
    year = _plain(year)
    year = int(year) if isinstance(year, str) and year.isdigit() else year
    entry = {"file": file, "sheet": sheet or "", "year": year,
             "commune_code": _plain(code), "rows_read": int(read), "accepted": int(accepted),
             "rejected": int(rejected)}  # fmt: skip
    entry.update({k: _plain(v) for k, v in zip(JSON_STATS, stats, strict=True)})
    return entry


def _joined(values: pd.Series) -> object:
    distinct = list(dict.fromkeys(str(v) for v in values.dropna()))
    if not distinct:
        return None
    return distinct[0] if len(distinct) == 1 else ", ".join(distinct)


def _plain(value: object) -> object:
    """JSON-ready: numpy/pandas scalars to Python, missing to None, '2024' years to int."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass
class ValidationReport:
    """What a check of input files found. `ok` is False when a fatal problem exists."""

    problems: pd.DataFrame
    files: pd.DataFrame
    rejects: pd.DataFrame
    fuzzy_matches: pd.DataFrame
    mappings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=MAPPING_COLUMNS))
    summary_rows: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def ok(self) -> bool:
        return not (self.problems["severity"] == "fatal").any()

    def counts(self) -> dict[str, int]:
        sev = self.problems["severity"].value_counts()
        return {
            "files": self.files["file"].nunique() if not self.files.empty else 0,
            "read": int(self.files["n_read"].sum()) if not self.files.empty else 0,
            "accepted": int(self.files["n_accepted"].sum()) if not self.files.empty else 0,
            "rejected": int(self.files["n_rejected"].sum()) if not self.files.empty else 0,
            **{s: int(sev.get(s, 0)) for s in SEVERITY_LABELS_VI},
        }

    def to_json(self) -> dict:
        """One document for scripts: the verdict, one entry per input file (a workbook's
        sheets together; a summary table's communes one by one) and every problem."""
        return {
            "ok": bool(self.ok),
            "files": file_entries(self.files, self.summary_rows),
            "problems": [
                {k: _plain(v) for k, v in rec.items()}
                for rec in self.problems[PROBLEM_COLUMNS].to_dict("records")
            ],
        }

    def summary_sentence(self) -> str:
        c = self.counts()
        n = format_number
        return t(
            "Đã đọc {files} tệp: {read} dòng dữ liệu, nhận {accepted}, loại {rejected}. Có "
            "{fatal} lỗi nghiêm trọng, {error} lỗi ở dòng, {warning} cảnh báo và {info} thông tin.",
            files=n(c["files"]),
            read=n(c["read"]),
            accepted=n(c["accepted"]),
            rejected=n(c["rejected"]),
            fatal=n(c["fatal"]),
            error=n(c["error"]),
            warning=n(c["warning"]),
            info=n(c["info"]),
        )

    def to_text(self, limit: int = 50) -> str:
        """Console text: verdict, counts, then the most serious problems first."""
        verdict = t("ĐẠT") if self.ok else t("KHÔNG ĐẠT (có lỗi nghiêm trọng)")
        lines = [t("Kiểm tra dữ liệu đầu vào: {verdict}", verdict=verdict), self.summary_sentence()]
        shown = sorted_problems(self.problems)
        shown = shown[shown["severity"] != "info"].head(limit)
        for rec in shown.itertuples(index=False):
            lines.append(f"  [{t(SEVERITY_LABELS_VI[rec.severity])}] {where(rec)}{t(rec.message)}")
        hidden = int((self.problems["severity"] != "info").sum()) - len(shown)
        if hidden > 0:
            lines.append(t("  ... và {n} vấn đề khác (xem tệp XLSX)", n=format_number(hidden)))
        return "\n".join(lines)

    def to_markdown(self, limit: int = 100) -> str:
        parts = ["## " + t("Kiểm tra dữ liệu đầu vào"), "", self.summary_sentence(), ""]
        parts += [
            "### " + t("Đối chiếu theo xã và năm (danh sách hộ)"),
            "",
            _md(communes_vi(self.files)),
            "",
        ]
        parts += [
            "### " + t("Đối chiếu theo tệp (đọc = nhận + loại)"),
            "",
            _md(files_vi(self.files)),
            "",
        ]
        if not self.problems.empty:
            parts += ["### " + t("Các loại vấn đề"), "", _md(problem_kinds(self.problems)), ""]
            parts += [
                "### " + t("Các vấn đề"),
                "",
                _md(problems_vi(sorted_problems(self.problems).head(limit))),
                "",
            ]
        guessed = (
            self.mappings[self.mappings["how"] != "tên chuẩn"]
            if not self.mappings.empty
            else self.mappings
        )
        if not guessed.empty:
            parts += [
                "### " + t("Cột nhận ra không theo tên chuẩn (viết tắt, bỏ chú thích, gần đúng)"),
                "",
                _md(guessed.rename(columns=MAPPING_LABELS_VI)),
                "",
            ]
        if not self.fuzzy_matches.empty:
            parts += [
                "### " + t("Tên xã khớp gần đúng"),
                "",
                _md(self.fuzzy_matches.rename(columns=FUZZY_LABELS_VI)),
                "",
            ]
        return "\n".join(parts)

    def to_html(self, limit: int = 200) -> str:
        """An HTML fragment (no <html>/<body>) for the briefing."""

        def h(level: int, title: str) -> str:
            return f"<h{level}>{html.escape(t(title))}</h{level}>"

        def table(frame: pd.DataFrame) -> str:
            return shown(frame).to_html(index=False, border=0, na_rep="")

        parts = ['<section class="validation">', h(2, "Kiểm tra dữ liệu đầu vào")]
        parts.append(f"<p>{html.escape(self.summary_sentence())}</p>")
        parts.append(h(3, "Đối chiếu theo xã và năm (danh sách hộ)"))
        parts.append(table(communes_vi(self.files)))
        parts.append(h(3, "Đối chiếu theo tệp (đọc = nhận + loại)"))
        parts.append(table(files_vi(self.files)))
        if not self.problems.empty:
            parts.append(h(3, "Các loại vấn đề"))
            parts.append(table(problem_kinds(self.problems)))
            parts.append(h(3, "Các vấn đề"))
            parts.append(table(problems_vi(sorted_problems(self.problems).head(limit))))
            if len(self.problems) > limit:
                more = format_number(len(self.problems) - limit)
                parts.append(
                    f"<p>{html.escape(t('… và {n} vấn đề khác trong tệp XLSX.', n=more))}</p>"
                )
        if not self.fuzzy_matches.empty:
            parts.append(h(3, "Tên xã khớp gần đúng (cần kiểm tra)"))
            parts.append(table(self.fuzzy_matches.rename(columns=FUZZY_LABELS_VI)))
        parts.append("</section>")
        return "\n".join(parts)

    def write(self, out_dir: str | Path, note: str = "") -> dict[str, Path]:
        """XLSX (with `note`, e.g. that the data are synthetic, on a first sheet), HTML, markdown."""
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        paths = {
            "xlsx": out_dir / "kiem_tra_du_lieu.xlsx",
            "html": out_dir / "kiem_tra_du_lieu.html",
            "markdown": out_dir / "kiem_tra_du_lieu.md",
        }
        with excel_writer(paths["xlsx"]) as xw:

            def sheet(frame: pd.DataFrame, name: str) -> None:
                shown(frame).to_excel(xw, sheet_name=t(name)[:31], index=False)

            if note:
                sheet(pd.DataFrame({"Ghi chú": [t(note), self.summary_sentence()]}), "Ghi chú")
            sheet(problems_vi(sorted_problems(self.problems)), "Lỗi")
            sheet(_numbers(files_vi(self.files)), "Đối chiếu")
            sheet(_numbers(communes_vi(self.files)), "Theo xã")
            sheet(rejects_vi(self.rejects), "Dòng bị loại")
            sheet(self.fuzzy_matches.rename(columns=FUZZY_LABELS_VI), "Khớp gần đúng")
            sheet(mappings_vi(self.mappings), "Ánh xạ cột")
            for ws in xw.sheets.values():
                format_table(ws, 1)
        pin_zip(paths["xlsx"])
        lead = f"<p><strong>{html.escape(t(note))}</strong></p>" if note else ""
        paths["html"].write_text(lead + self.to_html(), encoding="utf-8")
        paths["markdown"].write_text(
            (f"**{md_text(t(note))}**\n\n" if note else "") + self.to_markdown(), encoding="utf-8"
        )
        return paths


def where(rec) -> str:
    parts = [rec.file]
    if rec.sheet:
        parts.append(t("trang '{sheet}'", sheet=rec.sheet))
    if pd.notna(rec.row):
        parts.append(t("dòng {row}", row=rec.row))
    if rec.column:
        parts.append(t("cột '{column}'", column=rec.column))
    if rec.value:
        parts.append(t("giá trị '{value}'", value=rec.value))
    text = ", ".join(p for p in parts if p)
    return f"{text}: " if text else ""


def sorted_problems(problems: pd.DataFrame) -> pd.DataFrame:
    order = problems["severity"].map(SEVERITY_ORDER)
    return (
        problems.assign(_o=order)
        .sort_values(["_o", "file", "sheet", "row"], kind="stable")
        .drop(columns="_o")
    )


def problem_kinds(problems: pd.DataFrame) -> pd.DataFrame:
    """Problems counted by severity and kind (messages alike but for their numbers); each
    kind is shown by its first message, numbers filled in (never an unfilled "…")."""
    shown = problems["message"].str.replace(r"\s*\(.*$", "", regex=True)
    stem = shown.str.replace(r"\d[\d.,]*", "#", regex=True)
    kinds = (
        pd.DataFrame(
            {
                "severity": problems["severity"],
                "stem": stem,
                "message": shown,
                "file": problems["file"],
            }
        )  # fmt: skip
        .groupby(["severity", "stem"], sort=False)
        .agg(message=("message", "first"), n=("file", "size"), files=("file", "nunique"))
        .reset_index()
    )
    order = kinds["severity"].map(SEVERITY_ORDER)
    kinds = kinds.assign(_o=order).sort_values(["_o", "n"], ascending=[True, False])
    return pd.DataFrame(
        {
            "Mức độ": kinds["severity"].map(SEVERITY_LABELS_VI),
            "Vấn đề": kinds["message"],
            "Số lần": kinds["n"],
            "Số tệp": kinds["files"],
        }
    )


def problems_vi(problems: pd.DataFrame) -> pd.DataFrame:
    out = problems[PROBLEM_COLUMNS].copy()
    out["severity"] = out["severity"].map(SEVERITY_LABELS_VI)
    return out.rename(columns=PROBLEM_LABELS_VI)


COMMUNE_LABELS_VI = {"n_files": "Số tệp", **FILE_LABELS_VI}


def by_commune(files: pd.DataFrame) -> pd.DataFrame:
    """The lists' reconciliation per year and commune: files, read = accepted + rejected,
    households, persons, poor and near-poor accepted."""
    lists = files[files["table"] == "households"] if not files.empty else files
    if lists.empty:
        return pd.DataFrame(columns=["year", "commune_code"])
    counts = ["n_read", "n_accepted", "n_rejected", "n_households", "n_persons", "n_poor",
              "n_near_poor"]  # fmt: skip
    out = lists.groupby(["year", "commune_code"], dropna=False, sort=True).agg(
        n_files=("file", "nunique"), **{c: (c, "sum") for c in counts}
    )
    return out.reset_index()


REJECT_LABELS_VI = {
    "table": "Loại bảng",
    "file": "Tệp",
    "sheet": "Trang tính",
    "row": "Dòng",
    "reason": "Lý do loại",
}


def _numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """For the workbook: a year written as text ("2024") stored as the number 2024."""
    if "Năm" not in frame:
        return frame
    years = frame["Năm"].map(lambda v: int(v) if isinstance(v, str) and v.isdigit() else v)
    return frame.assign(**{"Năm": years.astype(object)})


def column_labels_vi() -> dict[str, str]:
    """Vietnamese label of every canonical column (households, totals, indicators, flows)."""
    out = {c: " – ".join(p for p in label if p) for c, label in DYNAMICS_LABELS_VI.items()}
    for cols in (INDICATOR_COLUMNS, TOTALS_COLUMNS, HOUSEHOLD_COLUMNS):
        out |= {c.name: c.label_vi for c in cols}
    return out


def rejects_vi(rejects: pd.DataFrame) -> pd.DataFrame:
    """Rejected rows with Vietnamese headers (canonical columns by their labels)."""
    out = rejects.copy()
    if "table" in out:
        out["table"] = out["table"].map(TABLE_LABELS_VI).fillna(out["table"])
    return out.rename(columns=REJECT_LABELS_VI | column_labels_vi())


def mappings_vi(mappings: pd.DataFrame) -> pd.DataFrame:
    """Header mappings, the canonical column named by its Vietnamese label."""
    out = mappings.copy()
    if "column" in out:
        labels = column_labels_vi() | {SKIP: "(bỏ qua: cột không dùng)"}
        out["column"] = out["column"].map(lambda c: labels.get(c, c) if isinstance(c, str) else c)
    return out.rename(columns=MAPPING_LABELS_VI)


def communes_vi(files: pd.DataFrame) -> pd.DataFrame:
    return by_commune(files).rename(columns=COMMUNE_LABELS_VI)


def files_vi(files: pd.DataFrame) -> pd.DataFrame:
    out = files.copy()
    out["table"] = out["table"].map(TABLE_LABELS_VI).fillna(out["table"])
    return out.rename(columns=FILE_LABELS_VI)


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` as the reader sees it: headers and text cells that are catalog entries in the
    run's language (the tables here are built with Vietnamese labels)."""
    out = frame.rename(columns=lambda c: t(str(c)))
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(t)
    return out


def _md(frame: pd.DataFrame) -> str:
    if frame.empty:
        return t("_(không có)_")
    frame = shown(frame)
    cols = list(frame.columns)
    rows = ["| " + " | ".join(md_text(c) for c in cols) + " |", "|" + "---|" * len(cols)]
    for rec in frame.itertuples(index=False):
        cells = [_cell(col, v) for col, v in zip(cols, rec, strict=True)]
        rows.append("| " + " | ".join(md_text(c) for c in cells) + " |")
    return "\n".join(rows)


def _cell(column: str, value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if (
        column in ("Dòng", "Mã xã", "Kỳ đơn vị", *map(t, ("Dòng", "Mã xã", "Kỳ đơn vị")))
        or isinstance(value, bool)
        or not isinstance(value, int | float)
    ):
        return str(value)
    decimals = 0 if float(value).is_integer() else 1
    return format_number(value, decimals)
