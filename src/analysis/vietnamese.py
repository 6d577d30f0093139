"""Vietnamese text and number formatting.

Text: legacy encodings (TCVN3/ABC, VNI, VPS, VISCII) to Unicode, NFC, one tone-mark
placement, comparison keys for names and headers. Formatting: number,
percentage and date formats for every module that writes for a reader, in the active
language (analysis.i18n): Vietnamese 1.234,5 ; 12,3% ; 31/12/2024, English 1,234.5 ; 12.3%.

Legacy encodings. The conversion tables are the pinned `viparse` ones, completed
here where they miss letters (see `_VNI_EXTRA`) and extended with the Windows-1252
surface of bytes 0x80-0x9F (VPS and VISCII put letters there; Excel and a csv read as
cp1252 show those bytes as '€', '‚', 'ƒ'…). Every precomposed Vietnamese letter,
lowercase and uppercase, converts back from each encoding (tests/test_vietnamese.py
round-trips all 134), with one limit of the encoding itself:

TCVN3 (ABC, fonts .VnTime/.VnArial) has uppercase bytes only for Ă Â Ê Ô Ơ Ư Đ. An
uppercase toned letter (Ộ, Ề…) is typed as the lowercase byte and drawn uppercase by
the "H" fonts (.VnTimeH). The bytes alone cannot tell 'Hộ' from 'HỘ'; `from_legacy`
restores the case from the ASCII letters around: a word whose ASCII letters (two or
more) are all uppercase is uppercased, and then so are the words of the same text
whose one ASCII letter is ('Hé NGHÌO' -> 'HỘ NGHÈO', 'UBND X· S¬N KIM' -> 'UBND XÃ SƠN
KIM'; but 'Sè CCCD' -> 'Số CCCD', 'X·' alone -> 'Xã'), and a word starting
with a toned vowel among capitalised words takes a capital ('Ngäc ¸nh' -> 'Ngọc Ánh').
A heading set in an H font but typed in lowercase ASCII comes back lowercase
(comparison keys ignore case).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache

from viparse.normalize.encodings import CHARMAPS as _VIPARSE_CHARMAPS
from viparse.normalize.tables import Charmap, build_charmap, convert

from analysis import i18n

ENCODING_LABELS = {"tcvn3": "TCVN3 (ABC)", "vni": "VNI", "viscii": "VISCII", "vps": "VPS"}

# VNI letters viparse 0.1.31 lacks or spells otherwise. VNI writes ẳ as a + 'ú' (the
# breve-hook mark, 0xFA) and ỵ as the single glyph 'î' (0xEE; y + dot below collides
# with the descender), uppercase 'AÚ' and 'Î'. viparse's derived 'yï'/'YÏ' stay too.
_VNI_EXTRA = [("aú", "ẳ"), ("AÚ", "Ẳ"), ("î", "ỵ"), ("Î", "Ỵ")]

# Bytes 0x80-0x9F as Windows-1252 shows them (Excel on Windows, a csv read as cp1252).
_CP1252_HIGH = {
    b: bytes([b]).decode("cp1252")
    for b in range(0x80, 0xA0)
    if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}


def _cp1252_aliases(charmap: Charmap) -> list[tuple[str, str]]:
    """The same letters keyed on the cp1252 surface of their 0x80-0x9F bytes."""
    return [
        (_CP1252_HIGH[ord(src)], dst)
        for src, dst in charmap.pairs
        if len(src) == 1 and ord(src) in _CP1252_HIGH
    ]


def _extended(charmap: Charmap, extra: list[tuple[str, str]]) -> Charmap:
    pairs = dict(charmap.pairs)
    pairs.update(extra)
    return build_charmap(charmap.name, pairs.items())


CHARMAPS: dict[str, Charmap] = {
    "tcvn3": _VIPARSE_CHARMAPS["tcvn3"],
    "vni": _extended(_VIPARSE_CHARMAPS["vni"], _VNI_EXTRA),
    "vps": _extended(_VIPARSE_CHARMAPS["vps"], _cp1252_aliases(_VIPARSE_CHARMAPS["vps"])),
    "viscii": _extended(_VIPARSE_CHARMAPS["viscii"], _cp1252_aliases(_VIPARSE_CHARMAPS["viscii"])),
}
# Detection candidates, in order of preference when two read equally well (TCVN3 and
# VNI are what district offices used; VPS and VISCII are rare).
CANDIDATES = ("tcvn3", "vni", "vps", "viscii")

# Letters only Unicode has (ă ơ ư đ ĩ ũ and U+1EA0-U+1EF9): a string holding one is
# Unicode already, whatever else it holds. No legacy surface uses them.
_UNICODE_ONLY = re.compile("[ĂăƠơƯưĐđĨĩŨũ\u1ea0-\u1ef9]")
# Characters some legacy table reads as (part of) a letter, beyond ASCII.
_LEGACY_CHARS = frozenset(
    ch for m in CHARMAPS.values() for src, _ in m.pairs for ch in src if ord(ch) > 0x7F
)
_LEGACY_ANY = re.compile("[" + re.escape("".join(sorted(_LEGACY_CHARS))) + "]")
# Characters some table (or viparse's restoring of PDF glyphs) reads: a token without
# one converts to itself.
_CONVERTIBLE = re.compile(
    "["
    + re.escape(
        "".join(sorted({ch for m in CHARMAPS.values() for src, _ in m.pairs for ch in src}))
        + "\u2212\u2219"
    )
    + "]"
)
# Whitespace that no conversion table reads (VPS and VISCII put letters on some control and
# space characters, e.g. 0xA0): text converts token by token between these.
_SEPARATOR = re.compile(
    "["
    + re.escape(
        "".join(
            chr(c)
            for c in range(0x3001)
            if chr(c).isspace()
            and not any(chr(c) in src for m in CHARMAPS.values() for src, _ in m.pairs)
        )
    )
    + "]+"
)

# Latin-1 letters that Unicode Vietnamese uses; any other character of U+00A0-U+00FF in
# a text is the trace of a legacy font (TCVN3 '¸µ¶', VNI 'øöñï') read as Latin-1.
_VIETNAMESE_LATIN1 = set("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")
_LEGACY_HINT = re.compile(
    "["
    + "".join(chr(c) for c in range(0xA1, 0x100) if chr(c) not in _VIETNAMESE_LATIN1)
    + "".join(_CP1252_HIGH.values())
    + "]"
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
    ok, n = _word_counts(text)
    return ok / n if n else 0.0


def _word_counts(text: str) -> tuple[int, int]:
    """(well-formed Vietnamese syllables, words) of `text`."""
    words = _WORD.findall(text.casefold())
    return sum(_is_syllable(word) for word in words), len(words)


@lru_cache(maxsize=100_000)
def _is_syllable(word: str) -> bool:
    decomposed = unicodedata.normalize("NFD", word)
    tones = sum(ch in _TONE_MARKS for ch in decomposed)
    base = nfc("".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    return tones <= 1 and bool(_SYLLABLE.match(base))


def detect_legacy_encoding(texts: Iterable[str]) -> str | None:
    """The legacy encoding of a body of text ('tcvn3', 'vni', 'vps', 'viscii'), or None.

    Detection looks at all strings together (single short strings such as "Sơn Kim 1"
    carry too little evidence; a column or a header block carries enough): each legacy
    table is trial-applied and the one whose output reads best as Vietnamese syllables
    wins, if it clearly beats leaving the text as it is; ties go to the encoding offices
    used most (`CANDIDATES` order). Strings holding a letter only Unicode has are left
    out of the evidence, and plain ASCII or Unicode Vietnamese gives None.
    """
    sample = _evidence(texts)
    if not _LEGACY_ANY.search(sample):
        return None  # nothing any legacy table would change
    scores = _trial_scores(sample)
    base = scores[None]
    if not _LEGACY_HINT.search(sample) and base >= 0.9:
        return None  # only letters Vietnamese uses, in well-formed syllables
    best = max(CANDIDATES, key=scores.__getitem__)  # first of the ties, by preference
    if scores[best] < base + 0.05:
        return None
    return best


def _evidence(texts: Iterable[str], most: int = 300, length: int = 5000) -> str:
    """The first `most` distinct non-blank strings without a Unicode-only letter, joined by
    spaces and cut at `length` characters; reading stops as soon as the sample is full (a
    column of thousands of cells is not scanned to the end)."""
    unique: list[str] = []
    seen: set[str] = set()
    size = -1
    for t in texts:
        if not isinstance(t, str) or t in seen:
            continue
        seen.add(t)
        if t.strip() and not _UNICODE_ONLY.search(t):
            unique.append(t)
            size += len(t) + 1
            if len(unique) >= most or size >= length:
                break
    return " ".join(unique)[:length]


def _trial_scores(sample: str) -> dict[str | None, float]:
    """`vietnamese_score` of `sample` as it is (key None) and converted from each legacy
    encoding: the same numbers as scoring `from_legacy(sample, name)`, summed over the
    sample's whitespace-separated tokens, each token's counts cached (columns repeat
    'Nông thôn', 'x', village names...).

    Exact: no conversion table reads the separators (`_SEPARATOR`), so every table converts
    token by token, and a score reads casefolded words, which TCVN3's case restoration
    does not change unless a converted token holds a letter whose uppercase folds
    otherwise; then the sample is scored whole, as written.
    """
    ok, n = [0] * (1 + len(CANDIDATES)), [0] * (1 + len(CANDIDATES))
    for token in _SEPARATOR.split(sample):
        if not token:
            continue
        counts = _token_counts(token)
        if counts is None:
            return _whole_scores(sample)
        for i, (good, words) in enumerate(counts):
            ok[i] += good
            n[i] += words
    return {name: ok[i] / n[i] if n[i] else 0.0 for i, name in enumerate((None, *CANDIDATES))}


def _whole_scores(sample: str) -> dict[str | None, float]:
    out: dict[str | None, float] = {None: vietnamese_score(sample)}
    out.update({name: vietnamese_score(from_legacy(sample, name)) for name in CANDIDATES})
    return out


@lru_cache(maxsize=200_000)
def _token_counts(token: str) -> tuple[tuple[int, int], ...] | None:
    """(syllables, words) of one token as it is and converted from each of `CANDIDATES`;
    None when TCVN3's case restoration could change its score (see `_trial_scores`)."""
    out = [_word_counts(token)]
    if not _CONVERTIBLE.search(token) and (token.isascii() or all(map(_case_inert, token))):
        return tuple(out * (1 + len(CANDIDATES)))  # no table changes it
    for name in CANDIDATES:
        converted = convert(token, CHARMAPS[name])
        if name == "tcvn3" and not all(_case_inert(ch) for ch in converted):
            return None
        out.append(_word_counts(converted))
    return tuple(out)


