"""Legacy Vietnamese font encodings, written independently of the project's converters.

Offices that still type with Unikey/Vietkey in "TCVN3 (ABC)" or "VNI Windows" mode store
one 8-bit font byte per typed byte; Excel keeps each byte as the Windows-1252 character of
the same code. These functions turn Unicode text into that stored form, so a workbook
written with them looks like one typed with .VnTime / VNI-Times fonts.
"""

from __future__ import annotations

import unicodedata

# TCVN3 (TCVN 5712:1993, "ABC"): one byte per precomposed lowercase letter; of the upper
# case only Ă Â Ê Ô Ơ Ư Đ have codes. Titles use the ".VnTimeH" font, whose glyphs at the
# lower-case codes are capitals, so typists' upper-case toned letters are stored as the
# lower-case codes.
_TCVN3_LOWER = {
    "à": 0xB5, "ả": 0xB6, "ã": 0xB7, "á": 0xB8, "ạ": 0xB9,
    "ă": 0xA8, "ằ": 0xBB, "ẳ": 0xBC, "ẵ": 0xBD, "ắ": 0xBE, "ặ": 0xC6,
    "â": 0xA9, "ầ": 0xC7, "ẩ": 0xC8, "ẫ": 0xC9, "ấ": 0xCA, "ậ": 0xCB,
    "đ": 0xAE,
    "è": 0xCC, "ẻ": 0xCE, "ẽ": 0xCF, "é": 0xD0, "ẹ": 0xD1,
    "ê": 0xAA, "ề": 0xD2, "ể": 0xD3, "ễ": 0xD4, "ế": 0xD5, "ệ": 0xD6,
    "ì": 0xD7, "ỉ": 0xD8, "ĩ": 0xDC, "í": 0xDD, "ị": 0xDE,
    "ò": 0xDF, "ỏ": 0xE1, "õ": 0xE2, "ó": 0xE3, "ọ": 0xE4,
    "ô": 0xAB, "ồ": 0xE5, "ổ": 0xE6, "ỗ": 0xE7, "ố": 0xE8, "ộ": 0xE9,
    "ơ": 0xAC, "ờ": 0xEA, "ở": 0xEB, "ỡ": 0xEC, "ớ": 0xED, "ợ": 0xEE,
    "ù": 0xEF, "ủ": 0xF1, "ũ": 0xF2, "ú": 0xF3, "ụ": 0xF4,
    "ư": 0xAD, "ừ": 0xF5, "ử": 0xF6, "ữ": 0xF7, "ứ": 0xF8, "ự": 0xF9,
    "ỳ": 0xFA, "ỷ": 0xFB, "ỹ": 0xFC, "ý": 0xFD, "ỵ": 0xFE,
}  # fmt: skip
_TCVN3_UPPER = {"Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7}


def to_tcvn3(text: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in _TCVN3_UPPER:
            code = _TCVN3_UPPER[ch]
        elif ch in _TCVN3_LOWER:
            code = _TCVN3_LOWER[ch]
        elif ch.lower() in _TCVN3_LOWER:  # capital with a tone: the .VnTimeH lower-case code
            code = _TCVN3_LOWER[ch.lower()]
        else:
            out.append(ch)
            continue
        out.append(bytes([code]).decode("cp1252"))
    return "".join(out)


# VNI Windows: base letter followed by a mark byte; ơ ư đ and some i/y forms are one byte.
_VNI_TONE = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
# circumflex (â ê ô): base + "â" then tones á à å ã ä; breve (ă): base + "ê", tones é è ú ü ë
_VNI_CIRC = {"": "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_VNI_BREVE = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_I = {"\u0301": "í", "\u0300": "ì", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}


def _vni_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    upper = base.isupper()
    lower_base = base.lower()
    tone = "".join(m for m in marks if m in _VNI_TONE)
    shape = "".join(m for m in marks if m not in _VNI_TONE)
    if not marks and ch not in "đĐ":
        return ch

    def up(s: str) -> str:
        return s.upper() if upper else s

    if ch in "đĐ":
        return up("ñ")
    if lower_base == "i" and not shape:
        return up(_VNI_I[tone])
    if lower_base == "y" and tone == "\u0323":
        return up("î")
    if shape == "\u0302":  # circumflex
        return base + up(_VNI_CIRC[tone])
    if shape == "\u0306":  # breve
        return base + up(_VNI_BREVE[tone])
    if shape == "\u031b":  # horn: ơ -> ô, ư -> ö, then the tone byte
        letter = "ô" if lower_base == "o" else "ö"
        return up(letter) + (up(_VNI_TONE[tone]) if tone else "")
    if not shape and tone:
        return base + up(_VNI_TONE[tone])
    raise ValueError(f"no VNI form for {ch!r}")


def to_vni(text: str) -> str:
    return "".join(_vni_char(ch) for ch in unicodedata.normalize("NFC", text))


def to_cp1258_bytes(text: str) -> bytes:
    """Windows-1258 as Windows writes it: precomposed where the code page has the letter,
    otherwise the base letter (with its circumflex, breve or horn) plus a combining tone."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        tones = [m for m in decomposed[1:] if m in _VNI_TONE]
        rest = decomposed[0] + "".join(m for m in decomposed[1:] if m not in _VNI_TONE)
        out += unicodedata.normalize("NFC", rest).encode("cp1258")
        out += "".join(tones).encode("cp1258")
    return bytes(out)


VIETNAMESE_LETTERS = "aàảãáạăằẳẵắặâầẩẫấậeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵđ"
