"""HTML to PDF with WeasyPrint, offline: remote resources are refused, not fetched."""

from __future__ import annotations

from pathlib import Path

from analysis.reproducible import iso_stamp, pinned_clock

PRINT_CSS = """
@page { size: A4; margin: 18mm 15mm 18mm 15mm;
        @bottom-right { content: "Trang " counter(page) "/" counter(pages); font-size: 8pt; color: #555; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.35; }
h1 { font-size: 17pt; } h2 { font-size: 13pt; margin-top: 1.2em; } h3 { font-size: 11pt; }
table { border-collapse: collapse; font-size: 8pt; margin: 0.5em 0 1em 0; page-break-inside: auto; }
tr { page-break-inside: avoid; }
th, td { border: 0.5pt solid #bbb; padding: 2pt 4pt; }
th { background: #eef2f6; }
td { text-align: right; }
table.vn-table td:nth-child(-n+2), table.vn-table th:nth-child(-n+2) { text-align: left !important; }
caption { caption-side: top; font-weight: bold; text-align: left; padding-bottom: 3pt; }
img { max-width: 100%; }
blockquote { border-left: 3pt solid #c0392b; margin-left: 0; padding-left: 8pt; color: #333; }
.jp-InputPrompt, .jp-OutputPrompt { display: none; }
"""


def html_to_pdf(html: str, pdf_path: Path, base_url: Path | None = None) -> Path:
    """Render `html` to an A4 PDF with the print stylesheet; no network access.

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
        ).render(stylesheets=[CSS(string=PRINT_CSS)])
        document.metadata.created = document.metadata.modified = iso_stamp(stamp)
        document.write_pdf(pdf_path)
    return pdf_path
