"""The sample's budget inputs: 2024 beneficiary lists with a known set of deliberate double
supports (recorded in ho_tro_trung_lap.csv) and a disbursement sheet (giai_ngan.xlsx).

Every other beneficiary row is clean: an eligible household, one support of a type per year,
from one project. The disbursement sheet gives, per commune × envelope, a deterministic part
(50–100%, a few communes 0) of what the sample's envelope file allocates.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from analysis.budget.beneficiaries import household_status
from analysis.budget.rules import load_rules
from analysis.config import Config
from analysis.errors import UserError
from analysis.reproducible import save_workbook
from analysis.synthetic.lists import slugify

BENEFICIARY_YEAR = 2024
BENEFICIARY_HEADER = ["STT", "Mã hộ", "Mã xã", "Tên xã", "Dự án", "Loại hỗ trợ", "Năm",
                      "Số tiền (triệu đồng)"]  # fmt: skip
DISBURSEMENT_HEADER = ["STT", "Năm", "Mã xã", "Tên xã", "Dự án", "Nguồn vốn",
                       "Đã giải ngân (triệu đồng)"]  # fmt: skip
EXPECTED_FILE = "ho_tro_trung_lap.csv"
BENEFICIARY_FOLDER = "ho_tro"
DISBURSEMENT_FILE = "giai_ngan.xlsx"
PER_SUPPORT = 25  # clean beneficiaries per project and support type (fewer when not enough)


def write_budget_sample(
    config: Config, listed: pd.DataFrame, indicators: pd.DataFrame, out_dir: Path, seed: int
) -> None:
    """Beneficiary lists, the expected findings and the disbursement sheet, when the config
    has an envelope file with envelopes for the beneficiary year."""
    alloc = config.allocation
    years = set(listed["year"].astype(int))
    if alloc is None or alloc.envelope_file is None or BENEFICIARY_YEAR not in years:
        return
    try:
        rules = load_rules(config, BENEFICIARY_YEAR)
    except UserError:
        return
    rng = np.random.default_rng(seed + 12)
    rows, expected = beneficiary_rows(rules, listed, BENEFICIARY_YEAR, rng)
    names = indicators.drop_duplicates("commune_code").set_index("commune_code")["commune_name"]
    folder = out_dir / BENEFICIARY_FOLDER / str(BENEFICIARY_YEAR)
    folder.mkdir(parents=True)
    for project, part in rows.groupby("project", sort=True):
        stype_names = {code: st.name for code, st in rules.support_types.items()}
        path = folder / f"du_an_{slugify(project)}.xlsx"
        _write_beneficiaries(path, part, names, stype_names, config)
    expected.to_csv(out_dir / EXPECTED_FILE, index=False, encoding="utf-8", lineterminator="\n")
    _write_disbursement(config, rules, listed, indicators, out_dir / DISBURSEMENT_FILE, rng)


def beneficiary_rows(
    rules, listed: pd.DataFrame, year: int, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows of the lists, the deliberate findings expected from them)."""
    status = household_status(listed, year)
    commune = (
        listed[listed["year"] <= year].sort_values("year").groupby("household_id")["commune_code"]
    ).last()
    stypes = rules.support_types
    offered: dict[str, list[str]] = {}
    for e in rules.envelopes:
        for s in e.support_types:
            if e.project not in offered.setdefault(s, []):
                offered[s].append(e.project)
    rows: list[dict] = []
    used: dict[str, set[str]] = {s: set() for s in stypes}  # support type -> households

    def row(hid: str, project: str, stype: str) -> dict:
        return {"household_id": hid, "commune_code": commune.get(hid), "project": project,
                "support_type": stype, "year": year,
                "amount_million_vnd": float(rng.choice([1.5, 2, 3, 4, 5, 8]))}  # fmt: skip

    def eligible(stype: str) -> list[str]:
        st = stypes[stype]
        ok = status["status"].isin(st.eligible)
        late = (status["status"] == "newly_escaped") & (
            year - status["escape_year"] > st.newly_escaped_years
        )
        return sorted(status.index[ok & ~late])

    for stype, projects in sorted(offered.items()):
        pool = [h for h in eligible(stype) if h not in used[stype]]
        rng.shuffle(pool)
        for project in projects:
            take, pool = pool[:PER_SUPPORT], pool[PER_SUPPORT:]
            for hid in sorted(take):
                rows.append(row(hid, project, stype))
                used[stype].add(hid)
    clean = pd.DataFrame(rows)
    expected: list[dict] = []
    extra: list[dict] = []

    def expect(rule: str, r: dict) -> None:
        expected.append({"rule": rule, **{k: r[k] for k in
                         ("household_id", "year", "support_type", "project")}})  # fmt: skip

    # 1. the same support type from a second project
    multi = [s for s, p in offered.items() if len(p) > 1]
    for stype in multi[:2]:
        mine = clean[clean["support_type"] == stype].head(2)
        for r in mine.to_dict("records"):
            other = next(p for p in offered[stype] if p != r["project"])
            second = row(r["household_id"], other, stype)
            extra.append(second)
            expect("two_projects", r)
            expect("two_projects", second)
    # 2. the same support twice in the year
    taken = {(e["household_id"], e["support_type"]) for e in expected}
    twice = clean[[(h, s) not in taken for h, s in zip(clean["household_id"],
                                                       clean["support_type"], strict=True)]]  # fmt: skip
    for r in twice.sample(3, random_state=int(rng.integers(1 << 31))).to_dict("records"):
        again = {**r, "amount_million_vnd": r["amount_million_vnd"] + 1}
        extra.append(again)
        expect("twice_in_year", r)
        expect("twice_in_year", again)
    # 3. not eligible: a support type given to a status it does not allow
    for stype, st in sorted(stypes.items()):
        if stype not in offered:
            continue
        wrong = status.index[~status["status"].isin(st.eligible)]
        wrong = [h for h in sorted(wrong) if h not in used[stype]]
        for hid in rng.choice(wrong, size=min(1, len(wrong)), replace=False):
            r = row(str(hid), offered[stype][0], stype)
            extra.append(r)
            used[stype].add(str(hid))
            expect("not_eligible", r)
    # 4. newly escaped beyond the support type's years
    for stype, st in sorted(stypes.items()):
        if stype not in offered or "newly_escaped" not in st.eligible:
            continue
        late = status.index[(status["status"] == "newly_escaped")
                            & (year - status["escape_year"] > st.newly_escaped_years)]  # fmt: skip
        late = [h for h in sorted(late) if h not in used[stype]]
        for hid in rng.choice(late, size=min(2, len(late)), replace=False):
            r = row(str(hid), offered[stype][0], stype)
            extra.append(r)
            used[stype].add(str(hid))
            expect("escaped_too_long_ago", r)
    # 5. households on no list (codes no list has)
    known = set(listed["household_id"])
    stype = sorted(offered)[0]
    codes = [f"HS9{n:05d}" for n in range(1, 200) if f"HS9{n:05d}" not in known][:2]
    for hid in codes:
        r = row(hid, offered[stype][0], stype)
        r["commune_code"] = str(clean["commune_code"].iloc[0])
        extra.append(r)
        expect("on_no_list", r)
    out = pd.concat([clean, pd.DataFrame(extra)], ignore_index=True)
    out = out.sample(frac=1, random_state=int(rng.integers(1 << 31))).reset_index(drop=True)
    return out, pd.DataFrame(expected).sort_values(["rule", "household_id", "project"],
                                                  ignore_index=True)  # fmt: skip


