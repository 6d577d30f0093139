"""Load and validate a district config: one YAML file per district.

The file is parsed into frozen pydantic models that forbid unknown keys. Every
error names the file and the key path, in the user's language (Vietnamese by
default). Functions elsewhere receive values from these models; they never read
the config file themselves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from analysis import i18n
from analysis.errors import UserError

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# Socio-economic regions (district.region), with their Vietnamese names.
REGION_LABELS_VI = {
    "north_central": "Bắc Trung Bộ",
    "northern_midlands_mountains": "Trung du và miền núi phía Bắc",
    "red_river_delta": "Đồng bằng sông Hồng",
    "south_central_coast": "Duyên hải Nam Trung Bộ",
    "central_highlands": "Tây Nguyên",
    "southeast": "Đông Nam Bộ",
    "mekong_delta": "Đồng bằng sông Cửu Long",
}


class District(_Frozen):
    slug: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str
    type: str = "Huyện"
    province: str
    province_code: str
    district_code: str
    region: Literal[
        "north_central",
        "northern_midlands_mountains",
        "red_river_delta",
        "south_central_coast",
        "central_highlands",
        "southeast",
        "mekong_delta",
    ]
    legacy_district_name: str


class Periods(_Frozen):
    baseline_year: int
    target_year: int

    @model_validator(mode="after")
    def _ordered(self) -> Periods:
        if self.target_year <= self.baseline_year:
            raise ValueError("target_year must be after baseline_year")
        return self


class YearRange(_Frozen):
    from_year: int
    to_year: int

    @model_validator(mode="after")
    def _ordered(self) -> YearRange:
        if self.to_year < self.from_year:
            raise ValueError("to_year must not be before from_year")
        return self

    def covers(self, year: int) -> bool:
        return self.from_year <= year <= self.to_year


class StandardRange(YearRange):
    standard: str


class VintageRange(YearRange):
    vintage: int


class Limits(_Frozen):
    """Bounds on each input, checked before it is parsed: a file over one is refused (a
    fatal problem for that file) instead of being read. The defaults are far above any
    real district (a district reviews some tens of thousands of households a year)."""

    max_file_mb: float = Field(200, gt=0)  # bytes on disk, any file type
    max_rows_per_file: int = Field(1_000_000, gt=0)  # rows of all the file's sheets
    max_rows_per_commune_year: int = Field(1_000_000, gt=0)  # list rows of one commune, one year
    max_uncompressed_mb: float = Field(1000, gt=0)  # xlsx/xlsm: members' declared sizes summed
    max_compression_ratio: float = Field(100, gt=1)  # xlsx/xlsm: a member's size / its packed size
    max_cells_per_file: int = Field(20_000_000, gt=0)  # rows x columns read, blanks included


class Data(_Frozen):
    synthetic: bool = False
    household_lists: Path | None = None
    household_totals: Path | None = None
    summary_tables: Path | None = None
    monitoring: Path | None = None  # program monitoring sheet (targets measured outside the review)
    pseudonym_key_env: str = "POVERTY_PSEUDONYM_KEY"
    # A file that loses more than this share of its rows to rejects stops the run.
    max_rejected_share: float = Field(0.05, ge=0, le=1)
    limits: Limits = Limits()


class PressurePattern(_Frozen):
    """A review-pressure pattern planted in one commune of the synthetic sample, so that the
    integrity signals (analysis.sustainability.signals) can be tested: `bunching` records
    the incomes of pushed-out poor households just above the line; `no_deprivation_change`
    records exits whose deprivations are copied unchanged from the year before."""

    commune: str  # code of the commune, of the sample's 2024 units
    pattern: Literal["bunching", "no_deprivation_change"]
    years: list[int]
    share: float = Field(0.5, gt=0, le=1)  # share of the commune's eligible poor households


class Sample(_Frozen):
    seed: int = 20211231
    first_year: int = 2021
    last_year: int = 2025
    households: int = Field(40000, gt=0)
    pressure: list[PressurePattern] = Field(default_factory=list)


class Sustainability(_Frozen):
    """Sustainability of exits (analysis.sustainability); every key optional.

    `newly_escaped_years`: reviews after the exit during which a household that escaped
    poverty counts as "hộ mới thoát nghèo" (36 months: DOMAIN.md §3, unconfirmed), counted
    as the budget rules count it (exit year + years). `fragile_income_margin`: an exit is
    fragile when its income is at most this share above the line. `bunching_window`: the
    band above the line the bunching signal looks at."""

    newly_escaped_years: int = Field(3, ge=1, le=10)
    horizons: int = Field(3, ge=1, le=5)  # reviews after the exit a cohort is followed
    fragile_income_margin: float = Field(0.10, gt=0, le=1)
    fragile_min_deprivations: int = Field(3, ge=1, le=12)
    bunching_window: float = Field(0.05, gt=0, le=0.5)


class Boundaries(_Frozen):
    path: Path | None = None
    vintage: int = 2025
    code_field: str | None = None
    name_field: str | None = None


class Maps(_Frozen):
    """Map classification: `bins` (upper class bounds, in %) apply to the rate maps when
    scheme is `fixed`; other maps then use natural breaks with `k` classes."""

    scheme: Literal["fixed", "quantiles", "natural_breaks"] = "natural_breaks"
    k: int = Field(5, ge=2, le=9)
    bins: list[float] | None = None

    @model_validator(mode="after")
    def _bins_for_fixed(self) -> Maps:
        if self.scheme == "fixed" and not self.bins:
            raise ValueError("scheme 'fixed' needs bins (upper class bounds, in %)")
        if self.bins and any(a >= b for a, b in zip(self.bins, self.bins[1:], strict=False)):
            raise ValueError("bins must be strictly increasing")
        return self


class Target(_Frozen):
    id: str
    label: str
    metric: str
    population: list[str] = Field(default_factory=lambda: ["poor"])
    low: float | None = None
    high: float | None = None
    baseline_year: int | None = None
    target_year: int | None = None
    source: str
    verified: bool = True
    # Where the number comes from: "review" (review counts: microdata or summary tables),
    # "review_microdata" (deprivation shares, only from household lists) or "monitoring"
    # (the program monitoring sheet, data/reference/monitoring_template.csv).
    data_source: Literal["review", "review_microdata", "monitoring"] = "review"
    # Deprivation column (schema.DEPRIVATION_COLUMNS) or monitoring-sheet indicator name.
    indicator: str | None = None

    @field_validator("population", mode="before")
    @classmethod
    def _listify(cls, v: object) -> object:
        return [v] if isinstance(v, str) else v


class Criterion(_Frozen):
    name: str
    weight: float = Field(ge=0)


class FundingSource(_Frozen):
    """A funding source; a counterpart source (e.g. the province's) adds `counterpart_ratio`
    times the amount of `counterpart_of` to every envelope of that source that the envelope
    file does not give explicitly."""

    code: str
    name: str
    counterpart_of: str | None = None
    counterpart_ratio: float = Field(0.0, ge=0)


class Allocation(_Frozen):
    """Budget allocation rules. New form: `envelope_file` (data/reference/, one envelope per
    project/sub-project and source and budget year) and `sources`. Old form, still read: one
    envelope `total_million_vnd` split by `criteria`."""

    total_million_vnd: int | None = Field(None, gt=0)
    illustrative: bool = True
    criteria: list[Criterion] = Field(default_factory=list)
    remote_communes: list[str] = Field(default_factory=list)
    envelope_file: Path | None = None
    sources: list[FundingSource] = Field(default_factory=list)
    # Beneficiary lists (folder or file) and the disbursement sheet; on a synthetic config they
    # default to the sample's own (ho_tro/ and giai_ngan.xlsx next to the household lists).
    beneficiary_lists: Path | None = None
    disbursement: Path | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Allocation:
        if self.envelope_file is None and (self.total_million_vnd is None or not self.criteria):
            raise ValueError("give envelope_file, or total_million_vnd with criteria (old form)")
        codes = [s.code for s in self.sources]
        if len(set(codes)) != len(codes):
            raise ValueError("source codes must be unique")
        for s in self.sources:
            if s.counterpart_of is not None and s.counterpart_of not in codes:
                raise ValueError(f"source {s.code}: counterpart_of '{s.counterpart_of}' unknown")
        return self


class Issuer(YearRange):
    """Who issues the year's report (Decree 30/2020/NĐ-CP header and signature block).

    Every key is optional: a missing one takes the default derived from the district
    (`analysis.documents.issuer_for`). Person names are never configured: the signature
    block always carries a placeholder."""

    superior: str | None = None  # the issuer's superior, e.g. "UBND TỈNH HÀ TĨNH"
    issuer: str | None = None  # e.g. "UBND HUYỆN HƯƠNG SƠN"
    symbol: str | None = None  # the document symbol after "Số: …/", e.g. "BC-UBND"
    place: str | None = None  # the place before the date, e.g. "Hương Sơn"
    area: str | None = None  # how the text names the area, e.g. "địa bàn huyện Hương Sơn (cũ)"
    recipients: list[str] | None = None  # "Nơi nhận:" lines
    signature: list[str] | None = None  # e.g. ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", ...]


class Documents(_Frozen):
    """Optional `documents:` section: the issuer of the report by year range."""

    issuers: list[Issuer] = Field(default_factory=list)

    def issuer_for(self, year: int) -> Issuer | None:
        for issuer in self.issuers:
            if issuer.covers(year):
                return issuer
        return None


class Config(_Frozen):
    district: District
    language: Literal["vi", "en"] = "vi"
    periods: Periods
    standards: list[StandardRange]
    units: list[VintageRange]
    data: Data
    sample: Sample = Sample()
    boundaries: Boundaries = Boundaries()
    maps: Maps = Maps()
    targets: list[Target] = Field(default_factory=list)
    allocation: Allocation | None = None
    documents: Documents = Documents()
    sustainability: Sustainability = Sustainability()
    # The district's own texts in other languages (target labels, the plan's name, ...):
    # {"en": {"Vietnamese text": "English text"}}; they take precedence over the catalog
    # (analysis.i18n).
    translations: dict[Literal["en"], dict[str, str]] = Field(default_factory=dict)
    source_path: Path | None = None

    def standard_for(self, year: int) -> str:
        for r in self.standards:
            if r.covers(year):
                return r.standard
        raise UserError(
            i18n.t("Cấu hình không có chuẩn nghèo cho năm {year} (khóa 'standards').", year=year)
        )

    def same_standard_years(self, years, year: int) -> list[int]:
        """The `years` measured under the same poverty standard as `year` (an unmapped year
        counts as another standard): a series is never joined across a change."""
        own = self.standard_for(year)
        return sorted(
            int(y)
            for y in years
            if any(r.covers(int(y)) and r.standard == own for r in self.standards)
        )

    def vintage_for(self, year: int) -> int:
        for r in self.units:
            if r.covers(year):
                return r.vintage
        raise UserError(
            i18n.t(
                "Cấu hình không có kỳ đơn vị hành chính cho năm {year} (khóa 'units').", year=year
            )
        )

    def resolve(self, path: Path | None) -> Path | None:
        """A config path, made absolute against the project root."""
        if path is None:
            return None
        return path if path.is_absolute() else PROJECT_ROOT / path

    def targets_with(self, *metrics: str) -> list[Target]:
        """The plan's targets measured by one of `metrics`, in config order."""
        return [t for t in self.targets if t.metric in metrics]

    def target(self, target_id: str) -> Target:
        for t in self.targets:
            if t.id == target_id:
                return t
        raise KeyError(target_id)


def _key_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or i18n.t("(gốc)")


def read_yaml(path: Path, missing: str) -> object:
    """The YAML document in `path`; UserError `missing` (a template with {path}) when there is no
    such file, and one naming the line and column of a syntax error."""
    if not path.exists():
        raise UserError(i18n.t(missing, path=path))
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = (
            i18n.t(", dòng {line}, cột {column}", line=mark.line + 1, column=mark.column + 1)
            if mark
            else ""
        )
        raise UserError(
            i18n.t("{path}{where}: YAML không hợp lệ ({problem})", path=path, where=where,
                   problem=getattr(exc, "problem", exc))
        ) from None  # fmt: skip


def load_config(path: str | Path) -> Config:
    """Read and validate a district config; raise UserError naming file and key."""
    path = Path(path)
    if not path.is_absolute() and not path.exists():
        path = PROJECT_ROOT / path
    raw = read_yaml(path, "Không tìm thấy tệp cấu hình: {path}")
    if not isinstance(raw, dict):
        raise UserError(i18n.t("{path}: tệp cấu hình phải là một bảng khóa: giá trị", path=path))
    try:
        language = i18n.override_language()  # `analysis run --language` for this run
    except i18n.TranslationError as exc:
        raise UserError(f"{i18n.LANGUAGE_ENV}: {exc}") from None
    if language is not None:
        raw = {**raw, "language": language}
    if raw.get("language") in i18n.LANGUAGES:  # the config's own errors in its language
        i18n.set_language(raw["language"])
    try:
        config = Config.model_validate({**raw, "source_path": path})
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            key = _key_path(err["loc"])
            value = repr(err.get("input"))
            if err["type"] == "extra_forbidden":
                lines.append(i18n.t("  - khóa không được phép: '{key}'", key=key))
            elif err["type"] == "literal_error" and tuple(err["loc"]) == ("district", "region"):
                allowed = "; ".join(f"{k} ({i18n.t(v)})" for k, v in REGION_LABELS_VI.items())
                lines.append(
                    i18n.t(
                        "  - khóa '{key}': vùng {value} không hợp lệ; các giá trị được phép: "
                        "{allowed}",
                        key=key,
                        value=value,
                        allowed=allowed,
                    )
                )
            elif err["type"] == "literal_error":  # e.g. maps.scheme, language
                allowed = str(err.get("ctx", {}).get("expected", "")).replace(" or ", ", ")
                lines.append(
                    i18n.t(
                        "  - khóa '{key}': giá trị {value} không được hỗ trợ; các giá trị được "
                        "phép: {allowed}",
                        key=key,
                        value=value,
                        allowed=allowed,
                    )
                )
            elif err["type"] == "missing":
                lines.append(i18n.t("  - thiếu khóa bắt buộc: '{key}'", key=key))
            else:
                lines.append(
                    i18n.t("  - khóa '{key}': {message} (giá trị: {value})", key=key,
                           message=err["msg"], value=value)
                )  # fmt: skip
        raise UserError(
            i18n.t("{path}: cấu hình không hợp lệ", path=path) + "\n" + "\n".join(lines)
        ) from None
    try:
        i18n.activate(config)  # the run's (or notebook's) language, from here on
    except i18n.TranslationError as exc:
        raise UserError(f"{path}: {exc}") from None
    return config
