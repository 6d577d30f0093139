"""Everything the suite hands to people: the briefing, the commune factsheets, the summary tables
and the workbooks, in one package.

The documents are built as a list of `Section`s of blocks (`blocks`), the same list rendered by
one module per format: `html` (the notebook and the standalone page), `pdf` (that page through
WeasyPrint), `word` (DOCX) and, for tables, `xlsx_style`/`safe_xlsx` (workbooks). A new document
type is one module that builds sections (as `briefing` and `factsheet` do); `letterhead` gives it
the administrative frame and `content` the texts and tables documents share. `labels` holds the
Vietnamese names of columns and codes.

`from analysis import documents as doc` gives the blocks, the frame, the shared content and the
notebook display under one name.
"""

from analysis.documents.blocks import (
    MERGER_YEAR,
    MISSING_DATA_VI,
    NO_MICRODATA,
    NUMBER_BLANK,
    PAGE_TEXT_WIDTH_CM,
    PLACEHOLDER_PREFIX,
    SYNTHETIC_NOTE,
    Closing,
    Figure,
    Letterhead,
    Paragraph,
    Placeholder,
    Section,
    Table,
    column_widths,
    nowrap_columns,
    numeric_columns,
    pct,
    plain,
    pp,
    table_cells,
    table_font_pt,
    table_layout,
    text,
)
from analysis.documents.content import (
    allocation_table,
    allocation_text,
    commune_table,
    district_trend_table,
    key_figures_text,
    review_source,
    weights_text,
)
from analysis.documents.html import (
    block_html,
    display_briefing,
    section_html,
    show,
    show_data_note,
    table_html,
)
from analysis.documents.letterhead import (
    IssuerInfo,
    closing,
    document_title,
    header_section,
    issuer_for,
    letterhead,
    place_date,
    report_subject,
)

__all__ = [
    "MERGER_YEAR", "MISSING_DATA_VI", "NO_MICRODATA", "NUMBER_BLANK", "PAGE_TEXT_WIDTH_CM",
    "PLACEHOLDER_PREFIX", "SYNTHETIC_NOTE", "Closing", "Figure", "IssuerInfo", "Letterhead",
    "Paragraph", "Placeholder", "Section", "Table", "allocation_table", "allocation_text",
    "block_html", "closing", "column_widths", "commune_table", "display_briefing",
    "district_trend_table", "document_title", "header_section", "issuer_for", "key_figures_text",
    "letterhead", "nowrap_columns", "numeric_columns", "pct", "place_date", "plain", "pp",
    "report_subject", "review_source", "section_html", "show", "show_data_note", "table_cells",
    "table_font_pt", "table_html", "table_layout", "text", "weights_text",
]  # fmt: skip
