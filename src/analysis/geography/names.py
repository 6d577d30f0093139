"""Name and code keys for matching boundary features to registry units.

A small local helper: `analysis.vietnamese` (another module) owns the full text
toolkit; this module needs only two keys, so it does not wait for it.

- `strict_key`: NFC, case-folded, administrative prefix dropped, tone mark moved to
  the end of its syllable, so "Hòa" and "Hoà" (old and new tone placement) agree.
- `loose_key`: the same without any diacritics (đ -> d), for names typed without
  tone marks; used only as a fallback because it can make distinct names collide.
"""

from __future__ import annotations

import re
import unicodedata

TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
_PREFIX = re.compile(r"^(xã|xa|thị trấn|thi tran|phường|phuong|tt\.?|x\.|p\.)\s+")
_SPACES = re.compile(r"\s+")


def _tone_last(syllable: str) -> str:
    """Move the tone mark of one syllable to its end (canonical, placement-independent)."""
    chars = unicodedata.normalize("NFD", syllable)
    tones = [c for c in chars if c in TONE_MARKS]
    rest = unicodedata.normalize("NFC", "".join(c for c in chars if c not in TONE_MARKS))
    return rest + "".join(tones)


def _clean(name: object) -> str:
    text = unicodedata.normalize("NFC", str(name)).casefold().strip()
    text = _SPACES.sub(" ", text.replace("-", " "))
    return _PREFIX.sub("", text)


def strict_key(name: object) -> str:
    """Case-insensitive key that keeps diacritics but ignores tone-mark placement."""
    return " ".join(_tone_last(s) for s in _clean(name).split(" "))


def loose_key(name: object) -> str:
    """Case- and diacritic-insensitive key ("Sơn Hồng" -> "son hong")."""
    chars = unicodedata.normalize("NFD", _clean(name).replace("đ", "d"))
    return "".join(c for c in chars if not unicodedata.combining(c))


def code_key(code: object) -> str | None:
    """A GSO commune code as a 5-digit string ("18133", 18133, "18133.0" -> "18133")."""
    if code is None:
        return None
    text = str(code).strip()
    if text in {"", "nan", "None", "<NA>"}:
        return None
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    return text.zfill(5) if text.isdigit() else text


def cp1258_form(text: str) -> str:
    """Unicode text in the form Windows-1258 can encode: base letters precomposed,
    tone marks as combining characters after them (used to write test files)."""
    return "".join(_tone_last(ch) for ch in unicodedata.normalize("NFC", text))
