"""What a notebook shows: figures inline, tables in Vietnamese number formats, findings.

Maps and charts are saved as files (PNG 300 dpi, SVG, PDF) by the modules that draw them;
a notebook shows the saved PNG, scaled down to a screen's width, as an image output, so the
executed notebooks of a run folder (and their HTML) keep every figure. Tables go through
`documents.labels.vi_table` (Vietnamese headers, 1.234,5 numbers, percentages) and the same
HTML table as the briefing.

A `Finding` is a section's result: a one-sentence reading, its tables and its figures; or,
when the data do not allow it, only the sentence saying what is unavailable and why.
Displayed as the last expression of a cell, it shows all of them in order.
"""

from __future__ import annotations

import html
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.documents.blocks import Closing, Figure, Letterhead, Paragraph, Placeholder, Table
from analysis.documents.html import block_html
from analysis.documents.labels import vi_table

BLOCKS = (Paragraph, Table, Placeholder, Letterhead, Closing)
PREVIEW_PX = 1100  # width of the PNG kept in the notebook (the file itself stays 300 dpi)
SHOW_PX = 800  # width it is shown at


def preview_png(path: str | Path, max_px: int = PREVIEW_PX) -> bytes:
    """The PNG at `path`, scaled down to at most `max_px` wide (same bytes for same input)."""
    from PIL import Image as PILImage

    with PILImage.open(path) as img:
        img.load()
        if img.width > max_px:
            size = (max_px, max(1, round(img.height * max_px / img.width)))
            img = img.resize(size, PILImage.Resampling.LANCZOS)
        if img.mode not in ("RGB", "RGBA", "L", "P"):
            img = img.convert("RGBA")
        out = io.BytesIO()
        img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def figure_output(path: str | Path, width: int = SHOW_PX):
    """An IPython image of a saved figure (PNG; an SVG/PDF's PNG sibling when it has one)."""
    from IPython.display import Image

    path = Path(path)
    if path.suffix.lower() != ".png":
        path = path.with_suffix(".png")
    return Image(data=preview_png(path), format="png", width=width)


def show_figures(paths: Iterable[str | Path] | str | Path, width: int = SHOW_PX) -> None:
    """Display saved figures inline, in order."""
    from IPython.display import display

    if isinstance(paths, (str, Path)):
        paths = [paths]
    for path in paths:
        display(figure_output(path, width))


def table_block(df: pd.DataFrame, caption: str = "", source: str = "") -> Table:
    """`df` as a display table: Vietnamese headers and number formats (cells already text are
    kept as they are)."""
    df = df.reset_index(drop=True)
    if df.empty:
        return Table(df, caption, source)
    if df.columns.is_unique:
        data = vi_table(df)
    else:  # a display table with repeated headers (already Vietnamese): cells by position
        data = vi_table(df.set_axis(range(df.shape[1]), axis=1)).set_axis(df.columns, axis=1)
    return Table(data.astype(str), caption, source)


def table_output(df: pd.DataFrame, caption: str = "", source: str = ""):
    from IPython.display import HTML

    return HTML(block_html(table_block(df, caption, source)))


def show_table(df: pd.DataFrame, caption: str = "", source: str = "") -> None:
    from IPython.display import display

    display(table_output(df, caption, source))


def show_text(*sentences: str) -> None:
    from IPython.display import HTML, display

    text = "".join(block_html(Paragraph(s)) for s in sentences if s)
    if text:
        display(HTML(text))


def interactive_map_output(path: str | Path, height: int = 560):
    """The offline HTML map (folium, Leaflet inlined) in a frame of the notebook's output, so
    it works in Lab and in the exported HTML alike."""
    from IPython.display import HTML

    page = Path(path).read_text(encoding="utf-8")
    return HTML(
        f'<div class="interactive-map"><iframe srcdoc="{html.escape(page, quote=True)}" '
        f'style="width:100%;height:{height}px;border:1px solid #ccc" sandbox="allow-scripts">'
        "</iframe></div>"
    )


@dataclass
class Finding:
    """A section's result: `text` (one sentence or a few), tables and figures; when the data
    do not allow the analysis, only `text` saying what is unavailable and why. `tables` are
    data frames (shown through `vi_table`), documents blocks (Table, Paragraph) or IPython
    display objects."""

    text: str | list[str] = ""
    tables: list = field(default_factory=list)
    figures: list[Path] = field(default_factory=list)
    available: bool = True

    @classmethod
    def unavailable(cls, why: str) -> Finding:
        return cls(why, available=False)

    @property
    def sentences(self) -> list[str]:
        return [self.text] if isinstance(self.text, str) else list(self.text)

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, display

        show_text(*self.sentences)
        for item in self.tables:
            if isinstance(item, pd.DataFrame):
                show_table(item)
            elif isinstance(item, Figure):  # a document's figure: the image, then its caption
                display(figure_output(item.path))
                if item.caption:
                    show_text(item.caption)
            elif isinstance(item, BLOCKS):
                display(HTML(block_html(item)))
            else:  # an IPython display object (e.g. an HTML report)
                display(item)
        show_figures(self.figures)
