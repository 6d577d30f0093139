"""Office-style review lists (tests/office_corpus) through `analysis validate --json`.

Each case of the corpus is a file or folder laid out the way commune offices keep them,
with its truth counted from the data it was written from. The CLI must load `expect: ok`
cases with exactly those counts and exit 0, and reject `expect: fail` cases with a fatal
or error problem naming the file (and row and column where the truth gives them).

JSON contract of `validate --json` (stdout, one document):
    {"ok": bool,
     "files": [{"file", "sheet", "year", "commune_code", "rows_read", "accepted",
                "rejected", "households", "persons", "poor", "near_poor"}],
     "problems": [{"file", "sheet", "row", "column", "value", "message", "severity"}]}
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from tests.office_corpus.make_office_corpus import CASE_IDS, build
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config" / "huong_son.yaml"
COUNTS = ("households", "persons", "poor", "near_poor")


@pytest.fixture(scope="session")
def office_corpus(tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    out = tmp_path_factory.mktemp("office_corpus")
    cases = build(out)
    return out, {c["id"]: c for c in cases}


def _fold(text: object) -> str:
    """Case-, space- and NFC-insensitive form for comparing header texts and messages."""
    s = unicodedata.normalize("NFC", str(text or "")).replace("\u00a0", " ").casefold()
    return " ".join(s.split())


def _run(path: Path) -> tuple[int, dict, str]:
    from analysis.cli import app

    result = CliRunner().invoke(app, ["validate", str(path), "--config", str(CONFIG), "--json"])
    try:
        report = json.loads(result.stdout)
    except (json.JSONDecodeError, ValueError):
        pytest.fail(
            f"stdout is not one JSON document (exit {result.exit_code}):\n{result.output[-2000:]}"
            + (f"\n{result.exception!r}" if result.exception else "")
        )
    return result.exit_code, report, result.output


def _same_file(reported: object, expected: str) -> bool:
    """The report may give the path as passed, absolute, or the file name."""
    if not reported:
        return False
    rep = Path(str(reported)).as_posix()
    exp = Path(expected).as_posix()
    return rep == exp or rep.endswith("/" + exp) or Path(rep).name == Path(exp).name


def _names_file(reported: object, expected: str) -> bool:
    """The problem names the case's file, or a file inside the case's folder."""
    if _same_file(reported, expected):
        return True
    parts = Path(str(reported or "").replace("\\", "/")).parts
    return Path(expected).name in parts


def test_corpus_is_deterministic_and_large_enough(tmp_path):
    a = build(tmp_path / "a")
    b = build(tmp_path / "b")
    assert len(a) >= 30
    assert a == b
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*"))
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*"))
    assert files_a == files_b
    for rel in files_a:
        if (tmp_path / "a" / rel).is_file():
            assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_office_case(office_corpus, case_id):
    root, cases = office_corpus
    case = cases[case_id]
    code, report, output = _run(root / case["file"])
    context = f"{case_id}: {case['description']}\n--- output ---\n{output[-3000:]}"

    if case["expect"] == "ok":
        assert code == 0, context
        assert report["ok"] is True, context
        assert sum(f.get("rejected", 0) for f in report["files"]) == sum(
            t["rows_rejected"] for t in case["truth"]
        ), context
        for truth in case["truth"]:
            matches = [
                f
                for f in report["files"]
                if _same_file(f.get("file"), truth["file"])
                and str(f.get("commune_code")) == truth["commune_code"]
            ]
            assert len(matches) == 1, f"{truth['file']} / {truth['commune_code']}\n{context}"
            got = matches[0]
            assert got.get("year") == case["year"], context
            assert got.get("rejected") == truth["rows_rejected"], context
            assert {k: got.get(k) for k in COUNTS} == {k: truth[k] for k in COUNTS}, context
        expected_keys = {(Path(t["file"]).name, t["commune_code"]) for t in case["truth"]}
        reported_keys = {
            (Path(str(f["file"])).name, str(f["commune_code"])) for f in report["files"]
        }
        assert reported_keys == expected_keys, context
        return

    want = case["fail"]
    assert code != 0, context
    assert report["ok"] is False, context
    blocking = [p for p in report["problems"] if p.get("severity") in ("fatal", "error")]
    assert blocking, context

    def matches(p: dict) -> bool:
        text = _fold(p.get("column")) + " | " + _fold(p.get("message"))
        if want["file"] and not _names_file(p.get("file"), case["file"]):
            return False
        # one problem for several rows may give them in the message
        if (
            want["row"] is not None
            and p.get("row") != want["row"]
            and str(want["row"]) not in _fold(p.get("message"))
        ):
            return False
        if want["column"] is not None and _fold(want["column"]) not in _fold(p.get("column")):
            return False
        if want.get("message_contains") and _fold(want["message_contains"]) not in text:
            return False
        return all(_fold(n) in text for n in want.get("names", ()))

    assert any(matches(p) for p in blocking), f"no blocking problem matching {want}\n{context}"
