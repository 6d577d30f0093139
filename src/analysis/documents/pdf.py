"""HTML to PDF with WeasyPrint, offline: remote resources are refused, not fetched."""

from __future__ import annotations

from pathlib import Path

from analysis.documents.html import PRINT_CSS
from analysis.reproducible import iso_stamp, pinned_clock


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
