"""The briefing as a list of sections, rendered to the notebook (→ HTML, PDF) and to Word.

Every number comes from the tables the run computed; sentences are generated
from them, never typed by hand. Tables are formatted once, as strings in the run's language
(1.234,5 or 1,234.5; dd/mm/yyyy), and the same strings go to every format.

Language (analysis.i18n): sentences with values are generated in the run's language
(`t(template, **values)`); a block's whole texts that are catalog entries (a heading, a
column header, a label in a cell such as "thiếu số liệu" or a verdict) are translated when
the block is rendered (`text`, `table_cells`), so a table can be built with Vietnamese labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.i18n import t
from analysis.vietnamese import format_number, format_pct

NUMBER_BLANK = " " * 8  # the number is given when the document is registered
PLACEHOLDER_PREFIX = "Phần do cơ quan soạn thảo bổ sung:"
MERGER_YEAR = 2025  # from 1 July 2025 districts no longer exist (two-level local government)
SYNTHETIC_NOTE = "Dữ liệu mô phỏng, không phải số liệu thật của huyện."
MISSING_DATA_VI = "thiếu số liệu"  # cells of a commune whose list is absent
NO_MICRODATA = (
    "Năm này chỉ có biểu tổng hợp theo xã, không có danh sách hộ: phân tích này cần số liệu "
    "từng hộ nên không lập được (không ước tính thay)."
)


# ---------------------------------------------------------------- number formats
def pct(fraction: float, decimals: int = 2) -> str:
    """0.05123 -> '5,12%' (documents show rates with 2 decimals); missing -> '–'."""
    return format_pct(fraction, decimals)


def pp(delta_fraction: float, decimals: int = 2) -> str:
    """A change in a rate, in percentage points with a sign: -0.0071 -> '−0,71 điểm %'
    (English '−0.71 pp')."""
    if delta_fraction is None or pd.isna(delta_fraction):
        return "–"
    sign = "+" if delta_fraction > 0 else ("−" if delta_fraction < 0 else "")
    value = format_number(abs(100 * delta_fraction), decimals)
    return sign + t("{value}\u00a0điểm\u00a0%", value=value)


def text(value: object) -> str:
    """A block's text as shown: a whole catalog entry in the run's language, else as given."""
    return t(str(value))


# ---------------------------------------------------------------- the briefing model
@dataclass(frozen=True)
class Paragraph:
    text: str  # may contain **bold** spans


@dataclass(frozen=True)
class Table:
    data: pd.DataFrame  # display strings, Vietnamese headers
    caption: str
    source: str = ""


@dataclass(frozen=True)
class Figure:
    path: Path
    caption: str
    width_cm: float = 16.0


@dataclass(frozen=True)
class Placeholder:
    """An editable gap for what only people know, shown as "[Phần do cơ quan soạn thảo bổ sung: …]"."""

    what: str

    @property
    def text(self) -> str:
        return f"[{t(PLACEHOLDER_PREFIX)} {t(self.what)}]"


@dataclass(frozen=True)
class Letterhead:
    """The header of an administrative report (Decree 30/2020/NĐ-CP, Appendix I)."""

    superior: str
    issuer: str
    number: str  # "Số: …/BC-UBND"
    place_date: str  # "Hương Sơn, ngày 05 tháng 01 năm 2025"
    kind: str  # "BÁO CÁO"
    subject: str


@dataclass(frozen=True)
class Closing:
    """The foot: "Nơi nhận:" with the recipients (left), the signature block (right)."""

    recipients: tuple[str, ...]
    signature: tuple[str, ...]  # authority lines, e.g. TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / ...
    signer: str = "[Họ và tên]"


@dataclass
class Section:
    title: str  # empty: no heading (the letterhead and the closing)
    blocks: list = field(default_factory=list)
    new_page: bool = False  # starts on a new page (the annexes)


# ---------------------------------------------------------------- tables that paste cleanly
PAGE_TEXT_WIDTH_CM = 21.0 - 3.0 - 1.5  # A4 less the left (30 mm) and right (15 mm) margins
NOWRAP_MAX_CHARS = 24  # a column whose cells are all this short never breaks a line
_NUMBER = re.compile(
    r"^[+-]?\d{1,3}(\.\d{3})*(,\d+)?( ?%| điểm %)?$|^[+-]?\d+(,\d+)?( ?%)?$"  # Vietnamese
    r"|^[+-]?\d{1,3}(,\d{3})*(\.\d+)?( ?%| pp)?$|^[+-]?\d+(\.\d+)?( ?%)?$"  # English
)
_DASHES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\u2010": "-",
                         "\u2011": "-", "\u00a0": " ", "\u202f": " ", "\u2007": " "})  # fmt: skip


def plain(value: object) -> str:
    """A cell as it pastes into a resolution draft: hyphen-minus for every dash and minus
    sign, ordinary spaces (no no-break or thin spaces), no surrounding blanks."""
    return " ".join(str(value).translate(_DASHES).split())


def table_cells(table: Table) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of `table` as plain strings (see `plain`), whole-text labels
    in the run's language (see `text`)."""
    header = [plain(text(c)) for c in table.data.columns]
    rows = [[plain(text(v)) for v in row] for row in table.data.itertuples(index=False)]
    return header, rows


