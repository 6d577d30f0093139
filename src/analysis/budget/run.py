"""One call for notebook 04: allocate the budget year's envelopes, compare a scenario, check
the beneficiary lists, follow disbursement, save the tables and write the documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import store
from analysis.allocation import missing_for_year
from analysis.budget import allocate as A
from analysis.budget.beneficiaries import check_double_support, read_beneficiaries
from analysis.budget.criteria import codes_for_vintage, criteria_table
from analysis.budget.disbursement import disbursement_table, read_disbursement
from analysis.budget.outputs import write_annex, write_workbook
from analysis.budget.rules import Rules, load_rules
from analysis.config import Config
from analysis.i18n import unit_name

WORKBOOK = "phan_bo_ngan_sach_{year}.xlsx"
ANNEX = "phu_luc_nghi_quyet_phan_bo_{year}.docx"


@dataclass
class BudgetRun:
    rules: Rules
    criteria: pd.DataFrame
    long: pd.DataFrame
    allocation: pd.DataFrame  # per commune (the maps' and the briefing's table)
    missing: pd.DataFrame
    comparison: pd.DataFrame | None = None
    scenario_label: str | None = None
    findings: pd.DataFrame | None = None
    n_beneficiary_rows: int = 0
    disbursement: pd.DataFrame | None = None
    files: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def default_input(config: Config, given: Path | None, sample_name: str) -> Path | None:
    """A configured input path, or the synthetic sample's own file next to its lists."""
    if given is not None:
        return config.resolve(given)
    lists = config.resolve(config.data.household_lists)
    if config.data.synthetic and lists is not None:
        candidate = lists.parent / sample_name
        return candidate if candidate.exists() else None
    return None


def budget_or_reason(
    config: Config, run_dir: str | Path, year: int, **options
) -> tuple[BudgetRun | None, str]:
    """(the budget run, "") or, when the envelope file has nothing for the budget year (an
    earlier year's run), (None, the sentence saying no allocation is made and why). `options` are
    `run_budget`'s."""
    from analysis.budget.rules import NoEnvelopes

    try:
        return run_budget(config, run_dir, year, **options), ""
    except NoEnvelopes as exc:
        return None, f"Không phân bổ ngân sách trong lần chạy này: {exc}"


def run_budget(
    config: Config,
    run_dir: str | Path,
    year: int,
    budget_year: int | None = None,
    envelope_file: str | Path | None = None,
    scenario: str | None = None,
    registry=None,
) -> BudgetRun:
    run_dir = Path(run_dir)
    budget_year = int(budget_year or year)
    rules = load_rules(config, budget_year, envelope_file or None)
    households = store.load_optional_table(run_dir, "households")
    indicators = store.load_table(run_dir, "indicators")
    missing = missing_for_year(indicators, year)
    vintage = config.vintage_for(year)
    alloc_cfg = config.allocation
    if registry is None:
        from analysis.registry import registry_for

        registry = registry_for(config)
    to_merged = registry.to_merged()
    remote = codes_for_vintage(alloc_cfg.remote_communes, vintage, to_merged, every_part=False)
    rules = _exclusions_in_vintage(rules, vintage, to_merged)
    criteria = criteria_table(households, indicators, year, remote)
    names = [scenario] if scenario else []
    runs = A.run_scenarios(rules, criteria, names)
    long = runs[rules.base.name]
    wide = A.by_commune(long, criteria)
    allocation = wide[["commune_code", "commune_name", "n_poor", "share", "amount_million_vnd",
                       "million_vnd_per_poor_household"]].copy()  # fmt: skip
    if "unit_vintage" in criteria:
        allocation["unit_vintage"] = vintage
    result = BudgetRun(rules, criteria, long, allocation, missing)
    if scenario:
        chosen = rules.scenario(scenario)
        result.comparison = A.compare(long, runs[chosen.name])
        result.scenario_label = chosen.label
    lists = default_input(config, alloc_cfg.beneficiary_lists, "ho_tro")
    if lists is not None and households is not None and rules.support_types:
        benef = read_beneficiaries(lists)
        benef = benef[benef["year"] == budget_year]
        result.n_beneficiary_rows = len(benef)
        result.findings = check_double_support(benef, households, rules.support_types)
    else:
        result.notes.append("Không có danh sách hộ được hỗ trợ: chưa kiểm tra hỗ trợ trùng.")
    sheet = default_input(config, alloc_cfg.disbursement, "giai_ngan.xlsx")
    if sheet is not None:
        _, result.disbursement = disbursement_table(long, read_disbursement(sheet, rules), criteria)
    _save(result, run_dir)
    d = config.district
    district = unit_name(f"{d.type} {d.name}")  # "Huyện Hương Sơn" / "Hương Sơn district"
    tables: dict = {}
    if result.comparison is not None:
        tables["comparison"] = result.comparison
        tables["comparison_label"] = result.scenario_label
    if result.findings is not None:
        tables["findings"] = result.findings
    if result.disbursement is not None:
        tables["disbursement"] = result.disbursement
    result.files["workbook"] = write_workbook(
        run_dir / WORKBOOK.format(year=budget_year), rules, long, criteria, tables, district,
        missing, config.data.synthetic,
    )  # fmt: skip
    result.files["annex"] = write_annex(
        run_dir / ANNEX.format(year=budget_year), rules, long, district, config.data.synthetic
    )
    return result


def _exclusions_in_vintage(rules: Rules, vintage: int, to_merged: dict) -> Rules:
    from dataclasses import replace

    envs = [
        replace(e, excluded=tuple(codes_for_vintage(list(e.excluded), vintage, to_merged, True)))
        for e in rules.envelopes
    ]
    return replace(rules, envelopes=envs)


def _save(r: BudgetRun, run_dir: Path) -> None:
    store.save_table(run_dir, "allocation", r.allocation)
    store.save_table(run_dir, "allocation_missing", r.missing)
    store.save_table(run_dir, "allocation_long", r.long)
    weights = A.criteria_weights(r.rules)
    weights["max_per_commune"] = weights["max_per_commune"].astype("Int64")
    store.save_table(run_dir, "allocation_weights", weights)
    store.save_table(run_dir, "allocation_exactness", A.exactness(r.long, r.rules))
    if r.comparison is not None:
        store.save_table(run_dir, "allocation_comparison", r.comparison.assign(
            scenario=r.scenario_label, base=r.rules.base.label))  # fmt: skip
    if r.findings is not None:
        store.save_table(run_dir, "double_support", r.findings)
    if r.disbursement is not None:
        store.save_table(run_dir, "disbursement", r.disbursement)
