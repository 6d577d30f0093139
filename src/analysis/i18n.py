"""The language of everything a user reads: one translation mechanism for the whole suite.

Vietnamese is the default and the source language: code writes its user texts in Vietnamese,
wrapped in `t()`, and the English catalog (data/reference/translations_en.yaml) maps each
Vietnamese text to its English one. Templates are whole sentences with named placeholders,
never words glued together:

    t("Năm {year}, toàn huyện có {n} hộ nghèo.", year=2024, n=format_number(1245))

gives the Vietnamese sentence in a Vietnamese run and "In 2024, the district had 1,245 poor
households." in an English run. A text missing from the catalog stays Vietnamese (and the
English end-to-end test lists it). Labels of codes and columns are catalog entries too:
`t("Tỷ lệ hộ nghèo")`; `t` returns anything that is not a string (NaN, None) unchanged, so
`series.map(t)` translates a column of labels. Place names are not translated (they keep
their diacritics): they are not in the catalog.

The active language is set once per run or notebook from the config: `load_config` calls
`activate(config)`; the command line's `--language` (or the environment variable
ANALYSIS_LANGUAGE, which the pipeline sets for the notebook kernels and the factsheet
workers) overrides the config's `language`. A district's own texts (its target labels, its
plan's name) are translated by the config's `translations: {en: {vietnamese: english}}`,
which take precedence over the catalog. Numbers (`analysis.vietnamese.format_number`) and
dates (`long_date`) follow the active language.

How to add a translation: docs/DEVELOPING.md, section "Translations".
"""

from __future__ import annotations

import os
import re
import string
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
LANGUAGE_ENV = "ANALYSIS_LANGUAGE"  # set by `analysis run --language` for the whole run
CATALOG_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"
CATALOG_FILES = {"en": CATALOG_DIR / "translations_en.yaml"}
# The language tag of documents (HTML lang, DOCX w:lang and core properties).
DOCUMENT_LANGUAGE = {"vi": "vi-VN", "en": "en-GB"}
HTML_LANGUAGE = {"vi": "vi", "en": "en-GB"}

_active: ContextVar[str | None] = ContextVar("analysis_language", default=None)
_process: dict[str, object] = {"language": None, "extra": {}}

MONTHS_EN = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


class TranslationError(ValueError):
    """A catalog or a config translation that cannot be used (bad file, mismatched placeholders)."""


# ---------------------------------------------------------------- the active language
def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise TranslationError(
            t(
                "Ngôn ngữ '{language}' không được hỗ trợ; các giá trị được phép: {allowed}.",
                language=lang,
                allowed=", ".join(LANGUAGES),
            )
        )
    return lang


def language() -> str:
    """The active language: a `using` block's, else the run's (`set_language`/`activate`),
    else the ANALYSIS_LANGUAGE environment variable, else Vietnamese."""
    lang = _active.get() or _process["language"] or os.environ.get(LANGUAGE_ENV, "").strip()
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def is_english() -> bool:
    return language() == "en"


def set_language(lang: str | None) -> None:
    """Make `lang` the language of this process (None: back to the default rules)."""
    _process["language"] = None if lang is None else check_language(lang)
    _active.set(None)


@contextmanager
def using(lang: str) -> Iterator[str]:
    """`lang` for the duration of the block (this thread or task only)."""
    token = _active.set(check_language(lang))
    try:
        yield lang
    finally:
        _active.reset(token)


def override_language() -> str | None:
    """The language the command line asked for (ANALYSIS_LANGUAGE), if any."""
    value = os.environ.get(LANGUAGE_ENV, "").strip()
    return check_language(value) if value else None


def activate(config) -> None:
    """The config's language and its own translations become this process's."""
    set_language(config.language)
    extra = getattr(config, "translations", None) or {}
    for lang, table in extra.items():
        check_placeholders(table, f"translations.{lang}")
    _process["extra"] = {lang: dict(table) for lang, table in extra.items()}


def reset() -> None:
    """Back to the defaults (Vietnamese, no config translations): tests call it between tests."""
    _process["language"] = None
    _process["extra"] = {}
    _active.set(None)


