"""What an English run's outputs say: the text of every document, workbook and map a reader
gets, and the sentences among them still in Vietnamese (analysis.i18n.untranslated).

Also a tool: `python tests/english_text.py outputs/<district>/<year> [config]` lists the
Vietnamese sentences left in an English run's folder, file by file.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from analysis.i18n import untranslated

# What a reader opens: documents, workbooks, the input check, the maps (PDF pages carry the
# maps' text), the interactive map. Notebooks exported for analysts and the run's data
# tables are not part of it.
READER_SUFFIXES = (".html", ".pdf", ".docx", ".xlsx", ".md")
NOT_FOR_READERS = ("notebooks", "data")


def reader_files(run_dir: Path) -> list[Path]:
    return sorted(
        p
        for p in Path(run_dir).rglob("*")
        if p.is_file()
        and p.suffix in READER_SUFFIXES
        and not set(p.relative_to(run_dir).parts[:-1]) & set(NOT_FOR_READERS)
    )


def texts(path: Path) -> Iterator[str]:
    """The text pieces of one output file (paragraphs, cells, sheet names, metadata)."""
    if path.suffix == ".html":
        body = path.read_text(encoding="utf-8")
        body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
        body = re.sub(r"<img\b[^>]*>", " ", body)
        yield from (html.unescape(x) for x in re.split(r"<[^>]+>", body))
    elif path.suffix == ".md":
        yield from path.read_text(encoding="utf-8").splitlines()
    elif path.suffix == ".pdf":
        out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                             check=True).stdout  # fmt: skip
        # one piece per page: a name broken across two lines is still one name
        yield from (" ".join(page.split()) for page in out.split("\f"))
    elif path.suffix == ".docx":
        yield from _docx_texts(path)
    elif path.suffix == ".xlsx":
        yield from _xlsx_texts(path)


def _docx_texts(path: Path) -> Iterator[str]:
    import docx

    document = docx.Document(str(path))
    yield document.core_properties.title or ""
    yield from (p.text for p in document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            yield from (cell.text for cell in row.cells)
    for section in document.sections:
        yield from (p.text for p in section.header.paragraphs)
        yield from (p.text for p in section.footer.paragraphs)
    yield from (s.name for s in document.styles if s.name)


def _xlsx_texts(path: Path) -> Iterator[str]:
    import openpyxl

    workbook = openpyxl.load_workbook(path)
    for ws in workbook.worksheets:
        yield ws.title
        for row in ws.iter_rows(values_only=True):
            yield from (v for v in row if isinstance(v, str))


def place_names(config) -> set[str]:
    """Names that keep their diacritics in English: the name of every unit of the registry
    (without its type: "Sơn Kim 1", not "Xã Sơn Kim 1", which English writes "Sơn Kim 1
    commune"), the district and its province."""
    from analysis.registry import registry_for

    units = registry_for(config).units
    d = config.district
    names = {d.name, d.province} | set(units["name"].astype(str))
    return {n for n in names if n}


def vietnamese_left(run_dir: Path, config) -> dict[str, list[str]]:
    """{file: [Vietnamese sentences]} of the reader files of an English run."""
    names = place_names(config)
    found = {}
    for path in reader_files(run_dir):
        sentences = []
        for piece in texts(path):
            sentences += untranslated(piece, names)
        if sentences:
            found[str(path.relative_to(run_dir))] = list(dict.fromkeys(sentences))
    return found


if __name__ == "__main__":
    from analysis.config import load_config

    run = Path(sys.argv[1])
    cfg = load_config(sys.argv[2] if len(sys.argv) > 2 else "config/huong_son.yaml")
    for file, sentences in vietnamese_left(run, cfg).items():
        print(f"== {file} ({len(sentences)})")
        for s in sentences:
            print("   ", s[:220])
