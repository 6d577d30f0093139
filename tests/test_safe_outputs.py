"""No text from an input becomes a live formula in a workbook or CSV the suite writes, and
Markdown outputs escape input text (issue 10, point 2)."""

import csv
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from analysis.config import load_config
from analysis.documents.safe_xlsx import (
    csv_text,
    excel_writer,
    formula_cell,
    is_formula_like,
    md_text,
    neutralise_workbook,
    set_text,
    write_csv,
)
from analysis.ingest import validate_path
from corpus.builders import household, write_list

CONFIG = load_config(Path(__file__).resolve().parents[1] / "config" / "huong_son.yaml")
HOSTILE = [
    '=HYPERLINK("http://evil.example/x","Bấm vào đây")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
]
MARKUP = "<script>alert(1)</script> A & B | C"


def _all_cells(path: Path):
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def _assert_no_formula(path: Path) -> list[str]:
    """No cell of `path` is a formula; returns the formula-like texts found (as text)."""
    found = []
    for cell in _all_cells(path):
        assert cell.data_type != "f", (path.name, cell.coordinate, cell.value)
        if is_formula_like(cell.value):
            assert cell.data_type == "s" and cell.quotePrefix, (cell.coordinate, cell.value)
            found.append(cell.value)
    return found


def _hostile_list(path: Path) -> Path:
    """A review list whose village names, two header cells and rejected rows' values are
    formula-like text (stored as text in the input, as a cell typed with a leading ')."""
    rows = []
    for i, text in enumerate(HOSTILE, start=1):
        rows.append(household(i, village=text))  # accepted row, hostile village
        rows.append(household(20 + i, village=text, n_members=text))  # rejected: not a number
    rows.append(household(39, n_members=MARKUP))
    rows += [household(40 + i) for i in range(60)]
    write_list(path, rows)
    wb = load_workbook(path)
    ws = wb.active
    ws.cell(5, ws.max_column + 1, "=1+1")  # header cells of unknown columns
    ws.cell(5, ws.max_column + 1, "@SUM(A1)")
    neutralise_workbook(wb)  # the formula-like texts are stored as text, as a user types them
    wb.save(path)
    return path


@pytest.fixture
def report_files(tmp_path, monkeypatch):
    monkeypatch.setenv("POVERTY_PSEUDONYM_KEY", "test-key-" + "0" * 32)
    lists = tmp_path / "lists"
    _hostile_list(lists / "2024" / "18196_son-kim-1.xlsx")
    report = validate_path(lists, CONFIG)
    assert len(report.rejects) >= len(HOSTILE)
    return report.write(tmp_path / "out")


def test_validation_workbook__hostile_text_is_text_never_a_formula(report_files):
    found = _assert_no_formula(report_files["xlsx"])
    texts = {v.replace("\n", "\r") for v in found}  # XML reads a bare CR back as LF
    for text in HOSTILE:  # values, rejected rows' values and header cells all made it through
        assert text in texts, text
    wb = load_workbook(report_files["xlsx"])
    headers = [str(c.value) for c in wb["Dòng bị loại"][1]]
    lost = wb["Lỗi"]
    assert any(c.value == "=1+1" for row in lost.iter_rows() for c in row)
    assert "village" in headers or "Thôn" in " ".join(headers)


def test_validation_markdown__input_text_escaped(report_files):
    md = report_files["markdown"].read_text(encoding="utf-8")
    assert "<script" not in md and "</script" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt; A &amp; B \\| C" in md
    assert "=HYPERLINK(&quot;" not in md  # quotes are left as typed, only &, <, > and |
    assert '=HYPERLINK("http://evil.example/x","Bấm vào đây")' in md


def test_md_text__escapes_html_pipes_and_line_breaks():
    assert md_text("<b>A & B</b> | c\r\nd\te") == "&lt;b&gt;A &amp; B&lt;/b&gt; \\| c d e"


def test_markdown_table_cell_cannot_open_a_tag_or_split_the_table(tmp_path):
    from analysis.ingest.report import _md

    table = _md(pd.DataFrame({"Tệp <x>": ["<img src=x onerror=alert(1)>|a\nb"]}))
    lines = table.splitlines()
    assert len(lines) == 3 and "<img" not in table and "<x>" not in table
    assert lines[2] == "| &lt;img src=x onerror=alert(1)&gt;\\|a b |"


def test_excel_writer__values_and_header_cells_text_numbers_stay_numbers(tmp_path):
    frame = pd.DataFrame({"=1+1": HOSTILE, "n": [-1, -2.5, 0, 3, 4, 5]})
    with excel_writer(tmp_path / "x.xlsx") as xw:
        frame.to_excel(xw, sheet_name="A", index=False)
    found = _assert_no_formula(tmp_path / "x.xlsx")
    assert "=1+1" in found
    numbers = [c.value for c in load_workbook(tmp_path / "x.xlsx")["A"]["B"][1:]]
    assert numbers == [-1, -2.5, 0, 3, 4, 5]


def test_set_text_and_formula_cell():
    ws = Workbook().active
    assert set_text(ws["A1"], "=1+1").data_type == "s" and ws["A1"].quotePrefix
    assert set_text(ws["A2"], -3).data_type == "n"
    assert set_text(ws["A3"], "Sơn Kim").quotePrefix is False
    assert formula_cell(ws["A4"], "=SUM(A1:A2)").data_type == "f"


def test_csv__formula_like_text_quoted_numbers_untouched(tmp_path):
    frame = pd.DataFrame({"@h": HOSTILE, "n": [-1, -2, 0, 1, 2, 3], "s": ["-"] + ["a"] * 5})
    path = write_csv(frame, tmp_path / "x.csv", encoding="utf-8", lineterminator="\n")
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["'@h", "n", "s"]
    assert [r[0] for r in rows[1:]] == ["'" + t for t in HOSTILE]
    assert [r[1] for r in rows[1:]] == ["-1", "-2", "0", "1", "2", "3"]
    assert csv_text("Thôn 1") == "Thôn 1" and csv_text(-5) == -5


def test_proposals_workbook__own_formulas_kept_hostile_names_text(tmp_path):
    from analysis.forecast.core import run_model
    from analysis.forecast.example import example_indicators
    from analysis.proposals import propose_targets, write_proposals_xlsx

    table = example_indicators(n_communes=6, seed=2)
    result = run_model("flow", table, CONFIG, 2024, 200, 0)
    t = propose_targets(result, table, CONFIG)
    t["commune_name"] = t["commune_name"].astype(object)
    t.loc[t.index[0], "commune_name"] = HOSTILE[0]
    t.loc[t.index[1], "commune_name"] = "-2+3"
    path = write_proposals_xlsx(t, tmp_path / "p.xlsx", CONFIG)
    cells = list(_all_cells(path))
    hostile = [c for c in cells if c.value in (HOSTILE[0], "-2+3")]
    assert len(hostile) == 2 and all(c.data_type == "s" and c.quotePrefix for c in hostile)
    formulas = [c for c in cells if c.data_type == "f"]
    assert formulas and all(str(c.value).startswith(("=SUM(", "=", "=(")) for c in formulas)
    assert not any("HYPERLINK" in str(c.value) for c in formulas)