@lru_cache(maxsize=4096)
def _case_inert(ch: str) -> bool:
    """Upper-casing `ch` leaves its casefolded form unchanged ('ı' and 'ſ' do not)."""
    return ch.upper().casefold() == ch.casefold()


def from_legacy(text: str, encoding: str) -> str:
    """Convert one string from a legacy encoding to NFC Unicode.

    A string that already holds a Unicode-only Vietnamese letter is returned as it is
    (NFC): columns mixing pasted Unicode cells with legacy ones convert cell by cell.
    TCVN3's uppercase is restored as the module docstring explains.
    """
    if _UNICODE_ONLY.search(text):
        return nfc(text)
    if encoding == "tcvn3":
        return _from_tcvn3(text)
    return convert(text, CHARMAPS[encoding])


_ASCII_LETTERS = re.compile(r"[A-Za-z]")


def _from_tcvn3(text: str) -> str:
    charmap = CHARMAPS["tcvn3"]
    tokens = re.split(r"(\s+)", text)
    out = [convert(t, charmap) for t in tokens]
    words = [i for i, t in enumerate(out) if t[:1].isalpha()]
    legacy = [i for i in words if any(ord(ch) > 0x7F for ch in tokens[i])]
    capitals = {i: _ASCII_LETTERS.findall(tokens[i]) for i in legacy}
    capitals = {i: len(c) if c and all(x.isupper() for x in c) else 0 for i, c in capitals.items()}
    heading = any(n >= 2 for n in capitals.values())  # 'NGHÌO': a word set in .VnTimeH
    for i in legacy:
        if capitals[i] >= 2 or (heading and capitals[i]):
            out[i] = out[i].upper()
        elif ord(tokens[i][0]) > 0x7F and out[i][0].islower():
            others = [out[j] for j in words if j != i]
            if others and all(w[0].isupper() for w in others):  # a name: 'Ngọc ¸nh'
                out[i] = out[i][0].upper() + out[i][1:]
    return nfc("".join(out))


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
    """A number in the active language's format (analysis.i18n): Vietnamese 1234.5 ->
    '1.234,5' (dot thousands, comma decimals), English '1,234.5'; missing -> '–'."""
    if _missing(x):
        return "–"
    text = f"{x:,.{decimals}f}"
    if i18n.is_english():
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_pct(fraction: float | None, decimals: int = 1) -> str:
    """A fraction as a percentage: 0.1234 -> '12,3%' (Vietnamese) or '12.3%' (English);
    missing -> '–'."""
    if _missing(fraction):
        return "–"
    return f"{format_number(fraction * 100, decimals)}%"


def format_date(d: date | datetime) -> str:
    """dd/mm/yyyy (Vietnamese and British usage alike)."""
    return d.strftime("%d/%m/%Y")
