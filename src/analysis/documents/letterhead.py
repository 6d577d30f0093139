"""The administrative frame of a report (Decree 30/2020/NĐ-CP): issuer and its superior, number,
place and date, title, recipients and signature, per year from the config."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from analysis.config import Config
from analysis.documents.blocks import (
    MERGER_YEAR,
    NUMBER_BLANK,
    SYNTHETIC_NOTE,
    Closing,
    Letterhead,
    Paragraph,
    Section,
)
from analysis.i18n import language, long_date, t
from analysis.reproducible import run_date


# ---------------------------------------------------------------- issuer, letterhead, closing
@dataclass(frozen=True)
class IssuerInfo:
    superior: str
    issuer: str
    symbol: str
    place: str
    area: str  # how sentences name the area: "huyện Hương Sơn", "địa bàn huyện Hương Sơn (cũ)"
    recipients: tuple[str, ...]
    signature: tuple[str, ...]


def _upper(text: str) -> str:
    return text.upper()


def issuer_for(config: Config, year: int) -> IssuerInfo:
    """The issuer of `year`'s report: the config's `documents.issuers` entry covering the year,
    each missing key from the defaults. Before the 1 July 2025 reform the district's People's
    Committee under the province's; from 2025 on the province's department in charge of
    poverty reduction, for the former district's area."""
    d = config.district
    unit = t(d.type.lower())  # "huyện" (English "district"), a value of the templates below
    if year < MERGER_YEAR:
        default = IssuerInfo(
            superior=_upper(t("UBND tỉnh {province}", province=d.province)),
            issuer=_upper(t("UBND {unit} {name}", unit=unit, name=d.name)),
            symbol="BC-UBND",
            place=d.name,
            area=t("{unit} {name}", unit=unit, name=d.name),
            recipients=(
                t("UBND tỉnh {province} (để báo cáo)", province=d.province),
                t("Sở Lao động - Thương binh và Xã hội tỉnh (để báo cáo)"),
                t("Thường trực {Unit} ủy, HĐND {unit}", Unit=unit.capitalize(), unit=unit),
                t("Chủ tịch, các Phó Chủ tịch UBND {unit}", unit=unit),
                t("UBND các xã, thị trấn"),
                t("Lưu: VT."),
            ),
            signature=(t("TM. ỦY BAN NHÂN DÂN"), t("KT. CHỦ TỊCH"), t("PHÓ CHỦ TỊCH")),
        )
    else:
        default = IssuerInfo(
            superior=_upper(t("UBND tỉnh {province}", province=d.province)),
            issuer=t("SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"),
            symbol="BC-SNNMT",
            place=d.province,
            area=t("địa bàn {unit} {name} (cũ)", unit=unit, name=d.name),
            recipients=(
                t("UBND tỉnh {province} (để báo cáo)", province=d.province),
                t("UBND các xã trên địa bàn {unit} {name} (cũ)", unit=unit, name=d.name),
                t("Lưu: VT."),
            ),
            signature=(t("KT. GIÁM ĐỐC"), t("PHÓ GIÁM ĐỐC")),
        )
    entry = config.documents.issuer_for(year)
    if entry is None:
        return default
    # configured texts are Vietnamese; an English run reads them through the config's
    # `translations` (analysis.i18n)
    return IssuerInfo(
        superior=t(entry.superior) if entry.superior else default.superior,
        issuer=t(entry.issuer) if entry.issuer else default.issuer,
        symbol=entry.symbol or default.symbol,
        place=entry.place or default.place,
        area=t(entry.area) if entry.area else default.area,
        recipients=tuple(map(t, entry.recipients)) if entry.recipients else default.recipients,
        signature=tuple(map(t, entry.signature)) if entry.signature else default.signature,
    )


def place_date(place: str, day: date) -> str:
    """'Hương Sơn, ngày 05 tháng 01 năm 2025' (days below 10 and months 1–2 with a leading 0);
    English 'Hương Sơn, 5 January 2025'."""
    return f"{place}, {long_date(day)}"


def report_subject(config: Config, year: int) -> str:
    info = issuer_for(config, year)
    return t(
        "Kết quả rà soát hộ nghèo, hộ cận nghèo năm {year} và thực hiện Chương trình mục tiêu "
        "quốc gia giảm nghèo bền vững trên {area}",
        year=year,
        area=_on_area(info.area),
    )


def _on_area(area: str) -> str:
    if area.startswith("địa bàn"):
        return area
    return t("địa bàn {area}", area=area)


def document_title(config: Config, year: int) -> str:
    """The document's title (HTML <title>, PDF and DOCX metadata)."""
    subject = report_subject(config, year)
    if language() == "vi":  # "Báo cáo kết quả …"; English keeps the capital ("Report: Results …")
        subject = f"{subject[0].lower()}{subject[1:]}"
    return t("Báo cáo {subject}", subject=subject)


def letterhead(config: Config, year: int, day: date | None = None) -> Letterhead:
    info = issuer_for(config, year)
    return Letterhead(
        superior=info.superior,
        issuer=info.issuer,
        number=t("Số: {number}/{symbol}", number=NUMBER_BLANK, symbol=info.symbol),
        place_date=place_date(info.place, day or run_date()),
        kind=t("BÁO CÁO"),
        subject=report_subject(config, year),
    )


def closing(config: Config, year: int) -> Closing:
    info = issuer_for(config, year)
    return Closing(recipients=info.recipients, signature=info.signature)


def _legal_basis(config: Config, year: int) -> str:
    """The legal basis of the poverty standard of `year` (data/reference/standards.yaml)."""
    from analysis.standard import get_standard

    return get_standard(config.standard_for(year)).legal_basis


# ---------------------------------------------------------------- sections
def header_section(config: Config, year: int, today: date | None = None) -> Section:
    """The letterhead, then the report's basis (programme period, poverty standard)."""
    info = issuer_for(config, year)
    blocks: list = [
        letterhead(config, year, today),
        Paragraph(
            t(
                "Thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững {first}–{last} và "
                "kết quả rà soát hộ nghèo, hộ cận nghèo năm {year} theo chuẩn nghèo đa chiều của "
                "{legal_basis}, kết quả trên {area} được báo cáo như sau:",
                first=config.periods.baseline_year + 1,
                last=config.periods.target_year,
                year=year,
                legal_basis=t(_legal_basis(config, year)),
                area=_on_area(info.area),
            )
        ),
    ]
    if config.data.synthetic:
        blocks.append(
            Paragraph(
                t(
                    "**{note}** Bộ số liệu mẫu dùng để minh họa cách dùng bộ công cụ.",
                    note=t(SYNTHETIC_NOTE),
                )
            )
        )
    return Section("", blocks)
