"""The whole annual cycle on a small synthetic district, through the real ingest path.

One run for 2024 is shared by the tests of this module (it takes about a minute).
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from tests.districts import sample_config, write_config

from analysis.config import PROJECT_ROOT, load_config
from analysis.pipeline import NOTEBOOKS, RunFailed, run_cycle
from analysis.vietnamese import format_number

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def small_district(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("district")
    config_path = write_config(sample_config(root), root / "district.yaml")
    config = load_config(config_path)
    out_root = root / "outputs"
    final = run_cycle(
        config_path, 2024, out_root=out_root, progress=False,
        budget={"scenario": "theo-muc-do-thieu-hut"},
    )  # fmt: skip
    return {
        "root": root,
        "config_path": config_path,
        "config": config,
        "out_root": out_root,
        "final": final,
    }


def _read_list(path: Path) -> pd.DataFrame:
    """A sample list read independently of the package: header in row 5, data until 'Tổng cộng'."""
    ws = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    header, body = rows[0], []
    for row in rows[1:]:
        if row[0] is None or not str(row[0]).strip().isdigit():
            break
        body.append((tuple(row) + (None,) * len(header))[: len(header)])
    return pd.DataFrame(body, columns=header)


def _sample_lists(root: Path, year: int) -> pd.DataFrame:
    files = sorted((root / "sample" / "lists" / str(year)).glob("*.xlsx"))
    assert files, "the sample has no lists for this year"
    return pd.concat([_read_list(f) for f in files], ignore_index=True)


def test_run__writes_executed_notebooks_briefing_and_manifest(small_district):
    final = small_district["final"]
    assert final == small_district["out_root"] / "huong-son" / "2024"
    for name in NOTEBOOKS:
        nb = json.loads((final / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
        assert any(c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code"), name
    briefing = (final / "briefing.html").read_text(encoding="utf-8")
    assert "dữ liệu mô phỏng" in briefing.lower()
    assert "<pre" not in briefing.split("</style>")[-1] or "In [" not in briefing  # no code cells
    manifest = json.loads((final / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["year"] == 2024 and manifest["inputs"], manifest.keys()
    assert len(manifest["pseudonym_key_fingerprint"]) == 16  # the key's fingerprint, not the key
    assert not list(final.parent.glob(".2024.tmp-*")), "the temporary folder was left behind"


def test_run__briefing_poor_rate_equals_the_rate_recomputed_from_the_sample_files(small_district):
    root = small_district["root"]
    lists = _sample_lists(root, 2024)
    n_poor = int((lists["Phân loại hộ"] == "Hộ nghèo").sum())
    totals = pd.read_excel(root / "sample" / "tong_so_ho.xlsx")
    n_households = int(totals.loc[totals["Năm"] == 2024, "Tổng số hộ"].sum())
    expected = format_number(100 * n_poor / n_households, 2)
    briefing = (small_district["final"] / "briefing.html").read_text(encoding="utf-8")
    assert f"{expected}%" in briefing, f"district poor rate {expected}% not in the briefing"


def _text_of(path: Path) -> str:
    """A file's text as a reader would see it: XML and HTML character references decoded."""
    if path.suffix in {".xlsx", ".docx"}:
        with zipfile.ZipFile(path) as z:
            xml = "\n".join(
                z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.endswith(".xml")
            )
        return html.unescape(xml)  # openpyxl writes Vietnamese letters as &#7877; etc.
    if path.suffix == ".parquet":
        return pd.read_parquet(path).astype(str).to_csv()
    if path.suffix == ".ipynb":
        return json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False)
    if path.suffix in {".png", ".pdf"}:
        return ""  # rasterised or compressed; their text comes from the same tables checked here
    return html.unescape(path.read_text(encoding="utf-8", errors="ignore"))


def test_run__outputs_contain_no_name_or_id_number(small_district):
    root = small_district["root"]
    people = pd.concat([_sample_lists(root, y) for y in range(2021, 2025)], ignore_index=True)
    names = set(people["Họ và tên chủ hộ"].dropna().astype(str))
    ids = set(people["Số CCCD/CMND"].dropna().astype(str))
    assert names and ids
    # the scan reads Vietnamese text as a reader sees it (not as escaped XML)
    assert "Sơn Kim 1" in _text_of(small_district["final"] / "bieu_tong_hop_2024.xlsx")
    pattern = re.compile("|".join(re.escape(s) for s in sorted(names | ids, key=len, reverse=True)))
    leaks = []
    for path in small_district["final"].rglob("*"):
        if path.is_file():
            hit = pattern.search(_text_of(path))
            if hit:
                leaks.append(f"{path.name}: {hit.group(0)}")
    assert not leaks, leaks[:5]


