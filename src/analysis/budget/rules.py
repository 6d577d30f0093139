"""Allocation rules as data: funding sources (config), envelopes, support types and scenarios
(the envelope file in data/reference/), and the old one-envelope config form."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from analysis.config import Allocation, Config, read_yaml
from analysis.errors import UserError

ELIGIBLE_STATUSES = ("poor", "near_poor", "newly_escaped")
ELIGIBLE_LABELS_VI = {
    "poor": "hộ nghèo",
    "near_poor": "hộ cận nghèo",
    "newly_escaped": "hộ mới thoát nghèo",
}
OLD_FORM_SOURCE = "TONG"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CriterionRule(_Frozen):
    name: str
    weight: float = Field(ge=0)


class SupportType(_Frozen):
    code: str
    name: str
    eligible: list[Literal["poor", "near_poor", "newly_escaped"]]
    newly_escaped_years: int = Field(3, ge=0)


class EnvelopeRule(_Frozen):
    budget_year: int
    project: str
    project_name: str
    source: str
    amount_million_vnd: int = Field(ge=0)
    criteria: list[CriterionRule]
    min_per_commune: int = Field(0, ge=0)
    max_per_commune: int | None = Field(None, ge=0)
    excluded_communes: list[str] = Field(default_factory=list)
    support_types: list[str] = Field(default_factory=list)


class ScenarioRule(_Frozen):
    name: str
    label: str
    projects: list[str] | None = None  # None: every envelope
    criteria: list[CriterionRule] | None = None  # None: the envelopes' own


class EnvelopeFile(_Frozen):
    illustrative: bool = True
    note: str = ""
    support_types: list[SupportType] = Field(default_factory=list)
    envelopes: list[EnvelopeRule]
    scenarios: list[ScenarioRule] = Field(default_factory=list)


@dataclass(frozen=True)
class Envelope:
    """One envelope of one budget year, ready to split: a project and a source."""

    key: str  # "2 · TW"
    project: str
    project_name: str
    source: str
    source_name: str
    amount: int
    criteria: dict[str, float]
    floor: int = 0
    cap: int | None = None
    excluded: tuple[str, ...] = ()
    support_types: tuple[str, ...] = ()
    derived: bool = False  # a counterpart computed from its ratio


@dataclass(frozen=True)
class Rules:
    """Everything the allocation of one budget year needs."""

    budget_year: int
    envelopes: list[Envelope]
    support_types: dict[str, SupportType]
    scenarios: list[ScenarioRule]
    illustrative: bool
    source_names: dict[str, str]
    file: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def base(self) -> ScenarioRule:
        return self.scenarios[0]

    def scenario(self, name: str) -> ScenarioRule:
        for s in self.scenarios:
            if s.name == name or s.label == name:
                return s
        names = ", ".join(f"'{s.name}'" for s in self.scenarios) or "(không có)"
        raise UserError(f"Không có phương án phân bổ '{name}'. Các phương án: {names}.")

    def apply(self, scenario: ScenarioRule) -> Rules:
        """The same rules with the scenario's criteria on its envelopes."""
        if scenario.criteria is None:
            return self
        crit = {c.name: c.weight for c in scenario.criteria}
        envs = [
            e.__class__(**{**e.__dict__, "criteria": crit})
            if scenario.projects is None or e.project in scenario.projects
            else e
            for e in self.envelopes
        ]
        return Rules(self.budget_year, envs, self.support_types, self.scenarios,
                     self.illustrative, self.source_names, self.file, self.notes)  # fmt: skip


def load_envelope_file(path: Path) -> EnvelopeFile:
    raw = read_yaml(path, "Không tìm thấy tệp nguồn vốn phân bổ: {path}")
    try:
        return EnvelopeFile.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            key = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in err["loc"])
            key = key.replace(".[", "[")
            if err["type"] == "missing":
                lines.append(f"  - thiếu khóa bắt buộc: '{key}'")
            elif err["type"] == "extra_forbidden":
                lines.append(f"  - khóa không được phép: '{key}'")
            else:
                lines.append(f"  - khóa '{key}': {err['msg']} (giá trị: {err.get('input')!r})")
        raise UserError(f"{path}: tệp nguồn vốn không hợp lệ\n" + "\n".join(lines)) from None


