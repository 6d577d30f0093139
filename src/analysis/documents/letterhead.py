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
    unit = d.type.lower()
    if year < MERGER_YEAR:
        default = IssuerInfo(
            superior=_upper(f"UBND tỉnh {d.province}"),
            issuer=_upper(f"UBND {unit} {d.name}"),
            symbol="BC-UBND",
            place=d.name,
            area=f"{unit} {d.name}",
            recipients=(
                f"UBND tỉnh {d.province} (để báo cáo)",
                "Sở Lao động - Thương binh và Xã hội tỉnh (để báo cáo)",
                f"Thường trực {unit.capitalize()} ủy, HĐND {unit}",
                f"Chủ tịch, các Phó Chủ tịch UBND {unit}",
                "UBND các xã, thị trấn",
                "Lưu: VT.",
            ),
            signature=("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
        )
    else:
        default = IssuerInfo(
            superior=_upper(f"UBND tỉnh {d.province}"),
            issuer="SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
            symbol="BC-SNNMT",
            place=d.province,
            area=f"địa bàn {unit} {d.name} (cũ)",
            recipients=(
                f"UBND tỉnh {d.province} (để báo cáo)",
                f"UBND các xã trên địa bàn {unit} {d.name} (cũ)",
                "Lưu: VT.",
            ),
            signature=("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
        )
    entry = config.documents.issuer_for(year)
    if entry is None:
        return default
    return IssuerInfo(
        superior=entry.superior or default.superior,
        issuer=entry.issuer or default.issuer,
        symbol=entry.symbol or default.symbol,
        place=entry.place or default.place,
        area=entry.area or default.area,
        recipients=tuple(entry.recipients) if entry.recipients else default.recipients,
        signature=tuple(entry.signature) if entry.signature else default.signature,
    )


def place_date(place: str, day: date) -> str:
    """'Hương Sơn, ngày 05 tháng 01 năm 2025' (days below 10 and months 1–2 with a leading 0)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def report_subject(config: Config, year: int) -> str:
    info = issuer_for(config, year)
    return (
        f"Kết quả rà soát hộ nghèo, hộ cận nghèo năm {year} và thực hiện Chương trình mục tiêu "
        f"quốc gia giảm nghèo bền vững trên {_on_area(info.area)}"
    )


def _on_area(area: str) -> str:
    return area if area.startswith("địa bàn") else f"địa bàn {area}"


def document_title(config: Config, year: int) -> str:
    """The document's title (HTML <title>, PDF and DOCX metadata)."""
    return f"Báo cáo {report_subject(config, year)[0].lower()}{report_subject(config, year)[1:]}"


def letterhead(config: Config, year: int, day: date | None = None) -> Letterhead:
    info = issuer_for(config, year)
    return Letterhead(
        superior=info.superior,
        issuer=info.issuer,
        number=f"Số: {NUMBER_BLANK}/{info.symbol}",
        place_date=place_date(info.place, day or run_date()),
        kind="BÁO CÁO",
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
            f"Thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững "
            f"{config.periods.baseline_year + 1}–{config.periods.target_year} và kết quả rà soát "
            f"hộ nghèo, hộ cận nghèo năm {year} theo chuẩn nghèo đa chiều của "
            f"{_legal_basis(config, year)}, kết quả trên {_on_area(info.area)} "
            "được báo cáo như sau:"
        ),
    ]
    if config.data.synthetic:
        blocks.append(
            Paragraph(f"**{SYNTHETIC_NOTE}** Bộ số liệu mẫu dùng để minh họa cách dùng bộ công cụ.")
        )
    return Section("", blocks)
