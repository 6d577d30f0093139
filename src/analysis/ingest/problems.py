"""Problems found while reading inputs: collected, never raised one at a time.

Each problem names the file, sheet, the row number the user sees (the Excel row,
or the text line of a CSV), the column header as written in the file, the value
and what is wrong. Severity decides what happens:

- `fatal`: the file (or the run) cannot be used; `read_review` stops with UserError.
- `error`: the row goes to the rejects table with this reason.
- `warning`: the row is kept; the report shows the warning.
- `info`: something the reader inferred (a year taken from the file name, an
  encoding converted, a fuzzy name match), reported so nothing happens silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

SEVERITIES = ("fatal", "error", "warning", "info")
SEVERITY_LABELS_VI = {
    "fatal": "Lỗi nghiêm trọng",
    "error": "Lỗi (loại dòng)",
    "warning": "Cảnh báo",
    "info": "Thông tin",
}
PROBLEM_COLUMNS = ["file", "sheet", "row", "column", "value", "message", "severity"]
PROBLEM_LABELS_VI = {
    "file": "Tệp",
    "sheet": "Trang tính",
    "row": "Dòng",
    "column": "Cột",
    "value": "Giá trị",
    "message": "Lỗi",
    "severity": "Mức độ",
}


@dataclass
class ProblemLog:
    """Collects problems; `frame()` returns them as one table (PROBLEM_COLUMNS)."""

    parts: list[pd.DataFrame] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)

    def add(
        self,
        severity: str,
        message: str,
        file: str = "",
        sheet: str = "",
        row: int | None = None,
        column: str = "",
        value: object = "",
    ) -> None:
        assert severity in SEVERITIES, severity
        self.rows.append(
            {
                "file": str(file),
                "sheet": sheet or "",
                "row": row,
                "column": column or "",
                "value": _text(value),
                "message": message,
                "severity": severity,
            }
        )

    def add_frame(self, frame: pd.DataFrame) -> None:
        """Add many row problems at once (columns PROBLEM_COLUMNS)."""
        if not frame.empty:
            self.parts.append(frame[PROBLEM_COLUMNS])

    def frame(self) -> pd.DataFrame:
        frames = [pd.DataFrame(self.rows, columns=PROBLEM_COLUMNS), *self.parts]
        frames = [f for f in frames if not f.empty]
        if not frames:
            return empty_problems()
        out = pd.concat(frames, ignore_index=True)
        out["row"] = pd.array(out["row"], dtype="Int64")
        for col in ("file", "sheet", "column", "value", "message", "severity"):
            out[col] = out[col].fillna("").astype("string")
        return out

    def has_fatal(self) -> bool:
        return any(r["severity"] == "fatal" for r in self.rows) or any(
            (p["severity"] == "fatal").any() for p in self.parts
        )


def empty_problems() -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series(dtype="string") for c in PROBLEM_COLUMNS})
    out["row"] = pd.array([], dtype="Int64")
    return out


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)