def test_run__budget_workbook_exact_totals_double_supports_and_scenario(small_district):
    """Every envelope and source exact (against the envelope file read here), the sample's
    deliberate double supports flagged and nothing else, the scenario compared."""
    final, root = small_district["final"], small_district["root"]
    book = openpyxl.load_workbook(final / "phan_bo_ngan_sach_2024.xlsx")
    assert {"Theo dự án", "Theo xã", "Theo nguồn", "Tiêu chí, trọng số", "Kiểm tra tổng",
            "So sánh phương án", "Hỗ trợ trùng", "Giải ngân"} <= set(book.sheetnames)  # fmt: skip
    envelopes = yaml.safe_load(
        (PROJECT_ROOT / "data" / "reference" / "allocation_envelopes_sample.yaml").read_text(
            encoding="utf-8"
        )
    )["envelopes"]
    want = {}
    for e in (e for e in envelopes if e["budget_year"] == 2024):
        want[(e["project"], "Ngân sách trung ương" if e["source"] == "TW" else e["source"])] = e[
            "amount_million_vnd"
        ]
        if e["source"] == "TW":  # counterparts of the sample config: 10% and 5%, half up
            want[(e["project"], "Ngân sách tỉnh đối ứng")] = int(
                e["amount_million_vnd"] * 0.10 + 0.5
            )
            want[(e["project"], "Ngân sách huyện")] = int(e["amount_million_vnd"] * 0.05 + 0.5)
    long = pd.read_parquet(final / "data" / "allocation_long.parquet")
    got = long.groupby(["project", "source_name"])["amount_million_vnd"].sum()
    for (project, source), amount in want.items():
        key = (project, source if source != "HUYEN" else "Ngân sách huyện")
        assert got[key] == amount, key
    assert long["amount_million_vnd"].sum() == sum(want.values())
    rows = list(book["Kiểm tra tổng"].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] == "Cấp")
    assert all(r[5] == 0 for r in rows[head + 1 :] if r[0])
    found = pd.read_parquet(final / "data" / "double_support.parquet")
    expected = pd.read_csv(root / "sample" / "ho_tro_trung_lap.csv", dtype=str)
    key = ["rule", "household_id", "support_type", "project"]
    assert sorted(map(tuple, found[key].astype(str).to_numpy())) == sorted(
        map(tuple, expected[key].to_numpy())
    )
    compared = pd.read_parquet(final / "data" / "allocation_comparison.parquet")
    assert compared["change_million_vnd"].sum() == 0 and compared["change_million_vnd"].any()
    assert (final / "phu_luc_nghi_quyet_phan_bo_2024.docx").exists()
    manifest = json.loads((final / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["scenario"] == "theo-muc-do-thieu-hut"
    briefing = (final / "briefing.html").read_text(encoding="utf-8")
    assert "Số hộ nghèo 50%" in briefing and "minh họa" in briefing


def test_run__failing_step_names_notebook_and_keeps_previous_outputs(small_district):
    final = small_district["final"]
    before = (final / "briefing.html").read_bytes()
    broken = small_district["root"] / "broken.yaml"
    raw = yaml.safe_load(small_district["config_path"].read_text(encoding="utf-8"))
    raw["data"]["household_totals"] = str(small_district["root"] / "no_such_totals.xlsx")
    write_config(raw, broken)
    with pytest.raises(RunFailed) as err:
        run_cycle(broken, 2024, out_root=small_district["out_root"], progress=False)
    assert "01_ingest_validate" in str(err.value)
    assert "no_such_totals.xlsx" in str(err.value)  # the user is told which input is wrong
    assert (final / "briefing.html").read_bytes() == before


def test_run__official_2025_boundary_file_draws_2024_data_on_the_9_communes(
    small_district, tmp_path
):
    """A cp1258 shapefile of the 9 merged communes, in VN-2000, named in the config."""
    from analysis.geography import schematic_boundaries
    from analysis.maps import make_run_maps
    from analysis.registry import registry_for

    config = small_district["config"]
    registry = registry_for(config)
    polygons = schematic_boundaries(registry, 2025).rename(
        columns={"code": "MA_XA", "name": "TEN_XA"}
    )
    shp = tmp_path / "xa_2025.shp"
    polygons[["MA_XA", "TEN_XA", "geometry"]].to_crs(3405).to_file(shp, encoding="cp1258")
    raw = yaml.safe_load(small_district["config_path"].read_text(encoding="utf-8"))
    raw["boundaries"].update({"path": str(shp), "vintage": 2025, "code_field": "MA_XA"})
    official = tmp_path / "official.yaml"
    write_config(raw, official)
    run_dir = tmp_path / "run"
    (run_dir / "data").mkdir(parents=True)
    for table in (small_district["final"] / "data").glob("*.parquet"):
        (run_dir / "data" / table.name).write_bytes(table.read_bytes())

    map_set = make_run_maps(run_dir, 2024, load_config(official), registry, formats=("png",))

    assert not map_set.boundaries.is_schematic and map_set.boundaries.vintage == 2025
    assert sorted(map_set.boundaries.gdf["code"]) == sorted(registry.codes(2025))
    report = map_set.boundaries.report
    assert report is not None and not report.unmatched_features and not report.missing_units
    assert (run_dir / "maps" / "2024_poor_rate.png").exists()


def _prose(page: str) -> str:
    """The visible text of an HTML document (styles, scripts and tags dropped)."""
    body = re.sub(r"(?s)<(style|script)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_run__briefing_prose_has_no_internal_ids_or_unfilled_ellipsis(small_district):
    from tests.text_rules import ELLIPSIS, TARGET_ID

    prose = _prose((small_district["final"] / "briefing.html").read_text(encoding="utf-8"))
    for pattern in (TARGET_ID, ELLIPSIS):
        hits = [prose[max(0, m.start() - 40) : m.end() + 40] for m in pattern.finditer(prose)]
        assert not hits, hits[:5]


def test_run__one_verdict_per_target_and_year_in_table_workbook_and_briefing(small_district):
    final = small_district["final"]
    table = pd.read_parquet(next(final.rglob("verdicts.parquet")))
    assert not table.duplicated(["target_id", "population", "commune_code", "year"]).any()
    wb = openpyxl.load_workbook(next(final.rglob("bang_theo_doi_chi_tieu_2024.xlsx")))
    rows = list(wb["Chi tiết"].iter_rows(min_row=4, values_only=True))
    detail = pd.DataFrame(rows[1:], columns=rows[0])
    assert detail["Đánh giá"].tolist() == table["verdict_vi"].tolist()
    prose = _prose((final / "briefing.html").read_text(encoding="utf-8"))
    district = table[(table["level"] == "district") & (table["year"] == 2024)]
    for r in district.itertuples():
        assert f"- {r.verdict_vi}" in prose or r.verdict_vi == "Không có số liệu"  # plain hyphens
    wrong = {"Không đạt"}  # 2024 is before the target year: progress verdicts only
    assert not wrong & set(table.loc[table["year"] == 2024, "verdict_vi"])


# ---------------------------------------------------------------- the notebooks by hand
NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
FACTSHEET = "07_commune_factsheet"
# runs one hand sequence in a child process, so the two years run side by side
_SEQUENCE = """
import json, sys
from analysis.config import PROJECT_ROOT
from analysis.workbench import kernel
out, names, params = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
for name in names:
    kernel.execute(PROJECT_ROOT / "notebooks" / f"{name}.ipynb", f"{out}/{name}.ipynb", params,
                   cwd=PROJECT_ROOT)
"""


def _images(path: Path) -> int:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return sum(
        "image/png" in o.get("data", {})
        for c in nb["cells"]
        if c["cell_type"] == "code"
        for o in c.get("outputs", [])
    )


@pytest.fixture(scope="module")
def by_hand(small_district, tmp_path_factory) -> dict:
    """The notebooks run one by one in name order, as an analyst runs them: 01–06 then 07
    with the default year (the pipeline's scenario for 04), and 01–06 for 2023 alongside in a
    child process; each into a run folder of its own."""
    import subprocess
    import sys

    from analysis.workbench import kernel
    from analysis.workbench.steps import CYCLE

    root = tmp_path_factory.mktemp("by_hand")
    config = str(small_district["config_path"])
    other = {"config_path": config, "year": 2023, "run_dir": str(root / "run_2023")}
    child = subprocess.Popen(
        [sys.executable, "-c", _SEQUENCE, str(root), json.dumps(CYCLE), json.dumps(other)],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    run_2024 = root / "run_2024"
    defaults = {"config_path": config, "run_dir": str(run_2024)}
    try:
        for name in (*CYCLE, FACTSHEET):
            extra = {"scenario": "theo-muc-do-thieu-hut"} if name == "04_budget_allocation" else {}
            kernel.execute(NOTEBOOK_DIR / f"{name}.ipynb", root / f"{name}_2024.ipynb",
                           {**defaults, **extra}, cwd=PROJECT_ROOT)  # fmt: skip
    finally:
        _, err = child.communicate(timeout=900)
    assert child.returncode == 0, err[-2000:]
    return {"root": root, 2024: run_2024, 2023: root / "run_2023"}


def _forecast_charts(run: Path) -> list[Path]:
    """The charts notebook 03 draws (the profile step draws the sustainability ones)."""
    return sorted(p for p in (run / "charts").glob("*.png") if not p.name.startswith("sustain"))


def test_run__executed_notebooks_show_every_map_and_chart(small_district):
    """`make run` leaves notebooks whose figures are visible: one image output per saved map
    and chart, and the interactive map embedded."""
    final = small_district["final"]
    notebooks = final / "notebooks"
    maps = sorted((final / "maps").glob("2024_*.png"))
    assert len(maps) >= 6 and _images(notebooks / "05_commune_maps.ipynb") == len(maps)
    charts = _forecast_charts(final)
    assert len(charts) >= 3 and _images(notebooks / "03_targets_forecast.ipynb") == len(charts)
    # the profile's cohort charts (the relapse map is shown again in 05, with the other maps)
    cohort_charts = sorted((final / "charts").glob("sustainability_*.png"))
    assert cohort_charts and _images(notebooks / "02_poverty_profile.ipynb") >= len(cohort_charts)
    assert _images(notebooks / "04_budget_allocation.ipynb") == int(
        (final / "maps" / "giai_ngan.png").exists()
    )
    page = (notebooks / "05_commune_maps.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") >= len(maps) and "srcdoc=" in page
    text = json.dumps(json.loads((notebooks / "05_commune_maps.ipynb").read_text("utf-8")))
    assert "<Figure size" not in text


def test_notebooks_by_hand__in_name_order_equal_the_pipeline(by_hand, small_district):
    final, run = small_district["final"], by_hand[2024]
    tables = sorted(p.name for p in (final / "data").glob("*.parquet"))
    assert tables == sorted(p.name for p in (run / "data").glob("*.parquet"))
    for name in tables:
        pd.testing.assert_frame_equal(
            pd.read_parquet(final / "data" / name), pd.read_parquet(run / "data" / name)
        )
    for folder in ("maps", "charts"):
        assert sorted(p.name for p in (final / folder).iterdir()) == sorted(
            p.name for p in (run / folder).iterdir()
        )
    for name in ("bieu_tong_hop_2024.xlsx", "phan_bo_ngan_sach_2024.xlsx", "briefing.docx"):
        assert (run / name).exists(), name
    root = by_hand["root"]
    assert _images(root / "05_commune_maps_2024.ipynb") == len(
        list((run / "maps").glob("2024_*.png"))
    )
    assert _images(root / "03_targets_forecast_2024.ipynb") == len(_forecast_charts(run))
    assert list((run / "factsheets").glob("18139_*/factsheet.pdf"))  # 07's default commune


def test_notebooks_by_hand__another_year_in_its_own_folder(by_hand):
    run, root = by_hand[2023], by_hand["root"]
    indicators = pd.read_parquet(run / "data" / "indicators.parquet")
    assert indicators["year"].max() == 2023
    assert {p.name.split("_")[0] for p in (run / "maps").glob("*_map_pack.pdf")} == {"2023"}
    assert (run / "bieu_tong_hop_2023.xlsx").exists() and (run / "briefing.docx").exists()
    later = [p.name for p in run.rglob("*2024*") if not p.name.startswith("chi_tieu_giam_ngheo")]
    assert not later, f"a 2023 run wrote 2024 files: {later}"  # next year's targets are 2024's
    assert _images(root / "05_commune_maps.ipynb") == len(list((run / "maps").glob("2023_*.png")))
    assert _images(root / "03_targets_forecast.ipynb") == len(_forecast_charts(run))
