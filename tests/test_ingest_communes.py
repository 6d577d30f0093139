"""Which commune a list belongs to when it has no commune column."""

import pytest

from analysis.config import load_config
from analysis.ingest.communes import CommuneMatcher
from analysis.registry import registry_for
from test_ingest import CONFIG


@pytest.fixture(scope="module")
def matcher():
    return CommuneMatcher(registry_for(load_config(CONFIG)))


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("UBND XÃ SƠN KIM 1 CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "18196"),
        ("Danh sách hộ nghèo thôn Tây Sơn, xã Sơn Kim 1 năm 2024", "18196"),  # village ≠ commune
        ("UBND THỊ TRẤN TÂY SƠN", "18136"),
        ("UBND xa Son Tay", "18172"),
        ("TT Phố Châu", "18133"),
        ("DANH SÁCH HỘ NGHÈO NĂM 2024", None),
        ("UBND XÃ CẨM LẠC", None),  # another district's commune
    ],
)
def test_find_after_unit_word(matcher, title, code):
    assert matcher.find_after_unit_word(title, 2024)[0] == code


def test_find_after_unit_word__names_what_it_saw(matcher):
    assert matcher.find_after_unit_word("UBND XÃ CẨM LẠC", 2024)[1][0] == "cẩm lạc"


@pytest.mark.parametrize(
    ("stem", "code"),
    [
        ("SonKim1_2024", "18196"),
        ("DS ho ngheo Son Tay 2024", "18172"),
        ("DSHoNgheoTaySon2024", "18136"),
        ("18196_son-kim-1", "18196"),
        ("AnHoaThinh", "18163"),
        ("danh_sach_2024", None),
        ("son_kim", None),  # two communes start so: not decided
    ],
)
def test_find_in_file_name(matcher, stem, code):
    assert matcher.find_in_file_name(stem, 2024) == code
