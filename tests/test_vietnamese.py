import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.vietnamese import (
    _UNICODE_ONLY,
    CANDIDATES,
    CHARMAPS,
    _evidence,
    _trial_scores,
    ascii_key,
    commune_key,
    detect_legacy_encoding,
    format_date,
    format_number,
    format_pct,
    from_legacy,
    name_key,
    normalize_tone_placement,
    strip_diacritics,
    vietnamese_score,
)


def test_normalize_tone_placement__old_and_new_styles_match():
    assert normalize_tone_placement("Hoà") == normalize_tone_placement("Hòa") == "Hòa"
    assert normalize_tone_placement("Thuỷ") == "Thủy"
    assert normalize_tone_placement("khoẻ") == "khỏe"


def test_normalize_tone_placement__keeps_syllables_with_final_consonant_or_qu():
    assert normalize_tone_placement("hoàng") == "hoàng"
    assert normalize_tone_placement("quý") == "quý"
    assert normalize_tone_placement("thuyết") == "thuyết"


def test_name_key__composed_and_decomposed_match():
    decomposed = unicodedata.normalize("NFD", "An Hoà Thịnh")
    assert name_key(decomposed) == name_key("AN HÒA  THỊNH") == "an hòa thịnh"


def test_ascii_key__drops_diacritics_case_and_punctuation():
    assert ascii_key("Số CCCD/CMND") == "so cccd cmnd"
    assert ascii_key("Đường") == "duong"


def test_commune_key__drops_unit_type():
    assert commune_key("Xã Sơn Kim 1") == commune_key("UBND XÃ SƠN KIM 1") == "son kim 1"
    assert commune_key("TT. Phố Châu") == "pho chau"


def test_detect_legacy_encoding__tcvn3_column():
    texts = ["NguyÔn V¨n Hßa", "Lª ThÞ Thñy", "Hé nghÌo"]
    assert detect_legacy_encoding(texts) == "tcvn3"
    assert [from_legacy(t, "tcvn3") for t in texts] == ["Nguyễn Văn Hòa", "Lê Thị Thủy", "Hộ nghèo"]


def test_detect_legacy_encoding__vni_column():
    texts = ["Nguyeãn Vaên Hoøa", "Leâ Thò Thuûy", "Hoä ngheøo"]
    assert detect_legacy_encoding(texts) == "vni"
    assert from_legacy(texts[2], "vni") == "Hộ nghèo"


def test_detect_legacy_encoding__unicode_left_alone():
    assert detect_legacy_encoding(["Nguyễn Văn Hòa", "Thôn Tân Hà", "Café Müller"]) is None
    assert detect_legacy_encoding([]) is None


def test_format_number__vietnamese_separators():
    assert format_number(1234.5, 1) == "1.234,5"
    assert format_number(-1234567) == "-1.234.567"
    assert format_number(float("nan")) == "–"


def test_format_pct_and_date():
    assert format_pct(0.1234) == "12,3%"
    assert format_pct(0.05, 2) == "5,00%"
    assert format_date(date(2024, 12, 31)) == "31/12/2024"


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_format_number__round_trips_integers(n):
    assert int(format_number(n).replace(".", "")) == n


@given(
    st.text(alphabet="aăâeêioôơuưyAĂÂEÊIOÔƠUƯY \u0300\u0301\u0303\u0309\u0323hnqgt", max_size=20)
)
def test_name_key__idempotent(text):
    assert name_key(name_key(text)) == name_key(text)


def test_commune_key__with_diacritics_keeps_marks_drops_type():
    assert commune_key("UBND Xã Sơn Lệ", diacritics=True) == "sơn lệ"
    assert commune_key("TT. Phố Châu", diacritics=True) == "phố châu"


# ------------------------------------------------------------ legacy encodings
# Independent encoders, written from the published layouts of the fonts, not from the
# conversion tables under test. Letters: 12 vowels x 6 tones, and đ, in both cases.

TONES = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]  # none sắc huyền hỏi ngã nặng
VOWELS = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"]
LOWER = [unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES] + ["đ"]
UPPER = [c.upper() for c in LOWER]

