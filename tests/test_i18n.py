"""The translation mechanism (analysis.i18n) and its English catalog.

The catalog must be well formed (each Vietnamese text once, the same placeholders on both
sides), every entry used somewhere, and every Vietnamese text the code passes to `t()` or
keeps in a label table translated; the English end-to-end run (test_english_run.py) checks
what the outputs finally say.
"""

from __future__ import annotations

import ast
import csv
import importlib
import pkgutil
from datetime import date
from pathlib import Path

import pytest
import yaml

import analysis
from analysis import i18n
from analysis.config import PROJECT_ROOT, load_config
from analysis.errors import UserError
from analysis.vietnamese import format_number, format_pct

CATALOG = i18n.CATALOG_FILES["en"]
SOURCES = sorted((PROJECT_ROOT / "src" / "analysis").rglob("*.py")) + sorted(
    (PROJECT_ROOT / "notebooks").glob("*.py")
)
TRANSLATORS = {"t", "tr", "translate"}  # names `analysis.i18n.t` is imported or called under
# Words that keep their Vietnamese letters in English: document symbols and the currency.
ALLOWED_IN_ENGLISH = ("NĐ-CP", "QĐ-TTg", "TT-BLĐTBXH", "NQ-HĐND")
# Modules that write the offices' own (Vietnamese) input files, whatever the language.
INPUT_WRITERS = ("analysis.synthetic",)


def _entries() -> list[dict]:
    return i18n.load_catalog_entries(CATALOG)


def _trees() -> dict[Path, ast.AST]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in SOURCES}