def numeric_columns(header: list[str], rows: list[list[str]]) -> list[bool]:
    """Columns whose filled cells are all numbers (1.234; 5,12%; -0,71 điểm %): right-aligned."""
    out = []
    for j in range(len(header)):
        filled = [r[j] for r in rows if r[j] not in ("", "-", MISSING_DATA_VI, t(MISSING_DATA_VI))]
        out.append(bool(filled) and all(_NUMBER.match(v) for v in filled))
    return out


def _is_name_column(name: str) -> bool:
    """Columns of place names and codes (never broken, whatever the table's width)."""
    words = name.lower().split()
    first = ("xã", "mã", "tên", "huyện", "đơn", "commune", "code", "name", "district", "former")
    return bool(words) and (words[0] in first or name in ("Năm", "Year"))


def _longest_word(texts) -> int:
    return max((len(w) for t in texts for w in t.split()), default=1)


@dataclass(frozen=True)
class TableLayout:
    font_pt: float
    widths: list[float]  # fractions of the text width, summing to 1
    nowrap: list[bool]
    numeric: list[bool]


TABLE_PT = 10.5  # table text; smaller for wide tables, never below TABLE_MIN_PT
TABLE_MIN_PT = 8.0
CHAR_EM = 0.7  # width of a (bold, serif) character in em, on the safe side
CELL_PAD_PT = 7.0  # cell padding and borders, per column
TEXT_WIDTH_PT = PAGE_TEXT_WIDTH_CM / 2.54 * 72
LONG_TEXT_MIN_CHARS = 12  # a long-text column keeps at least this many characters a line


def table_layout(header: list[str], rows: list[list[str]]) -> TableLayout:
    """Font size, column widths and which columns never wrap, from the cells.

    Short columns (cells of at most NOWRAP_MAX_CHARS) are as wide as their longest cell and
    never wrap; the long-text columns share what is left, never narrower than their longest
    word. Headers wrap between words only. A table too wide for the page gets a smaller font,
    then its short text columns other than names and codes may wrap between words."""
    n = len(header)
    numeric = numeric_columns(header, rows)
    columns = [[r[j] for r in rows] for j in range(n)]
    head_word = [_longest_word([h]) for h in header]
    cell_word = [_longest_word(c) for c in columns]
    longest = [max((len(v) for v in c), default=0) for c in columns]
    nowrap = [m <= NOWRAP_MAX_CHARS for m in longest]

    def chars(j: int) -> int:
        if nowrap[j]:
            return max(head_word[j], longest[j], 3)
        return max(head_word[j], cell_word[j], min(longest[j], 40), 3)

    def floor(j: int) -> int:
        if nowrap[j]:
            return chars(j)
        return max(head_word[j], cell_word[j], min(longest[j], LONG_TEXT_MIN_CHARS), 3)

    room = TEXT_WIDTH_PT - CELL_PAD_PT * n
    size = max(
        TABLE_MIN_PT, int(min(TABLE_PT, room / (CHAR_EM * sum(map(chars, range(n))))) * 2) / 2
    )
    # too wide even at the smallest font: short text columns (not names, not numbers) wrap
    if sum(map(floor, range(n))) * CHAR_EM * size > room:
        for j in range(n):
            if nowrap[j] and not numeric[j] and not _is_name_column(header[j]):
                nowrap[j] = False
    need = [chars(j) * CHAR_EM * size + CELL_PAD_PT for j in range(n)]
    excess = sum(need) - TEXT_WIDTH_PT
    if excess > 0:
        give = [max(0.0, need[j] - (floor(j) * CHAR_EM * size + CELL_PAD_PT)) for j in range(n)]
        if sum(give) > 0:
            share = min(1.0, excess / sum(give))
            need = [w - g * share for w, g in zip(need, give, strict=True)]
    total = sum(need)
    return TableLayout(size, [w / total for w in need], nowrap, numeric)


def nowrap_columns(header: list[str], rows: list[list[str]]) -> list[bool]:
    """Columns never broken across lines (see `table_layout`)."""
    return table_layout(header, rows).nowrap


def column_widths(header: list[str], rows: list[list[str]]) -> list[float]:
    """Column widths as fractions of the text width (see `table_layout`)."""
    return table_layout(header, rows).widths


def table_font_pt(header: list[str], rows: list[list[str]]) -> float:
    """The table's font size (see `table_layout`)."""
    return table_layout(header, rows).font_pt