# TCVN3 (TCVN 5712:1993 VN3, fonts .VnTime): one byte per letter, rows in TONES order.
_TCVN3_ROWS = {
    "a": "a¸µ¶·¹", "ă": "¨¾»¼½Æ", "â": "©ÊÇÈÉË", "e": "eÐÌÎÏÑ", "ê": "ªÕÒÓÔÖ",
    "i": "iÝ×ØÜÞ", "o": "oãßáâä", "ô": "«èåæçé", "ơ": "¬íêëìî", "u": "uóïñòô",
    "ư": "\xadøõö÷ù", "y": "yýúûüþ",
}  # fmt: skip
TCVN3_OF = {
    unicodedata.normalize("NFC", v + t): row[i]
    for v, row in _TCVN3_ROWS.items()
    for i, t in enumerate(TONES)
} | {"đ": "®", "Ă": "¡", "Â": "¢", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦", "Đ": "§"}
for _c in LOWER:  # other capitals: ASCII, or the lowercase byte drawn by .VnTimeH
    TCVN3_OF.setdefault(_c.upper(), _c.upper() if _c.isascii() else TCVN3_OF[_c])

# VNI-Windows: base letter + mark byte(s); i-family, ơ, ư, đ and ỵ are single glyphs.
_VNI_TONE = ["", "ù", "ø", "û", "õ", "ï"]
_VNI_HAT = ["â", "á", "à", "å", "ã", "ä"]  # circumflex with each tone
_VNI_BREVE = ["ê", "é", "è", "ú", "ü", "ë"]  # breve with each tone
_VNI_BASE = {"a": ("a", _VNI_TONE), "ă": ("a", _VNI_BREVE), "â": ("a", _VNI_HAT),
             "e": ("e", _VNI_TONE), "ê": ("e", _VNI_HAT), "o": ("o", _VNI_TONE),
             "ô": ("o", _VNI_HAT), "ơ": ("ô", _VNI_TONE), "u": ("u", _VNI_TONE),
             "ư": ("ö", _VNI_TONE), "y": ("y", _VNI_TONE)}  # fmt: skip
VNI_OF = {
    unicodedata.normalize("NFC", v + t): base + marks[i]
    for v, (base, marks) in _VNI_BASE.items()
    for i, t in enumerate(TONES)
} | dict(zip(["i", "í", "ì", "ỉ", "ĩ", "ị", "ỵ", "đ"], "iíìæóòîñ", strict=True))
VNI_OF |= {c.upper(): VNI_OF[c].upper() for c in LOWER}

# VPS: one byte per letter (uppercase Ạ Ậ Ặ Ẹ Ệ Ị Ọ Ộ Ợ Ụ Ự Ỵ Ẫ Ữ in C0 control bytes).
_VPS_ROWS = """
a 61 E1 E0 E4 E3 E5 | A 41 C1 80 81 82 02
ă E6 A1 A2 A3 A4 A5 | Ă 88 8D 8E 8F F0 04
â E2 C3 C0 C4 C5 C6 | Â C2 83 84 85 1C 03
e 65 E9 E8 C8 EB CB | E 45 C9 D7 DE FE 05
ê EA 89 8A 8B CD 8C | Ê CA 90 93 94 95 06
i 69 ED EC CC EF CE | I 49 B4 B5 B7 B8 10
o 6F F3 F2 D5 F5 86 | O 4F B9 BC BD BE 11
ô F4 D3 D2 B0 87 B6 | Ô D4 96 97 98 99 12
ơ D6 A7 A9 AA AB AE | Ơ F7 9D 9E 9F A6 13
u 75 FA F9 FB DB F8 | U 55 DA A8 D1 AC 14
ư DC D9 D8 BA BB BF | Ư D0 AD AF B1 1D 15
y 79 9A FF 9B CF 9C | Y 59 DD B2 FD B3 19
đ C7                | Đ F1
"""
VPS_BYTE = {
    unicodedata.normalize("NFC", cells[0] + t): int(b, 16)
    for line in _VPS_ROWS.strip().splitlines()
    for cells in (half.split() for half in line.split("|"))
    for t, b in zip(TONES, cells[1:], strict=False)
}


def cp1252_surface(data: bytes) -> str:
    """Bytes as Excel/a cp1252 reader shows them; bytes cp1252 leaves undefined as Latin-1."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)


def to_tcvn3(text):
    return "".join(TCVN3_OF.get(c, c) for c in unicodedata.normalize("NFC", text))


def to_vni(text):
    return "".join(VNI_OF.get(c, c) for c in unicodedata.normalize("NFC", text))


def to_vps(text, surface=cp1252_surface):
    text = unicodedata.normalize("NFC", text)
    return surface(bytes(VPS_BYTE.get(c, ord(c)) for c in text))


def test_legacy_tables__cover_every_letter():
    assert len(set(LOWER + UPPER)) == 146
    for table in (TCVN3_OF, VNI_OF, VPS_BYTE):
        assert set(LOWER + UPPER) <= set(table)
    assert len(set(VPS_BYTE.values())) == 146  # one byte per letter


@pytest.mark.parametrize("letter", LOWER + UPPER)
def test_from_legacy__vni_round_trips_every_letter(letter):
    for word in (letter, f"th{letter}ng", f"TH{letter}NG"):
        assert from_legacy(to_vni(word), "vni") == word


@pytest.mark.parametrize("letter", LOWER + UPPER)
def test_from_legacy__vps_round_trips_every_letter(letter):
    latin1 = lambda data: data.decode("latin-1")  # noqa: E731 (how viparse keys VPS)
    for word in (letter, f"th{letter}ng", f"TH{letter}NG"):
        assert from_legacy(to_vps(word), "vps") == word
        assert from_legacy(to_vps(word, latin1), "vps") == word


@pytest.mark.parametrize("letter", LOWER + UPPER)
def test_from_legacy__tcvn3_round_trips_every_letter(letter):
    """Lowercase always; uppercase when the word's ASCII letters show it (.VnTimeH)."""
    assert from_legacy(to_tcvn3(f"th{letter.lower()}ng"), "tcvn3") == f"th{letter.lower()}ng"
    assert from_legacy(to_tcvn3(f"TH{letter.upper()}NG"), "tcvn3") == f"TH{letter.upper()}NG"
    assert from_legacy(to_tcvn3(letter.lower()), "tcvn3") == letter.lower()
    if letter in "ĂÂÊÔƠƯĐAEIOUY":  # the capitals TCVN3 has a byte for
        assert from_legacy(to_tcvn3(letter), "tcvn3") == letter


def test_from_legacy__tcvn3_heading_case():
    assert from_legacy(to_tcvn3("UBND XÃ SƠN KIM 1"), "tcvn3") == "UBND XÃ SƠN KIM 1"
    assert from_legacy(to_tcvn3("Hộ nghèo"), "tcvn3") == "Hộ nghèo"
    assert from_legacy(to_tcvn3("Thôn Đồng Quýt"), "tcvn3") == "Thôn Đồng Quýt"
    assert from_legacy(to_tcvn3("Số CCCD/CMND"), "tcvn3") == "Số CCCD/CMND"
    assert from_legacy("UBND X· S¬N KIM 1", "tcvn3") == "UBND XÃ SƠN KIM 1"  # ơ typed lowercase
    assert from_legacy("Hé NGHÌO", "tcvn3") == "HỘ NGHÈO"


def test_from_legacy__leaves_a_unicode_cell_alone():
    assert from_legacy("Nguyễn Văn Hòa", "vni") == "Nguyễn Văn Hòa"
    assert from_legacy("Trần Thị Ánh", "tcvn3") == "Trần Thị Ánh"


PEOPLE = [
    "Nguyễn Văn Hòa", "Lê Thị Thủy", "Trần Đức Thắng", "Phạm Thị Hường", "Võ Văn Dũng",
    "Hoàng Thị Yến", "Đặng Quốc Khánh", "Bùi Thị Ngọc Ánh", "Đỗ Văn Sỹ", "Hồ Thị Mỹ Lệ",
    "Lương Văn Tuấn", "Nguyễn Thị Kỳ", "Phan Văn Lực", "Đinh Thị Ẩn", "Cao Xuân Cường",
]  # fmt: skip
PLACES = [
    "Thôn Tân Hà", "Xóm Lộc Lạc", "Thôn Trường Sơn", "Tổ dân phố Quyết Tiến",
    "Thôn Đồng Quýt", "Xã Sơn Kim 1", "Xã Sơn Tây", "Thị trấn Phố Châu", "Xã Sơn Lĩnh",
    "Thôn Khe Giao 2", "Xóm Trung Thủy", "Bản Ẳng", "Thôn Mỹ Thịnh", "Xã Sơn Hồng",
]  # fmt: skip
HEADERS = [
    "UBND XÃ SƠN KIM 1", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
    "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2024", "STT", "Họ và tên chủ hộ", "Mã hộ",
    "Số nhân khẩu", "Thu nhập bình quân đầu người/tháng (đồng)", "Dân tộc",
    "Tiếp cận dịch vụ y tế", "Bảo hiểm y tế", "Nước sinh hoạt", "Nhà tiêu hợp vệ sinh",
    "Phân loại hộ", "Ghi chú", "Người lập biểu", "Chủ tịch UBND xã",
]  # fmt: skip
SAMPLES = {"names": PEOPLE, "places": PLACES, "headers": HEADERS}
ENCODERS = {"tcvn3": to_tcvn3, "vni": to_vni, "vps": to_vps}


@pytest.mark.parametrize("encoding", list(ENCODERS))
@pytest.mark.parametrize("sample", list(SAMPLES))
def test_detect_legacy_encoding__realistic_columns(encoding, sample):
    texts = [ENCODERS[encoding](t) for t in SAMPLES[sample]]
    assert detect_legacy_encoding(texts) == encoding
    assert [from_legacy(t, encoding) for t in texts] == SAMPLES[sample]


@pytest.mark.parametrize("sample", list(SAMPLES))
def test_detect_legacy_encoding__unicode_and_ascii_left_alone(sample):
    texts = SAMPLES[sample]
    assert detect_legacy_encoding(texts) is None
    assert detect_legacy_encoding(unicodedata.normalize("NFD", t) for t in texts) is None
    assert detect_legacy_encoding(strip_diacritics(t) for t in texts) is None
    assert detect_legacy_encoding(["Bà Hà", "Cà Mau", "Hòa Bình", "Lò Văn Ló"]) is None


def test_detect_legacy_encoding__mixed_column_converts_only_legacy_cells():
    texts = [to_vni(t) for t in PEOPLE[:10]] + PEOPLE[10:]
    encoding = detect_legacy_encoding(texts)
    assert encoding == "vni" and [from_legacy(t, encoding) for t in texts] == PEOPLE


# Characters the conversion tables read, separators (some of which VPS/VISCII read as
# letters), PDF glyphs and letters whose uppercase folds otherwise ('ı', 'ſ').
_TABLE_CHARS = sorted({ch for m in CHARMAPS.values() for src, _ in m.pairs for ch in src})
_TRIAL_ALPHABET = st.sampled_from(
    [*_TABLE_CHARS, *" \t\xa0\x85\u2212\u2219ıſß", *"anhguoiêôơưAHNGIÔ019.-,"]
)


@given(
    st.lists(
        st.one_of(
            st.text(_TRIAL_ALPHABET, min_size=1, max_size=12),
            st.sampled_from(PEOPLE + PLACES).map(lambda t: ENCODERS["tcvn3"](t)),
            st.sampled_from(PEOPLE + PLACES).map(lambda t: ENCODERS["vni"](t)),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_detect_legacy_encoding__token_scores_equal_whole_text_scores(texts):
    """The trial scores summed token by token (cached) are those of each table applied to
    the whole sample, as detection was first written."""
    sample = " ".join(t for t in texts if not _UNICODE_ONLY.search(t))
    expected = {None: vietnamese_score(sample)}
    expected |= {name: vietnamese_score(from_legacy(sample, name)) for name in CANDIDATES}
    assert _trial_scores(sample) == expected


@pytest.mark.parametrize("sample", ["NGHÌO Tıµ", "Sè CCCD Tıµ", "Nông\xa0thôn Hµ", "x"])
def test_detect_legacy_encoding__token_scores_where_case_restoration_matters(sample):
    """'Tıµ' in a TCVN3 heading becomes 'TIÀ', a syllable, though 'tıà' is not one."""
    expected = {None: vietnamese_score(sample)}
    expected |= {name: vietnamese_score(from_legacy(sample, name)) for name in CANDIDATES}
    assert _trial_scores(sample) == expected


@given(
    st.lists(st.one_of(st.none(), st.integers(0, 3), st.text("aàă Ưb¸µ ", max_size=6))),
    st.integers(1, 6),
    st.integers(1, 20),
)
def test_evidence__stops_early_with_the_sample_of_every_string(texts, most, length):
    unique = dict.fromkeys(
        t for t in texts if isinstance(t, str) and t.strip() and not _UNICODE_ONLY.search(t)
    )
    assert _evidence(iter(texts), most, length) == " ".join(list(unique)[:most])[:length]
