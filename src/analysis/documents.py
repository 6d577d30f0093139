"""The briefing as a list of sections, rendered to the notebook (→ HTML, PDF) and to Word.

Every number comes from the tables the run computed; sentences are generated
from them, never typed by hand. Tables are formatted once, as Vietnamese strings
(1.234,5; dd/mm/yyyy), and the same strings go to every format.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from datetime import date
from html import escape
from pathlib import Path

import pandas as pd

from analysis.config import Config
from analysis.reproducible import run_date
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
    """A change in a rate, in percentage points with a sign: -0.0071 -> '−0,71 điểm %'."""
    if delta_fraction is None or pd.isna(delta_fraction):
        return "–"
    sign = "+" if delta_fraction > 0 else ("−" if delta_fraction < 0 else "")
    return f"{sign}{format_number(abs(100 * delta_fraction), decimals)}\u00a0điểm\u00a0%"


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
        return f"[{PLACEHOLDER_PREFIX} {self.what}]"


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


def _bold_html(text: str) -> str:
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escape(text))


# ---------------------------------------------------------------- tables that paste cleanly
PAGE_TEXT_WIDTH_CM = 21.0 - 3.0 - 1.5  # A4 less the left (30 mm) and right (15 mm) margins
NOWRAP_MAX_CHARS = 24  # a column whose cells are all this short never breaks a line
_NUMBER = re.compile(r"^[+-]?\d{1,3}(\.\d{3})*(,\d+)?( ?%| điểm %)?$|^[+-]?\d+(,\d+)?( ?%)?$")
_DASHES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\u2010": "-",
                         "\u2011": "-", "\u00a0": " ", "\u202f": " ", "\u2007": " "})  # fmt: skip


def plain(value: object) -> str:
    """A cell as it pastes into a resolution draft: hyphen-minus for every dash and minus
    sign, ordinary spaces (no no-break or thin spaces), no surrounding blanks."""
    return " ".join(str(value).translate(_DASHES).split())


def table_cells(table: Table) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of `table` as plain strings (see `plain`)."""
    header = [plain(c) for c in table.data.columns]
    rows = [[plain(v) for v in row] for row in table.data.itertuples(index=False)]
    return header, rows


def numeric_columns(header: list[str], rows: list[list[str]]) -> list[bool]:
    """Columns whose filled cells are all numbers (1.234; 5,12%; -0,71 điểm %): right-aligned."""
    out = []
    for j in range(len(header)):
        filled = [r[j] for r in rows if r[j] not in ("", "-", MISSING_DATA_VI)]
        out.append(bool(filled) and all(_NUMBER.match(v) for v in filled))
    return out


def _is_name_column(name: str) -> bool:
    """Columns of place names and codes (never broken, whatever the table's width)."""
    words = name.lower().split()
    return bool(words) and (words[0] in ("xã", "mã", "tên", "huyện", "đơn") or name == "Năm")


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


def table_html(table: Table) -> str:
    header, rows = table_cells(table)
    layout = table_layout(header, rows)
    numeric, nowrap, widths, size = layout.numeric, layout.nowrap, layout.widths, layout.font_pt

    def cls(j: int, head: bool = False) -> str:
        names = (["num"] if numeric[j] else []) + (["nowrap"] if nowrap[j] and not head else [])
        return f' class="{" ".join(names)}"' if names else ""

    cols = "".join(f'<col style="width:{100 * w:.1f}%"/>' for w in widths)
    head = "".join(f"<th{cls(j, True)}>{escape(h)}</th>" for j, h in enumerate(header))
    body = "".join(
        "<tr>" + "".join(f"<td{cls(j)}>{escape(v)}</td>" for j, v in enumerate(r)) + "</tr>"
        for r in rows
    )
    source = f'<p class="source">Nguồn: {escape(table.source)}</p>' if table.source else ""
    return (
        f'<table class="vn-table" style="font-size:{size}pt"><caption>{escape(table.caption)}</caption>'
        f"<colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
        f"</table>{source}"
    )


