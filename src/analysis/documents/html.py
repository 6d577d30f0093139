"""Blocks as HTML: tables, the letterhead and the closing, sections; the notebook's display and
the standalone page the briefing and the factsheets are printed from."""

from __future__ import annotations

import base64
import re
from html import escape
from pathlib import Path

from analysis.config import Config
from analysis.documents.blocks import (
    SYNTHETIC_NOTE,
    Closing,
    Figure,
    Letterhead,
    Paragraph,
    Placeholder,
    Section,
    Table,
    table_cells,
    table_layout,
    text,
)
from analysis.i18n import html_language, t


def _bold_html(text: str) -> str:
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escape(text))


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
    source = (
        f'<p class="source">{escape(t("Nguồn: {source}", source=text(table.source)))}</p>'
        if table.source
        else ""
    )
    return (
        f'<table class="vn-table" style="font-size:{size}pt"><caption>{escape(text(table.caption))}</caption>'
        f"<colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
        f"</table>{source}"
    )


# ---------------------------------------------------------------- the administrative frame
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def letterhead_html(head: Letterhead) -> str:
    return (
        '<table class="letterhead"><tr>'
        f'<td class="issuer"><div class="superior">{escape(head.superior)}</div>'
        f'<div class="issuer-name">{escape(head.issuer)}</div><div class="rule"></div>'
        f'<div class="number">{escape(head.number)}</div></td>'
        f'<td class="nation"><div class="nation-name">{escape(t(NATION))}</div>'
        f'<div class="motto"><span>{escape(t(MOTTO))}</span></div>'
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
        f'<td class="recipients"><div class="recipients-title">{escape(t("Nơi nhận:"))}</div>'
        f"{recipients}</td>"
        f'<td class="signature">{signature}'
        f'<div class="sign-space">{escape(t("[Chữ ký, đóng dấu]"))}</div>'
        f'<div class="signer">{escape(t(closing.signer))}</div></td>'
        "</tr></table>"
    )


def block_html(block) -> str:
    if isinstance(block, Placeholder):
        return f'<p class="placeholder">{escape(block.text)}</p>'
    if isinstance(block, Paragraph):
        return f"<p>{_bold_html(text(block.text))}</p>"
    if isinstance(block, Table):
        return table_html(block)
    if isinstance(block, Letterhead):
        return letterhead_html(block)
    if isinstance(block, Closing):
        return closing_html(block)
    if isinstance(block, Figure):
        data = base64.b64encode(Path(block.path).read_bytes()).decode()
        return f'<figure><img src="data:image/png;base64,{data}" style="max-width:100%"/><figcaption>{escape(text(block.caption))}</figcaption></figure>'
    raise TypeError(type(block))


def section_html(section: Section, level: int = 2) -> str:
    new_page = ' class="new-page"' if section.new_page else ""
    title = f"<h{level}{new_page}>{escape(text(section.title))}</h{level}>" if section.title else ""
    return title + "".join(block_html(b) for b in section.blocks)


def show(*blocks) -> None:
    """Display briefing blocks as notebook outputs."""
    from IPython.display import HTML, display

    display(HTML("".join(block_html(b) for b in blocks)))


def show_data_note(config: Config) -> None:
    """Say, at the top of a step, when its data are synthetic."""
    if config.data.synthetic:
        show(Paragraph(f"**{t(SYNTHETIC_NOTE)}**"))


def display_briefing(sections: list[Section]) -> None:
    """Show the sections as notebook outputs (the briefing HTML/PDF is exported from them)."""
    from IPython.display import HTML, display

    for section in sections:
        display(HTML(section_html(section)))


# ---------------------------------------------------------------- the standalone page
# Times New Roman when installed; otherwise a serif with Vietnamese glyphs (Liberation Serif is
# metric-compatible with it, DejaVu Serif is the usual Linux fallback). WeasyPrint embeds the
# font it uses, so the PDF reads the same on any machine.
SERIF = (
    '"Times New Roman", "Liberation Serif", "Tinos", "DejaVu Serif Condensed", "DejaVu Serif", '
    "serif"
)