def _titled_sheet(sheet: str, title: str, header: list, config: Config):
    """A workbook as an office sends it: title, the synthetic-data note, a blank row, the header."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append([title])
    ws.append(["Dữ liệu mô phỏng, không phải số liệu thật." if config.data.synthetic else None])
    ws.append([])
    ws.append(header)
    return wb, ws


def _write_beneficiaries(
    path: Path, rows: pd.DataFrame, names: pd.Series, stype_names: dict, config: Config
) -> None:
    project = rows["project"].iloc[0]
    title = f"DANH SÁCH HỘ ĐƯỢC HỖ TRỢ - DỰ ÁN {project} - NĂM {BENEFICIARY_YEAR}"
    wb, ws = _titled_sheet("Danh sach", title, BENEFICIARY_HEADER, config)
    rows = rows.sort_values(["commune_code", "household_id"])
    for i, r in enumerate(rows.itertuples(index=False), start=1):
        stype = stype_names.get(r.support_type, r.support_type)
        ws.append([i, r.household_id, r.commune_code, names.get(r.commune_code), f"Dự án {project}",
                   stype, int(r.year), float(r.amount_million_vnd)])  # fmt: skip
    ws.append([None, "Tổng cộng", None, None, None, None, None,
               float(rows["amount_million_vnd"].sum())])  # fmt: skip
    save_workbook(wb, path, datetime(BENEFICIARY_YEAR, 12, 20))


def _write_disbursement(config, rules, listed, indicators, path: Path, rng) -> None:
    from analysis.budget.allocate import allocate
    from analysis.budget.criteria import criteria_table

    crit = criteria_table(listed, indicators, BENEFICIARY_YEAR, config.allocation.remote_communes)
    long = allocate(rules, crit)
    part = rng.uniform(0.5, 1.0, len(long))
    idle = set(rng.choice(sorted(crit["commune_code"]), size=2, replace=False))
    part[long["commune_code"].isin(idle).to_numpy()] = 0.0
    long["disbursed"] = np.floor(long["amount_million_vnd"] * part).astype("int64")
    title = f"TÌNH HÌNH GIẢI NGÂN VỐN CHƯƠNG TRÌNH GIẢM NGHÈO NĂM {BENEFICIARY_YEAR}"
    wb, ws = _titled_sheet("Giai ngan", title, DISBURSEMENT_HEADER, config)
    for i, r in enumerate(long[long["amount_million_vnd"] > 0].itertuples(index=False), start=1):
        ws.append([i, BENEFICIARY_YEAR, r.commune_code, r.commune_name, f"Dự án {r.project}",
                   r.source, int(r.disbursed)])  # fmt: skip
    save_workbook(wb, path, datetime(BENEFICIARY_YEAR, 12, 31))