# ---------------------------------------------------------------- the administrative frame
def letterhead_html(head: Letterhead) -> str:
    return (
        '<table class="letterhead"><tr>'
        f'<td class="issuer"><div class="superior">{escape(head.superior)}</div>'
        f'<div class="issuer-name">{escape(head.issuer)}</div><div class="rule"></div>'
        f'<div class="number">{escape(head.number)}</div></td>'
        '<td class="nation"><div class="nation-name">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>'
        '<div class="motto"><span>Độc lập - Tự do - Hạnh phúc</span></div>'
        f'<div class="place-date">{escape(head.place_date)}</div></td>'
        "</tr></table>"
        f'<h1 class="doc-kind">{escape(head.kind)}</h1>'
        f'<p class="doc-subject">{escape(head.subject)}</p>'
    )


def closing_html(closing: Closing) -> str:
    recipients = "".join(f"<div>- {escape(r)}</div>" for r in closing.recipients)
    signature = "".join(f'<div class="authority">{escape(s)}</div>' for s in closing.signature)
    return (
        '<table class="closing"><tr>'
        f'<td class="recipients"><div class="recipients-title">Nơi nhận:</div>{recipients}</td>'
        f'<td class="signature">{signature}<div class="sign-space">[Chữ ký, đóng dấu]</div>'
        f'<div class="signer">{escape(closing.signer)}</div></td>'
        "</tr></table>"
    )


def block_html(block) -> str:
    if isinstance(block, Placeholder):
        return f'<p class="placeholder">{escape(block.text)}</p>'
    if isinstance(block, Paragraph):
        return f"<p>{_bold_html(block.text)}</p>"
    if isinstance(block, Table):
        return table_html(block)
    if isinstance(block, Letterhead):
        return letterhead_html(block)
    if isinstance(block, Closing):
        return closing_html(block)
    if isinstance(block, Figure):
        data = base64.b64encode(Path(block.path).read_bytes()).decode()
        return f'<figure><img src="data:image/png;base64,{data}" style="max-width:100%"/><figcaption>{escape(block.caption)}</figcaption></figure>'
    raise TypeError(type(block))


def section_html(section: Section, level: int = 2) -> str:
    new_page = ' class="new-page"' if section.new_page else ""
    title = f"<h{level}{new_page}>{escape(section.title)}</h{level}>" if section.title else ""
    return title + "".join(block_html(b) for b in section.blocks)


def show(*blocks) -> None:
    """Display briefing blocks as notebook outputs."""
    from IPython.display import HTML, display

    display(HTML("".join(block_html(b) for b in blocks)))


def show_data_note(config: Config) -> None:
    """Say, at the top of a step, when its data are synthetic."""
    if config.data.synthetic:
        show(Paragraph(f"**{SYNTHETIC_NOTE}**"))


def display_briefing(sections: list[Section]) -> None:
    """Show the sections as notebook outputs (the briefing HTML/PDF is exported from them)."""
    from IPython.display import HTML, display

    for section in sections:
        display(HTML(section_html(section)))


# ---------------------------------------------------------------- issuer, letterhead, closing
@dataclass(frozen=True)
class IssuerInfo:
    superior: str
    issuer: str
    symbol: str
    place: str
    area: str  # how sentences name the area: "huyện Hương Sơn", "địa bàn huyện Hương Sơn (cũ)"
    recipients: tuple[str, ...]
    signature: tuple[str, ...]


def _upper(text: str) -> str:
    return text.upper()


