"""The English run (`language: en` / `analysis run --language en`) on a small district.

One end-to-end run of the whole 2024 cycle with `--language en` over a Vietnamese config:
every document, workbook, input check and map a reader gets must hold no Vietnamese
sentence outside the place names (the registry's units, the district and its province),
and say it is English (HTML lang, DOCX language) with English number formats. A failure
lists the sentences left, file by file: wrap their text in `t()` and add the translation
(docs/DEVELOPING.md, "Translations").
"""

from __future__ import annotations

import json
import re

import docx
import pytest
from tests.districts import sample_config, write_config
from tests.english_text import reader_files, texts, vietnamese_left

from analysis.config import load_config
from analysis.pipeline import run_cycle
from analysis.reproducible import parse_run_date

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def english_run(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("english")
    raw = sample_config(root, households=3000)
    assert raw["language"] == "vi"  # the command line's language wins over the config's
    config_path = write_config(raw, root / "district.yaml")
    final = run_cycle(
        config_path, 2024, out_root=root / "outputs", progress=False, language="en",
        run_date=parse_run_date("15/01/2025"),
    )  # fmt: skip
    config = load_config(config_path)
    return {"run_dir": final.resolve(), "config": config}


def test_english_run__no_vietnamese_sentence_outside_place_names(english_run):
    run_dir = english_run["run_dir"]
    files = reader_files(run_dir)
    names = {p.relative_to(run_dir).as_posix() for p in files}
    # what the check covers: the briefing in its three formats, every commune's factsheet,
    # the workbooks, the input check and the maps
    assert {"briefing.html", "briefing.pdf", "briefing.docx", "kiem_tra_du_lieu.xlsx"} <= names
    assert sum(n.endswith("factsheet.pdf") for n in names) == 22
    assert sum(n.endswith(".xlsx") for n in names) >= 4
    assert any(n.startswith("maps/") for n in names)
    left = vietnamese_left(run_dir, english_run["config"])
    report = "\n".join(
        f"{file}:\n" + "\n".join(f"    {s[:200]}" for s in sentences[:15])
        for file, sentences in left.items()
    )
    assert not left, f"Vietnamese sentences left in the English run:\n{report}"


def test_english_run__documents_tagged_english_numbers_english(english_run):
    run_dir = english_run["run_dir"]
    page = (run_dir / "briefing.html").read_text(encoding="utf-8")
    assert '<html lang="en-GB">' in page
    assert "SOCIALIST REPUBLIC OF VIET NAM" in page and "15 January 2025" in page
    document = docx.Document(str(run_dir / "briefing.docx"))
    assert document.core_properties.language == "en-GB"
    assert document.core_properties.title.startswith("Report: Results of the 2024 review")
    body = "\n".join(texts(run_dir / "briefing.docx"))
    # "out of 3,012 households", "3.06%": English separators; never "3,06%"
    assert re.search(r"out of \d{1,3}(,\d{3})+ households", body)
    assert re.search(r"\b\d+\.\d{2}%", body) and not re.search(r"\b\d+,\d{2}%", body)
    factsheet = next((run_dir / "factsheets").glob("*/factsheet.docx"))
    assert docx.Document(str(factsheet)).core_properties.language == "en-GB"
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["language"] == "en"