# ---------------------------------------------------------------- the catalog
def load_catalog_entries(path: Path) -> list[dict]:
    """The catalog file's entries ({vi, en}), in file order (duplicates kept, for the tests)."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("vi"), str) and isinstance(e.get("en"), str)
        for e in entries
    ):
        raise TranslationError(f"{path.name}: each entry must be a mapping with 'vi' and 'en'")
    return entries


@lru_cache(maxsize=4)
def catalog(lang: str) -> Mapping[str, str]:
    """Vietnamese text -> text in `lang` (empty for Vietnamese)."""
    path = CATALOG_FILES.get(lang)
    if path is None or not path.exists():
        return {}
    return {e["vi"]: e["en"] for e in load_catalog_entries(path)}


def translate(text: str, lang: str | None = None) -> str:
    """`text` (Vietnamese, unformatted) in `lang` (default: the active language); itself when
    the catalog has no entry."""
    lang = lang or language()
    if lang == DEFAULT_LANGUAGE:
        return text
    extra = _process["extra"].get(lang, {})  # type: ignore[union-attr]
    if text in extra:
        return extra[text]
    return catalog(lang).get(text, text)


def t(text, /, lang: str | None = None, **values: object):
    """`text` in the active language (or `lang`), its {placeholders} filled with `values`.

    Anything that is not a string is returned unchanged (`series.map(t)` on labels with gaps)."""
    if not isinstance(text, str):
        return text
    out = translate(text, lang)
    return out.format(**values) if values else out


def labels(mapping: Mapping[str, str]) -> dict[str, str]:
    """A {code: Vietnamese label} mapping with its labels in the active language."""
    return {key: t(value) for key, value in mapping.items()}


def placeholders(template: str) -> set[str]:
    """The named placeholders of a template: 'Năm {year}: {n:,}' -> {'year', 'n'}."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def check_placeholders(table: Mapping[str, str], where: str) -> None:
    for vi, other in table.items():
        if placeholders(vi) != placeholders(other):
            raise TranslationError(
                t(
                    "{path}: '{vi}' và bản dịch '{other}' không cùng các chỗ trống {{…}}.",
                    path=where,
                    vi=vi,
                    other=other,
                )
            )


# ---------------------------------------------------------------- dates and document tags
def long_date(day: date, lang: str | None = None) -> str:
    """'ngày 05 tháng 01 năm 2025' (Decree 30/2020: days below 10 and months 1–2 with a
    leading 0) or '5 January 2025'."""
    if (lang or language()) == "en":
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def document_language(lang: str | None = None) -> str:
    """'vi-VN' or 'en-GB' (DOCX and PDF metadata)."""
    return DOCUMENT_LANGUAGE[lang or language()]


def html_language(lang: str | None = None) -> str:
    return HTML_LANGUAGE[lang or language()]


# ---------------------------------------------------------------- names of places
# A unit's full name is its type and its name ("Xã Sơn Kim 1"); an English run writes the
# name (diacritics kept) with the type translated: "Sơn Kim 1 commune".
UNIT_TYPES = ("Thành phố", "Thị trấn", "Thị xã", "Phường", "Huyện", "Tỉnh", "Quận", "Xã")
UNIT_NAME_TEMPLATES = {
    "Thành phố": "Thành phố {name}",
    "Thị trấn": "Thị trấn {name}",
    "Thị xã": "Thị xã {name}",
    "Phường": "Phường {name}",
    "Huyện": "Huyện {name}",
    "Tỉnh": "Tỉnh {name}",
    "Quận": "Quận {name}",
    "Xã": "Xã {name}",
}


def unit_name(full_name: str, lang: str | None = None) -> str:
    """'Xã Sơn Kim 1' as the active language writes it ('Sơn Kim 1 commune' in English)."""
    if (lang or language()) == DEFAULT_LANGUAGE or not isinstance(full_name, str):
        return full_name
    for kind in UNIT_TYPES:
        if full_name.startswith(kind + " "):
            return t(UNIT_NAME_TEMPLATES[kind], lang=lang, name=full_name[len(kind) + 1 :])
    return full_name


# ---------------------------------------------------------------- finding what is left
_VIETNAMESE_LETTER = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE
)
# Document symbols keep their Vietnamese letters in English: NĐ-CP, QĐ-TTg, TT-BLĐTBXH, NQ-HĐND.
_DOCUMENT_SYMBOL = re.compile(
    r"\b[A-ZĐ]{1,6}(?:-[A-ZĐa-z]{2,})+\b"
    r"|\b(?:NĐ|QĐ|NQ)[A-Z][A-Za-zĐ]+\b"  # the same, its hyphen lost at a PDF line end
)
_SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+|\n+|\s*\|\s*")


def has_vietnamese(text: str) -> bool:
    """Whether `text` holds a letter only Vietnamese uses among the languages here."""
    return bool(_VIETNAMESE_LETTER.search(text))


def untranslated(text: str, names: Iterable[str] = ()) -> list[str]:
    """The sentences of `text` (an English output) that still hold Vietnamese letters once the
    place `names` (which keep their diacritics) and document symbols are left out."""
    names = sorted({unicodedata.normalize("NFC", n) for n in names if n}, key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, names)), re.IGNORECASE) if names else None
    found = []
    for sentence in _SENTENCE_END.split(unicodedata.normalize("NFC", text)):
        rest = _DOCUMENT_SYMBOL.sub(" ", pattern.sub(" ", sentence) if pattern else sentence)
        if has_vietnamese(rest):
            found.append(" ".join(sentence.split()))
    return found
