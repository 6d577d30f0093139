"""HTML to PDF with WeasyPrint, offline: remote resources are refused, not fetched."""

from __future__ import annotations

from pathlib import Path

from analysis.reproducible import iso_stamp, pinned_clock

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


def html_document(body: str, title: str, language: str = "vi") -> str:
    """A standalone HTML page: language, title, the print stylesheet, `body`."""
    from html import escape

    return (
        f'<!DOCTYPE html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8"/>\n'
        f"<title>{escape(title)}</title>\n"
        f'<meta name="viewport" content="width=device-width, initial-scale=1"/>\n'
        f"<style>{PRINT_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def html_to_pdf(
    html: str, pdf_path: Path, base_url: Path | None = None, extra_css: str = ""
) -> Path:
    """Render `html` to an A4 PDF with the print stylesheet; no network access.

    `extra_css` is added after the print stylesheet (e.g. the factsheets' compact page).
    The PDF is dated the run's date (created and modified), and the embedded font subsets
    too (fontTools reads SOURCE_DATE_EPOCH), so the same HTML gives the same bytes."""
    import logging

    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    with pinned_clock() as stamp:
        document = HTML(
            string=html,
            base_url=str(base_url or pdf_path.parent),
            url_fetcher=URLFetcher(allowed_protocols={"file", "data"}),
        ).render(stylesheets=[CSS(string=PRINT_CSS + extra_css)])
        document.metadata.created = document.metadata.modified = iso_stamp(stamp)
        document.write_pdf(pdf_path)
    return pdf_path
