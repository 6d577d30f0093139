"""Vietnamese text and number formatting.

Text: legacy encodings (TCVN3/ABC, VNI, VISCII) to Unicode via the pinned
`viparse` tables, NFC, one tone-mark placement, comparison keys for names and
headers. Formatting: Vietnamese number, percentage and date formats
(1.234,5 ; 12,3% ; 31/12/2024), for every module that writes for a reader.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache

from viparse.normalize.detector import detect_encoding_by_content
from viparse.normalize.encodings import AUTO_DETECT_CHARMAPS, CHARMAPS
from viparse.normalize.tables import convert

ENCODING_LABELS = {"tcvn3": "TCVN3 (ABC)", "vni": "VNI", "viscii": "VISCII", "vps": "VPS"}

# Latin-1 letters that Unicode Vietnamese uses; any other character of U+00A0-U+00FF in
# a text is the trace of a legacy font (TCVN3 '¸µ¶', VNI 'øöñï') read as Latin-1.
_VIETNAMESE_LATIN1 = set("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")
_LEGACY_HINT = re.compile(
    "[" + "".join(chr(c) for c in range(0xA1, 0x100) if chr(c) not in _VIETNAMESE_LATIN1) + "]"
)
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền sắc ngã hỏi nặng

_INITIALS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx]"
_NUCLEI = (
    "uyê|uya|uyu|ươi|ươu|uôi|oai|oay|oeo|iêu|yêu|uây|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|ua|uâ|uê|ui|uô|uơ|ươ|ưa|ưi|ưu|uy|yê|"
    "a|ă|â|e|ê|i|o|ô|ơ|u|ư|y"
)
_SYLLABLE = re.compile(rf"^({_INITIALS})?({_NUCLEI})(ch|c|m|ng|nh|n|p|t)?$")
_WORD = re.compile(r"[^\W\d_]+")


def vietnamese_score(text: str) -> float:
    """Share of the words of `text` that are well-formed Vietnamese syllables."""
    words = _WORD.findall(text.casefold())
    if not words:
        return 0.0
    ok = 0
    for word in words:
        decomposed = unicodedata.normalize("NFD", word)
        tones = sum(ch in _TONE_MARKS for ch in decomposed)
        base = nfc("".join(ch for ch in decomposed if ch not in _TONE_MARKS))
        ok += tones <= 1 and bool(_SYLLABLE.match(base))
    return ok / len(words)


def detect_legacy_encoding(texts: Iterable[str]) -> str | None:
    """The legacy encoding of a body of text ('tcvn3', 'vni', 'viscii'), or None for Unicode.

    Detection looks at all strings together (single short strings such as "Sơn Kim 1"
    carry too little evidence; a column or a header block carries enough): each legacy
    table is trial-applied and the one whose output reads best as Vietnamese syllables
    wins, if it clearly beats leaving the text as it is. viparse's own content detector
    breaks ties.
    """
    unique = dict.fromkeys(t for t in texts if isinstance(t, str))
    sample = " ".join(list(unique)[:300])[:5000]
    if not re.search(r"[\xa0-\xff]", sample):
        return None  # pure ASCII or beyond Latin-1 (Unicode Vietnamese): nothing to convert
    base = vietnamese_score(sample)
    if not _LEGACY_HINT.search(sample) and base >= 0.9:
        return None  # only letters Vietnamese uses, in well-formed syllables
    scores = {
        name: vietnamese_score(convert(sample, CHARMAPS[name])) for name in AUTO_DETECT_CHARMAPS
    }
    best = max(scores, key=scores.__getitem__)
    ties = [n for n, v in scores.items() if v == scores[best]]
    if scores[best] < base + 0.05:
        return None
    if len(ties) > 1:  # viparse's detector, else the most common encoding in offices
        detected = detect_encoding_by_content(sample, {n: CHARMAPS[n] for n in ties}).encoding
        return detected or min(ties, key=_PREFERENCE.index)
    return best


_PREFERENCE = ["tcvn3", "vni", "viscii"]


def from_legacy(text: str, encoding: str) -> str:
    """Convert one string from a legacy encoding to NFC Unicode."""
    return convert(text, CHARMAPS[encoding])


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def normalize_tone_placement(text: str) -> str:
    """One tone-mark placement: 'Hoà'/'Hòa' -> 'Hòa', 'Thuỷ'/'Thủy' -> 'Thủy' (NFC out).

    oa, oe, uy with no consonant after them take the tone on the first vowel in the
    "new" style (hòa, thủy) and on the second in the "old" one (hoà, thuỷ). We keep the
    new style, as the official unit registry does (An Hòa Thịnh).
    """
    decomposed = unicodedata.normalize("NFD", text)
    if not any(ch in _TONE_MARKS for ch in decomposed):
        return nfc(decomposed)
    return nfc(_move_tones(decomposed))


def _move_tones(decomposed: str) -> str:
    """In NFD text, move a tone from the 2nd vowel of a final oa/oe/uy to the 1st."""
    chars = list(decomposed)
    i = 0
    while i < len(chars):
        j = _next_base(chars, i)  # index of the base letter after the marks of chars[i]
        if chars[i].lower() in "ou" and j < len(chars):
            second = chars[j].lower()
            pair_ok = (chars[i].lower() == "o" and second in "ae") or (
                chars[i].lower() == "u" and second == "y"
            )
            k = _next_base(chars, j)
            ends = k >= len(chars) or not chars[k].isalpha()
            prev_q = i > 0 and chars[i - 1].lower() == "q"
            tones = [m for m in chars[j + 1 : k] if m in _TONE_MARKS]
            first_has_tone = any(m in _TONE_MARKS for m in chars[i + 1 : j])
            if pair_ok and ends and not prev_q and tones and not first_has_tone:
                tone = tones[0]
                del chars[chars.index(tone, j + 1)]
                chars.insert(j, tone)  # right after the first vowel's own marks
                j += 1
        i = j
    return "".join(chars)


def _next_base(chars: list[str], i: int) -> int:
    j = i + 1
    while j < len(chars) and unicodedata.combining(chars[j]):
        j += 1
    return j


@lru_cache(maxsize=100_000)
def clean_text(text: str) -> str:
    """NFC, one tone placement, single spaces, stripped."""
    return re.sub(r"\s+", " ", normalize_tone_placement(nfc(text))).strip()


def name_key(text: str) -> str:
    """Comparison key that keeps diacritics: 'Sơn  HOÀ' and 'Sơn Hòa' give the same key."""
    return clean_text(text).casefold()


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return nfc("".join(ch for ch in decomposed if not unicodedata.combining(ch)))


@lru_cache(maxsize=100_000)
def ascii_key(text: str) -> str:
    """Key without diacritics, case or punctuation: 'Số nhân khẩu' -> 'so nhan khau'."""
    plain = strip_diacritics(clean_text(text)).casefold()
    return re.sub(r"[^0-9a-z]+", " ", plain).strip()


_UNIT_PREFIX = re.compile(r"^(xa|phuong|thi tran|tt|p|x|ubnd xa|ubnd thi tran|ubnd phuong)\s+")


def commune_key(text: str, diacritics: bool = False) -> str:
    """Key of a commune name without its type: 'Xã Sơn Kim 1', 'TT. Phố Châu' -> 'son kim 1'.

    With `diacritics`, the key keeps them ('sơn kim 1'), for names that differ only
    by their marks.
    """
    key = ascii_key(text)
    while (stripped := _UNIT_PREFIX.sub("", key)) != key:
        key = stripped
    if not diacritics:
        return key
    marked = re.sub(r"[^\w]+", " ", name_key(text)).split()
    return " ".join(marked[len(marked) - len(key.split()) :])


# ----------------------------------------------------------------- formatting


def _missing(x: object) -> bool:
    """None, NaN or pandas' NA (compared by type name: this module does not import pandas)."""
    return x is None or (isinstance(x, float) and math.isnan(x)) or type(x).__name__ == "NAType"


def format_number(x: float | int | None, decimals: int = 0) -> str:
    """Vietnamese number format: 1234.5 -> '1.234,5' (dot thousands, comma decimals); missing -> '–'."""
    if _missing(x):
        return "–"
    text = f"{x:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_pct(fraction: float | None, decimals: int = 1) -> str:
    """A fraction as a Vietnamese percentage: 0.1234 -> '12,3%'; missing -> '–'."""
    if _missing(fraction):
        return "–"
    return f"{format_number(fraction * 100, decimals)}%"


def format_date(d: date | datetime) -> str:
    """dd/mm/yyyy."""
    return d.strftime("%d/%m/%Y")