def _translator_calls(tree: ast.AST):
    """(call, template) of every t("literal", ...) call."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        first = node.args[0]
        if name in TRANSLATORS and isinstance(first, ast.Constant) and isinstance(first.value, str):
            yield node, first.value


def _literals() -> set[str]:
    out = set()
    for tree in _trees().values():
        out |= {
            n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
        }
    return out


def _strings(value, depth: int = 0):
    if depth > 4:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v, depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for v in value:
            yield from _strings(v, depth + 1)
    elif hasattr(value, "label_vi"):  # schema columns
        yield value.label_vi


def _modules():
    for info in pkgutil.walk_packages(analysis.__path__, "analysis."):
        if not info.name.endswith("__main__"):
            yield importlib.import_module(info.name)


def _runtime_texts() -> set[str]:
    """Module-level texts as the code builds them (label tables composed at import)."""
    out = set()
    for module in _modules():
        for name, value in vars(module).items():
            if not name.startswith("__"):
                out.update(_strings(value))
    return out


def _data_texts() -> set[str]:
    """Texts of the reference files and the district configs (names, plan wordings)."""
    out = set()
    for path in [
        *(PROJECT_ROOT / "data" / "reference").glob("*"),
        *(PROJECT_ROOT / "config").glob("*.yaml"),
    ]:
        if path == CATALOG:
            continue
        if path.suffix in (".yaml", ".yml"):
            out.update(_strings(yaml.safe_load(path.read_text(encoding="utf-8"))))
        elif path.suffix == ".csv":
            with path.open(encoding="utf-8") as f:
                out.update(cell for row in csv.reader(f) for cell in row)
    return out


# ---------------------------------------------------------------- the catalog
def test_catalog__each_vietnamese_text_once_same_placeholders_english_text():
    entries = _entries()
    seen, problems = set(), []
    for e in entries:
        vi, en = e["vi"], e["en"]
        if vi in seen:
            problems.append(f"twice: {vi!r}")
        seen.add(vi)
        if i18n.placeholders(vi) != i18n.placeholders(en):
            problems.append(f"placeholders differ: {vi!r} -> {en!r}")
        rest = en
        for word in ALLOWED_IN_ENGLISH:
            rest = rest.replace(word, "")
        if not en.strip() or i18n.has_vietnamese(rest):
            problems.append(f"not an English text: {vi!r} -> {en!r}")
    assert not problems, "\n".join(problems)


def test_catalog__every_entry_is_used():
    used = _literals() | _runtime_texts() | _data_texts()
    unused = [e["vi"] for e in _entries() if e["vi"] not in used]
    assert not unused, "catalog entries no code, label table or data file uses:\n" + "\n".join(
        unused
    )


def test_code__every_vietnamese_text_given_to_t_has_a_translation_and_its_placeholders():
    catalog = i18n.catalog("en")
    missing, mismatched = [], []
    for path, tree in _trees().items():
        for call, template in _translator_calls(tree):
            if not (i18n.has_vietnamese(template) or template in catalog):
                continue  # a key of another table (maps.text.tr("title", ...))
            where = f"{path.relative_to(PROJECT_ROOT)}:{call.lineno}"
            if i18n.has_vietnamese(template) and template not in catalog:
                missing.append(f"{where}: {template!r}")
            if any(k.arg is None for k in call.keywords):
                continue  # **values: checked when it runs
            given = {k.arg for k in call.keywords} - {"lang"}
            if given != i18n.placeholders(template):
                mismatched.append(f"{where}: {template!r} given {sorted(given)}")
    assert not missing, "no English translation (add them to the catalog):\n" + "\n".join(missing)
    assert not mismatched, "placeholders and values differ:\n" + "\n".join(mismatched)


def test_label_tables__every_vietnamese_label_has_a_translation():
    """Labels kept in *_VI tables are translated where they are shown (`t(label)`)."""
    catalog = i18n.catalog("en")
    missing = set()
    for module in _modules():
        if module.__name__.startswith(INPUT_WRITERS):
            continue
        for name, value in vars(module).items():
            if not (name.endswith("_VI") or "LABELS" in name) or not isinstance(value, dict):
                continue
            for text in _strings(value):
                parts = text.split(" – ")  # column labels composed of group and column
                if i18n.has_vietnamese(text) and not all(p in catalog for p in parts if p):
                    missing.add(f"{module.__name__}.{name}: {text!r}")
    assert not missing, "labels without a translation:\n" + "\n".join(sorted(missing))


# ---------------------------------------------------------------- the mechanism
def test_t__vietnamese_by_default_english_when_active_values_filled():
    template = "{n} xã có tỷ lệ hộ nghèo tăng so với năm {year}, tăng nhiều nhất: {names}."
    values = {"n": 2, "year": 2023, "names": "Sơn Lâm, Tây Sơn"}
    vietnamese = "2 xã có tỷ lệ hộ nghèo tăng so với năm 2023, tăng nhiều nhất: Sơn Lâm, Tây Sơn."
    assert i18n.t(template, **values) == vietnamese
    with i18n.using("en"):
        assert i18n.t(template, **values) == (
            "2 communes had a higher poor-household rate than in 2023; the largest rises: "
            "Sơn Lâm, Tây Sơn."
        )
        assert i18n.t("Hương Sơn") == "Hương Sơn"  # no entry: unchanged (place names)
        assert i18n.t(None) is None  # not a string: returned as is (labels with gaps)
    assert i18n.language() == "vi" and i18n.t("Đạt", lang="en") == "Met"


def test_numbers_and_dates__follow_the_language():
    assert (format_number(1234.5, 1), format_pct(0.1234)) == ("1.234,5", "12,3%")
    assert i18n.long_date(date(2025, 1, 5)) == "ngày 05 tháng 01 năm 2025"
    with i18n.using("en"):
        assert (format_number(1234.5, 1), format_pct(0.1234)) == ("1,234.5", "12.3%")
        assert i18n.long_date(date(2025, 1, 5)) == "5 January 2025"
        assert i18n.unit_name("Xã Sơn Kim 1") == "Sơn Kim 1 commune"
        assert i18n.document_language() == "en-GB"
    assert i18n.unit_name("Xã Sơn Kim 1") == "Xã Sơn Kim 1"


def _config_copy(tmp_path, **changes) -> Path:
    raw = yaml.safe_load((PROJECT_ROOT / "config" / "huong_son.yaml").read_text(encoding="utf-8"))
    raw.update(changes)
    path = tmp_path / "district.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_load_config__sets_the_language_the_environment_overrides_it(tmp_path, monkeypatch):
    path = _config_copy(tmp_path, language="en")
    assert load_config(path).language == "en" and i18n.language() == "en"
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "vi")  # `analysis run --language vi`
    assert load_config(path).language == "vi" and i18n.language() == "vi"
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "fr")
    with pytest.raises(UserError, match="fr"):
        load_config(path)


def test_load_config__district_translations_win_and_must_keep_placeholders(tmp_path):
    label = "Tỷ lệ hộ nghèo giảm 0,6–1,0 điểm phần trăm mỗi năm"
    path = _config_copy(tmp_path, language="en", translations={"en": {label: "Rate falls"}})
    load_config(path)
    assert i18n.t(label) == "Rate falls"
    bad = _config_copy(tmp_path, translations={"en": {"Năm {year}": "Year"}})
    with pytest.raises(UserError, match="Năm"):
        load_config(bad)


def test_untranslated__lists_vietnamese_sentences_but_not_place_names_or_symbols():
    text = (
        "In 2024 Sơn Kim 1 commune had 12 poor households. Decree 07/2021/NĐ-CP applies.\n"
        "Tỷ lệ hộ nghèo giảm. Hà Tĩnh province"
    )
    assert i18n.untranslated(text, ["Sơn Kim 1", "Hà Tĩnh"]) == ["Tỷ lệ hộ nghèo giảm."]
