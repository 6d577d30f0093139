import unicodedata
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from analysis.vietnamese import (
    ascii_key,
    commune_key,
    detect_legacy_encoding,
    format_date,
    format_number,
    format_pct,
    from_legacy,
    name_key,
    normalize_tone_placement,
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