def issuer_for(config: Config, year: int) -> IssuerInfo:
    """The issuer of `year`'s report: the config's `documents.issuers` entry covering the year,
    each missing key from the defaults. Before the 1 July 2025 reform the district's People's
    Committee under the province's; from 2025 on the province's department in charge of
    poverty reduction, for the former district's area."""
    d = config.district
    unit = d.type.lower()
    if year < MERGER_YEAR:
        default = IssuerInfo(
            superior=_upper(f"UBND tỉnh {d.province}"),
            issuer=_upper(f"UBND {unit} {d.name}"),
            symbol="BC-UBND",
            place=d.name,
            area=f"{unit} {d.name}",
            recipients=(
                f"UBND tỉnh {d.province} (để báo cáo)",
                "Sở Lao động - Thương binh và Xã hội tỉnh (để báo cáo)",
                f"Thường trực {unit.capitalize()} ủy, HĐND {unit}",
                f"Chủ tịch, các Phó Chủ tịch UBND {unit}",
                "UBND các xã, thị trấn",
                "Lưu: VT.",
            ),
            signature=("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
        )
    else:
        default = IssuerInfo(
            superior=_upper(f"UBND tỉnh {d.province}"),
            issuer="SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
            symbol="BC-SNNMT",
            place=d.province,
            area=f"địa bàn {unit} {d.name} (cũ)",
            recipients=(
                f"UBND tỉnh {d.province} (để báo cáo)",
                f"UBND các xã trên địa bàn {unit} {d.name} (cũ)",
                "Lưu: VT.",
            ),
            signature=("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
        )
    entry = config.documents.issuer_for(year)
    if entry is None:
        return default
    return IssuerInfo(
        superior=entry.superior or default.superior,
        issuer=entry.issuer or default.issuer,
        symbol=entry.symbol or default.symbol,
        place=entry.place or default.place,
        area=entry.area or default.area,
        recipients=tuple(entry.recipients) if entry.recipients else default.recipients,
        signature=tuple(entry.signature) if entry.signature else default.signature,
    )


def place_date(place: str, day: date) -> str:
    """'Hương Sơn, ngày 05 tháng 01 năm 2025' (days below 10 and months 1–2 with a leading 0)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def report_subject(config: Config, year: int) -> str:
    info = issuer_for(config, year)
    return (
        f"Kết quả rà soát hộ nghèo, hộ cận nghèo năm {year} và thực hiện Chương trình mục tiêu "
        f"quốc gia giảm nghèo bền vững trên {_on_area(info.area)}"
    )


def _on_area(area: str) -> str:
    return area if area.startswith("địa bàn") else f"địa bàn {area}"


def document_title(config: Config, year: int) -> str:
    """The document's title (HTML <title>, PDF and DOCX metadata)."""
    return f"Báo cáo {report_subject(config, year)[0].lower()}{report_subject(config, year)[1:]}"


def letterhead(config: Config, year: int, day: date | None = None) -> Letterhead:
    info = issuer_for(config, year)
    return Letterhead(
        superior=info.superior,
        issuer=info.issuer,
        number=f"Số: {NUMBER_BLANK}/{info.symbol}",
        place_date=place_date(info.place, day or run_date()),
        kind="BÁO CÁO",
        subject=report_subject(config, year),
    )


def closing(config: Config, year: int) -> Closing:
    info = issuer_for(config, year)
    return Closing(recipients=info.recipients, signature=info.signature)


# ---------------------------------------------------------------- sections
def header_section(config: Config, year: int, today: date | None = None) -> Section:
    """The letterhead, then the report's basis (programme period, poverty standard)."""
    info = issuer_for(config, year)
    blocks: list = [
        letterhead(config, year, today),
        Paragraph(
            f"Thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững "
            f"{config.periods.baseline_year + 1}–{config.periods.target_year} và kết quả rà soát "
            f"hộ nghèo, hộ cận nghèo năm {year} theo chuẩn nghèo đa chiều của "
            f"{_legal_basis(config, year)}, kết quả trên {_on_area(info.area)} "
            "được báo cáo như sau:"
        ),
    ]
    if config.data.synthetic:
        blocks.append(
            Paragraph(f"**{SYNTHETIC_NOTE}** Bộ số liệu mẫu dùng để minh họa cách dùng bộ công cụ.")
        )
    return Section("", blocks)


def _legal_basis(config: Config, year: int) -> str:
    """The legal basis of the poverty standard of `year` (data/reference/standards.yaml)."""
    from analysis.standard import get_standard

    return get_standard(config.standard_for(year)).legal_basis


def _row(district: pd.DataFrame, year: int) -> pd.Series | None:
    rows = district[district["year"] == year]
    return None if rows.empty else rows.iloc[0]


def key_figures_text(district: pd.DataFrame, year: int) -> str:
    """The headline paragraph: this year's rates, the change on last year and since the first year."""
    now = _row(district, year)
    if now is None:
        return f"Chưa có kết quả rà soát năm {year}."
    text = (
        f"Năm {year}, toàn huyện có **{format_number(now['n_poor'])} hộ nghèo**, tỷ lệ hộ nghèo **{pct(now['poor_rate'])}**, "
        f"và **{format_number(now['n_near_poor'])} hộ cận nghèo** ({pct(now['near_poor_rate'])}) trên tổng số "
        f"{format_number(now['n_households'])} hộ; tỷ lệ nghèo đa chiều (nghèo và cận nghèo) là {pct(now['multidim_rate'])}."
    )
    before = _row(district, year - 1)
    if before is not None:
        text += f" So với năm {year - 1}, tỷ lệ hộ nghèo thay đổi {pp(now['poor_rate'] - before['poor_rate'])}."
    first_year = int(district["year"].min())
    if first_year < year - 1:
        base = _row(district, first_year)
        years = year - first_year
        text += (
            f" So với đầu kỳ ({first_year}), số hộ nghèo bằng {pct(now['n_poor'] / base['n_poor'], 1)} "
            f"và tỷ lệ hộ nghèo giảm bình quân {format_number(100 * (base['poor_rate'] - now['poor_rate']) / years, 2)} điểm % mỗi năm."
        )
    return text


def district_trend_table(district: pd.DataFrame, source: str) -> Table:
    d = district.sort_values("year")
    data = pd.DataFrame(
        {
            "Năm": d["year"].astype(int).astype(str),
            "Tổng số hộ": d["n_households"].map(format_number),
            "Hộ nghèo": d["n_poor"].map(format_number),
            "Tỷ lệ hộ nghèo": d["poor_rate"].map(pct),
            "Thay đổi": d["poor_rate"].diff().map(pp),
            "Hộ cận nghèo": d["n_near_poor"].map(format_number),
            "Tỷ lệ hộ cận nghèo": d["near_poor_rate"].map(pct),
            "Tỷ lệ nghèo đa chiều": d["multidim_rate"].map(pct),
        }
    )
    return Table(data, "Toàn huyện qua các năm rà soát", source)


def commune_table(indicators: pd.DataFrame, year: int, source: str) -> Table:
    """This year's communes with the change on last year, compared unit by unit.

    A unit is (vintage, code): codes are reused across the 2025 merger, so last year is
    compared only when it is on the same vintage (re-aggregate it first, see
    `geography.reaggregate`); otherwise the change column stays empty.
    """
    now = indicators[indicators["year"] == year].set_index("commune_code")
    prev = indicators[indicators["year"] == year - 1]
    prev = prev[prev["unit_vintage"].isin(now["unit_vintage"].unique())].set_index("commune_code")
    change = now["poor_rate"] - prev["poor_rate"].reindex(now.index)
    # communes without a list ("thiếu số liệu") go last; their cells say so, never 0
    order = now["poor_rate"].sort_values(ascending=False, na_position="last").index
    data = pd.DataFrame(
        {
            "Mã xã": order,
            "Xã": now.loc[order, "commune_name"].to_numpy(),
            "Tổng số hộ": now.loc[order, "n_households"].map(format_number).to_numpy(),
            "Hộ nghèo": now.loc[order, "n_poor"].map(format_number).to_numpy(),
            "Tỷ lệ hộ nghèo": now.loc[order, "poor_rate"].map(pct).to_numpy(),
            "So với năm trước": change.loc[order].map(pp).to_numpy(),
            "Hộ cận nghèo": now.loc[order, "n_near_poor"].map(format_number).to_numpy(),
            "Tỷ lệ hộ cận nghèo": now.loc[order, "near_poor_rate"].map(pct).to_numpy(),
        }
    )
    if "is_missing_list" in now:
        gap = now.loc[order, "is_missing_list"].astype(bool).to_numpy()
        data.loc[gap, data.columns[2:]] = MISSING_DATA_VI
    return Table(data, f"Các xã năm {year}, xếp theo tỷ lệ hộ nghèo", source)


def allocation_table(result: pd.DataFrame, missing: pd.DataFrame | None = None) -> Table:
    r = result.sort_values("amount_million_vnd", ascending=False)
    data = pd.DataFrame(
        {
            "Mã xã": r["commune_code"],
            "Xã": r["commune_name"],
            "Hộ nghèo": r["n_poor"].map(format_number),
            "Tỷ trọng": r["share"].map(lambda x: pct(x, 1)),
            "Phân bổ (triệu đồng)": r["amount_million_vnd"].map(format_number),
            "Triệu đồng/hộ nghèo": r["million_vnd_per_poor_household"].map(
                lambda x: format_number(x, 1)
            ),
        }
    )
    total = pd.DataFrame(
        [
            {
                "Mã xã": "",
                "Xã": "Tổng",
                "Hộ nghèo": format_number(result["n_poor"].sum()),
                "Tỷ trọng": "100,0%",
                "Phân bổ (triệu đồng)": format_number(result["amount_million_vnd"].sum()),
                "Triệu đồng/hộ nghèo": "",
            }
        ]
    )
    gaps = pd.DataFrame(
        {
            "Mã xã": missing["commune_code"].astype(str),
            "Xã": missing["commune_name"].astype(str),
            **{c: MISSING_DATA_VI for c in list(data.columns)[2:]},
        }
        if missing is not None and len(missing)
        else {c: [] for c in data.columns}
    )
    return Table(
        pd.concat([data, gaps, total], ignore_index=True), "Phân bổ ngân sách theo xã (triệu đồng)"
    )


def weights_text(weights: pd.DataFrame) -> str:
    """'Dự án 2 (Đa dạng hóa sinh kế): Số hộ nghèo 50%, ...; ...' from the stored criteria and
    weights (analysis.budget.allocate.criteria_weights); counterparts share their project's."""
    parts = []
    for (project, name), rows in weights.groupby(["project", "project_name"], sort=False):
        rows = rows.drop_duplicates("criterion")
        crit = ", ".join(f"{r.criterion_label} {pct(r.weight, 0)}" for r in rows.itertuples())
        head = f"Dự án {project} ({name})" if project else str(name)
        parts.append(f"{head}: {crit}")
    return "; ".join(parts)


def allocation_text(
    result: pd.DataFrame,
    config: Config,
    missing: pd.DataFrame | None = None,
    weights: pd.DataFrame | None = None,
) -> str:
    rules = config.allocation
    top = result.sort_values("amount_million_vnd", ascending=False).head(3)
    names = ", ".join(
        f"{r.commune_name} ({format_number(r.amount_million_vnd)} triệu đồng)"
        for r in top.itertuples()
    )
    total = format_number(result["amount_million_vnd"].sum())
    if weights is not None and len(weights):
        n_env, n_src = weights["envelope"].nunique(), weights["source"].nunique()
        text = (
            f"Tổng nguồn {total} triệu đồng ({n_env} nguồn theo dự án, tiểu dự án và {n_src} "
            f"nguồn vốn) được chia cho các xã theo tiêu chí và trọng số: {weights_text(weights)}. "
            f"Ba xã nhận nhiều nhất: {names}. Tổng các xã của từng nguồn bằng đúng số được giao."
        )
    else:
        text = (
            f"Tổng nguồn {format_number(rules.total_million_vnd)} triệu đồng được chia theo {len(rules.criteria)} tiêu chí; "
            f"ba xã nhận nhiều nhất: {names}. Tổng các xã bằng đúng tổng nguồn ({total} triệu đồng)."
        )
    empty = [
        c.name
        for c in rules.criteria
        if f"share_{c.name}" in result and result[f"share_{c.name}"].sum() == 0
    ]
    if empty:
        from analysis.allocation import CRITERION_LABELS_VI

        names = ", ".join(CRITERION_LABELS_VI.get(c, c) for c in empty)
        text += f" Tiêu chí không có số liệu năm này ({names}): trọng số của nó được chia lại cho các tiêu chí còn lại."
    if missing is not None and len(missing):
        names = ", ".join(missing["commune_name"].astype(str))
        text += (
            f" Chưa phân bổ cho {len(missing)} xã {MISSING_DATA_VI} ({names}): tổng nguồn đang chia "
            "cho các xã có danh sách hộ; bổ sung danh sách của các xã này rồi chạy lại trước khi trình."
        )
    if rules.illustrative:
        text += (
            " Số liệu nguồn vốn, tiêu chí và trọng số chỉ mang tính minh họa, chưa theo hệ số "
            "của Quyết định 02/2022/QĐ-TTg."
        )
    return text


def review_source(config: Config, year: int) -> str:
    kind = (
        "dữ liệu mô phỏng"
        if config.data.synthetic
        else "danh sách rà soát và tổng số hộ của các xã"
    )
    return f"Kết quả rà soát hộ nghèo, hộ cận nghèo {config.periods.baseline_year}–{year} ({kind})."