def _old_form(alloc: Allocation, year: int) -> Rules:
    env = Envelope(
        key="Tổng nguồn",
        project="",
        project_name="Tổng nguồn phân bổ",
        source=OLD_FORM_SOURCE,
        source_name="Tổng nguồn",
        amount=int(alloc.total_million_vnd),
        criteria={c.name: c.weight for c in alloc.criteria},
    )
    base = ScenarioRule(name="co-so", label="Phương án cơ sở")
    return Rules(year, [env], {}, [base], alloc.illustrative, {OLD_FORM_SOURCE: "Tổng nguồn"})


class NoEnvelopes(UserError):
    """The envelope file has nothing for the budget year: no allocation, said plainly."""


def load_rules(config: Config, budget_year: int, envelope_file: str | Path | None = None) -> Rules:
    """The rules of `budget_year`: envelopes from the envelope file (the config's, or
    `envelope_file`), counterpart envelopes added from the sources' ratios."""
    alloc = config.allocation
    if alloc is None:
        raise UserError("Cấu hình không có mục 'allocation': không phân bổ ngân sách.")
    path = envelope_file or alloc.envelope_file
    if path is None:
        return _old_form(alloc, budget_year)
    path = config.resolve(Path(path))
    data = load_envelope_file(path)
    sources = {s.code: s for s in alloc.sources}
    names = {code: s.name for code, s in sources.items()}
    rules = [e for e in data.envelopes if e.budget_year == budget_year]
    if not rules:
        years = sorted({e.budget_year for e in data.envelopes})
        raise NoEnvelopes(
            f"{path}: không có nguồn vốn nào của năm ngân sách {budget_year} "
            f"(tệp có các năm: {', '.join(map(str, years))})."
        )
    known = {s.code for s in data.support_types}
    for i, e in enumerate(data.envelopes):
        where = f"{path}, envelopes[{i}] (dự án {e.project}, nguồn {e.source})"
        if sources and e.source not in sources:
            raise UserError(
                f"{where}: nguồn '{e.source}' không có trong cấu hình allocation.sources "
                f"({', '.join(sources)})."
            )
        bad = [s for s in e.support_types if s not in known]
        if bad:
            raise UserError(f"{where}: loại hỗ trợ không khai báo trong support_types: {bad}")
        if not e.criteria or sum(c.weight for c in e.criteria) <= 0:
            raise UserError(f"{where}: cần ít nhất một tiêu chí có trọng số dương.")
    given = {(e.project, e.source) for e in rules}
    envelopes = [_envelope(e, names, derived=False) for e in rules]
    for code, src in sources.items():
        if src.counterpart_of is None or src.counterpart_ratio <= 0:
            continue
        for e in rules:
            if e.source != src.counterpart_of or (e.project, code) in given:
                continue
            amount = int(e.amount_million_vnd * src.counterpart_ratio + 0.5)  # half up
            r = src.counterpart_ratio  # floors and caps scale with the amount
            cap = None if e.max_per_commune is None else -int(-e.max_per_commune * r // 1)
            derived = e.model_copy(
                update={"source": code, "amount_million_vnd": amount,
                        "min_per_commune": int(e.min_per_commune * r), "max_per_commune": cap}
            )  # fmt: skip
            envelopes.append(_envelope(derived, names, derived=True))
    envelopes.sort(key=lambda e: (_project_key(e.project), list(names).index(e.source)
                                  if e.source in names else 99))  # fmt: skip
    scenarios = data.scenarios or [ScenarioRule(name="co-so", label="Phương án cơ sở")]
    for s in scenarios:
        for c in s.criteria or []:
            if c.weight < 0:
                raise UserError(f"{path}: phương án '{s.name}': trọng số âm.")
    return Rules(
        budget_year,
        envelopes,
        {s.code: s for s in data.support_types},
        scenarios,
        data.illustrative or alloc.illustrative,
        names,
        file=path.name,
        notes=[data.note] if data.note else [],
    )


def _project_key(project: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in project.split("."))


def _envelope(e: EnvelopeRule, names: dict[str, str], derived: bool) -> Envelope:
    return Envelope(
        key=f"{e.project} · {e.source}",
        project=e.project,
        project_name=e.project_name,
        source=e.source,
        source_name=names.get(e.source, e.source),
        amount=e.amount_million_vnd,
        criteria={c.name: c.weight for c in e.criteria},
        floor=e.min_per_commune,
        cap=e.max_per_commune,
        excluded=tuple(e.excluded_communes),
        support_types=tuple(e.support_types),
        derived=derived,
    )