# The administrative layout (Decree 30/2020/NĐ-CP): A4, margins top/bottom 20 mm, left 30 mm,
# right 15 mm, body 13 pt, page numbers; used by the briefing HTML and its PDF.
PRINT_CSS = f"""
@page {{ size: A4; margin: 20mm 15mm 20mm 30mm;
        @bottom-center {{ content: counter(page); font-family: {SERIF}; font-size: 11pt; }} }}
html {{ font-family: {SERIF}; font-size: 13pt; line-height: 1.3; }}
body {{ max-width: 165mm; margin: 0 auto; }}
p {{ text-align: justify; margin: 0 0 6pt 0; }}
h1 {{ font-size: 14pt; text-align: center; margin: 18pt 0 0 0; }}
h2 {{ font-size: 13pt; margin: 12pt 0 6pt 0; page-break-after: avoid; break-after: avoid; }}
h2.new-page {{ page-break-before: always; break-before: page; }}
h3 {{ font-size: 13pt; font-style: italic; }}
p.doc-subject {{ font-weight: bold; text-align: center; font-size: 14pt; margin-bottom: 12pt; }}
p.placeholder {{ font-style: italic; }}
table.letterhead, table.closing {{ width: 100%; border-collapse: collapse; margin: 0; }}
table.letterhead td, table.closing td {{ border: none; vertical-align: top; text-align: center;
  padding: 0; }}
table.letterhead td.issuer {{ width: 40%; }}
.issuer-name, .nation-name {{ font-weight: bold; }}
.superior, .issuer-name, .number, .nation-name {{ font-size: 12pt; }}
.nation-name {{ white-space: nowrap; }}
.number {{ white-space: pre; margin-top: 4pt; }}
.rule {{ width: 30%; margin: 2pt auto 0 auto; border-top: 0.75pt solid black; }}
.motto span {{ font-weight: bold; font-size: 13.5pt; border-bottom: 0.75pt solid black; }}
.place-date {{ font-style: italic; margin-top: 8pt; }}
table.closing {{ margin-top: 18pt; page-break-inside: avoid; break-inside: avoid; }}
table.closing td.recipients {{ text-align: left; width: 50%; font-size: 11pt; }}
.recipients-title {{ font-weight: bold; font-style: italic; font-size: 12pt; }}
table.closing td.signature {{ font-weight: bold; font-size: 13pt; }}
.sign-space {{ font-weight: normal; font-style: italic; margin: 40pt 0 8pt 0; }}
table.vn-table {{ border-collapse: collapse; width: 100%; table-layout: fixed;
  margin: 0 0 10pt 0; page-break-inside: auto; }}
table.vn-table thead {{ display: table-header-group; }}
table.vn-table tr {{ page-break-inside: avoid; break-inside: avoid; }}
table.vn-table th, table.vn-table td {{ border: 0.5pt solid black; padding: 1.5pt 3pt;
  text-align: left; vertical-align: top; overflow-wrap: break-word; hyphens: manual; }}
table.vn-table th {{ text-align: center; vertical-align: middle; font-weight: bold; }}
table.vn-table td.num {{ text-align: right; }}
table.vn-table .nowrap {{ white-space: nowrap; }}
caption {{ caption-side: top; font-weight: bold; text-align: left; padding-bottom: 3pt;
  font-size: 12pt; }}
p.source {{ font-style: italic; font-size: 11pt; }}
figure {{ margin: 6pt 0; text-align: center; page-break-inside: avoid; }}
figcaption {{ font-style: italic; font-size: 11pt; }}
img {{ max-width: 100%; }}
"""


def html_document(body: str, title: str, language: str | None = None) -> str:
    """A standalone HTML page: language (default: the run's, "vi" or "en-GB"), title, the
    print stylesheet, `body`."""
    language = language or html_language()
    return (
        f'<!DOCTYPE html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8"/>\n'
        f"<title>{escape(title)}</title>\n"
        f'<meta name="viewport" content="width=device-width, initial-scale=1"/>\n'
        f"<style>{PRINT_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
