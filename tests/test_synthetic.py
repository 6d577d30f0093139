import itertools
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from analysis.config import load_config
from analysis.errors import UserError
from analysis.schema import DEPRIVATION_COLUMNS, HOUSEHOLD_COLUMNS, columns_by_name
from analysis.standard import classify
from analysis.synthetic import simulate, simulate_population, write_sample
from analysis.synthetic.lists import SHEET, SYNTHETIC_NOTE, TOTAL_LABEL, slugify
from analysis.synthetic.reference import REFERENCE_DIR, apportion, load_units

SMALL = 3000
BORDER = ["18196", "18199"]  # Sơn Kim 1, Sơn Kim 2
TOWNS = ["18133", "18136"]  # Phố Châu, Tây Sơn


@pytest.fixture(scope="module")
def config():
    return load_config("config/huong_son.yaml")


@pytest.fixture(scope="module")
def small(config):
    return simulate(config, SMALL)


@pytest.fixture(scope="module")
def full(config):
    return simulate_population(config)


@pytest.fixture(scope="module")
def written(config, tmp_path_factory):
    out = tmp_path_factory.mktemp("sample") / "sample"
    return write_sample(config, out, SMALL, population=True)


def _rates(table: pd.DataFrame, by=None) -> pd.Series | float:
    poor = table["reported_status"].eq("poor")
    return poor.groupby(table[by]).mean() if by else poor.mean()


def test_simulate__same_seed_gives_identical_tables(config, small):
    again = simulate(config, SMALL)
    for year, table in small.households.items():
        pd.testing.assert_frame_equal(table, again.households[year])
    pd.testing.assert_frame_equal(small.discrepancies, again.discrepancies)


def test_simulate__canonical_columns_and_dtypes(small):
    for table in small.households.values():
        assert list(table.columns) == [c.name for c in HOUSEHOLD_COLUMNS]
        assert {c: str(t) for c, t in table.dtypes.items()} == {
            c.name: c.dtype for c in HOUSEHOLD_COLUMNS
        }
        assert table["household_id"].is_unique
        assert (table["income_pc_vnd"] % 1000 == 0).all()


def test_simulate__baseline_size_is_the_requested_households(small):
    assert len(small.households[2021]) == SMALL


def test_simulate__baseline_poor_rate_and_yearly_falls_are_plausible(full):
    rates = pd.Series({year: _rates(t) for year, t in full.items()})
    assert 0.045 <= rates[2021] <= 0.07
    falls = -rates.diff().dropna() * 100
    assert ((falls > 0.3) & (falls < 1.5)).all(), falls
    near = full[2021]["reported_status"].eq("near_poor").mean()
    assert 0.5 * rates[2021] <= near <= 2 * rates[2021]


def test_simulate__some_poorer_commune_is_off_track(full):
    first, last = _rates(full[2021], "commune_code"), _rates(full[2024], "commune_code")
    falls = (first - last) / 3 * 100
    poorer = first > _rates(full[2021])
    assert (falls[poorer] < 0.6).any()
    assert falls.median() > 0.5


def test_simulate__border_communes_poorer_than_towns(small):
    rates = _rates(small.households[2021], "commune_code")
    assert rates[BORDER].min() > rates[TOWNS].max()


def test_simulate__deprivations_more_common_among_poor(small):
    table = small.households[2021]
    count = table[list(DEPRIVATION_COLUMNS)].sum(axis=1)
    poor = table["reported_status"].eq("poor")
    assert count[poor].mean() > 2 * count[~poor].mean()


def _flows(before: pd.DataFrame, after: pd.DataFrame, ever_listed: set) -> dict[str, int]:
    """Household counts of the poor list's flows from `before` to `after`."""
    was = after["household_id"].map(before.set_index("household_id")["reported_status"])
    poor_now = after["reported_status"].eq("poor")
    seen = after["household_id"].isin(ever_listed)
    return {
        "escape": int((was.eq("poor") & after["reported_status"].eq("not_poor")).sum()),
        "relapse": int((poor_now & was.eq("not_poor") & seen).sum()),
        "new": int((poor_now & was.eq("not_poor") & ~seen).sum()),
        "left": int((~before["household_id"].isin(after["household_id"])).sum()),
        "formed": int((poor_now & was.isna()).sum()),
    }


def test_simulate__escape_relapse_new_and_other_flows_occur(small):
    years = sorted(small.households)
    ever: set = set()
    totals = dict.fromkeys(["escape", "relapse", "new", "left", "formed"], 0)
    for y0, y1 in itertools.pairwise(years):
        before = small.households[y0]
        listed = before["reported_status"].isin(["poor", "near_poor"])
        ever |= set(before.loc[listed, "household_id"])
        for k, v in _flows(before, small.households[y1], ever).items():
            totals[k] += v
    assert all(v > 0 for v in totals.values()), totals


def test_simulate__2025_uses_the_merged_codes_and_same_households(config, small):
    merged = set(small.registry.codes(2025))
    t24, t25 = small.households[2024], small.households[2025]
    assert set(t25["commune_code"]) == merged
    assert (t25["unit_vintage"] == 2025).all()
    assert (t24["unit_vintage"] == 2024).all()
    both = t24.merge(t25, on="household_id", suffixes=("_24", "_25"))
    assert len(both) > 0.95 * len(t24)
    to_merged = small.registry.to_merged()
    assert (both["commune_code_24"].map(to_merged) == both["commune_code_25"]).all()
    assert (both["head_id_number_24"] == both["head_id_number_25"]).all()


def test_simulate__reported_equals_computed_except_documented(small):
    wrong = small.discrepancies
    for year, table in small.households.items():
        differ = table.loc[classify(table).ne(table["reported_status"]), "household_id"]
        documented = wrong.loc[wrong["year"] == year, "household_id"]
        assert sorted(differ) == sorted(documented)
        assert 0 < len(differ) <= 0.005 * len(table)


def test_simulate__id_numbers_are_hatinh_cccd(small):
    ids = small.households[2021]["head_id_number"]
    assert ids.str.fullmatch(r"042[0-3]\d{8}").all()
    assert ids.is_unique


def test_simulate__too_few_households_is_a_user_error(config):
    with pytest.raises(UserError):
        simulate(config, 5)


@given(st.lists(st.floats(0.01, 1e6), min_size=1, max_size=30), st.integers(0, 100_000))
def test_apportion__always_sums_to_total_within_one_of_exact(weights, total):
    out = apportion(np.array(weights), total)
    exact = np.array(weights) / sum(weights) * total
    assert out.sum() == total
    assert (np.abs(out - exact) < 1 + 1e-9).all()


def test_apportion__sums_to_total_largest_remainders_first():
    out = apportion(np.array([1.0, 1.0, 2.0]), 7)
    assert out.tolist() == [2, 2, 3]


def test_slugify__drops_diacritics():
    assert slugify("Sơn Kim 1") == "son-kim-1"
    assert slugify("Đức Thọ") == "duc-tho"


def _read_list(path: Path) -> tuple[list[tuple], list[str], pd.DataFrame, list[tuple]]:
    rows = list(load_workbook(path, read_only=True)[SHEET].iter_rows(values_only=True))
    header = list(rows[4])
    end = next(i for i, r in enumerate(rows) if r and r[0] == TOTAL_LABEL)
    width = len(header)
    data = pd.DataFrame([(*r, *(None,) * (width - len(r))) for r in rows[5:end]], columns=header)
    return rows[:4], header, data, rows[end:]


def test_write_sample__lists_follow_inputs_md(config, written):
    labels = columns_by_name(HOUSEHOLD_COLUMNS)
    path = written / "lists" / "2024" / "18196_son-kim-1.xlsx"
    title, header, data, tail = _read_list(path)
    assert title[0][0] == "UBND XÃ SƠN KIM 1"
    assert "NĂM 2024" in title[1][0]
    assert title[2][0] == SYNTHETIC_NOTE
    assert header[0] == "STT"
    assert labels["household_id"].label_vi in header
    assert set(data[labels["reported_status"].label_vi]) <= {
        "Hộ nghèo", "Hộ cận nghèo", "Thoát nghèo", "Thoát cận nghèo"
    }  # fmt: skip
    assert set(data[labels["is_urban"].label_vi]) <= {"Thành thị", "Nông thôn"}
    assert set(data[labels["dep_water"].label_vi].dropna()) == {"x"}
    assert (
        tail[0][header.index(labels["n_members"].label_vi)]
        == data[labels["n_members"].label_vi].sum()
    )
    assert data[labels["head_name"].label_vi].notna().all()
    assert data[labels["head_id_number"].label_vi].str.fullmatch(r"042\d{9}").all()


def test_write_sample__list_counts_equal_truth(config, written):
    truth = pd.read_csv(written / "truth.csv", dtype={"commune_code": str})
    label = columns_by_name(HOUSEHOLD_COLUMNS)["reported_status"].label_vi
    for year in (2021, 2023, 2025):
        files = sorted((written / "lists" / str(year)).glob("*.xlsx"))
        assert len(files) == (9 if year == 2025 else 22)
        for path in files:
            code = path.name.split("_")[0]
            _, _, data, _ = _read_list(path)
            counts = data[label].value_counts()
            row = truth[(truth["year"] == year) & (truth["commune_code"] == code)].iloc[0]
            assert counts.get("Hộ nghèo", 0) == row["n_poor"]
            assert counts.get("Hộ cận nghèo", 0) == row["n_near_poor"]
            assert len(data) == row["n_listed"]


def test_write_sample__totals_and_population(config, written):
    totals = pd.read_excel(
        written / "tong_so_ho.xlsx", sheet_name="Tổng số hộ", dtype={"Mã xã": str}
    )
    assert list(totals.columns) == ["Năm", "Mã xã", "Tên xã", "Tổng số hộ", "Tổng số nhân khẩu"]
    assert len(totals) == 22 * 4 + 9
    pop = pd.read_parquet(written / "population" / "households_2025.parquet")
    assert totals.loc[totals["Năm"] == 2025, "Tổng số hộ"].sum() == len(pop)
    assert "mô phỏng" in (written / "README.txt").read_text(encoding="utf-8")


def test_write_sample__refuses_to_replace_a_folder_that_is_not_a_sample(config, tmp_path):
    (tmp_path / "mine.txt").write_text("real data", encoding="utf-8")
    with pytest.raises(UserError):
        write_sample(config, tmp_path, SMALL)
    assert (tmp_path / "mine.txt").exists()


def test_write_sample__same_seed_gives_identical_files(config, written, tmp_path):
    again = write_sample(config, tmp_path / "again", SMALL, population=True)
    files = sorted(p.relative_to(written) for p in written.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for rel in files:
        assert (written / rel).read_bytes() == (again / rel).read_bytes(), rel


def test_load_units__bad_number_names_file_row_and_column(small, tmp_path):
    text = (REFERENCE_DIR / "sample_communes.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[3] = lines[3].replace(",0.55,", ",năm mươi,", 1)  # row 4: Sơn Hồng's weight
    (tmp_path / "sample_communes.csv").write_text("\n".join(lines), encoding="utf-8")
    shutil.copy(REFERENCE_DIR / "sample_communes_2025.csv", tmp_path)
    with pytest.raises(UserError, match=r"sample_communes.csv, dòng 4, cột 'weight'"):
        load_units(small.registry, SMALL, tmp_path)


def test_load_units__unknown_code_is_a_user_error(small, tmp_path):
    text = (REFERENCE_DIR / "sample_communes.csv").read_text(encoding="utf-8")
    (tmp_path / "sample_communes.csv").write_text(
        text.replace("18199,", "18999,"), encoding="utf-8"
    )
    shutil.copy(REFERENCE_DIR / "sample_communes_2025.csv", tmp_path)
    with pytest.raises(UserError, match="18999"):
        load_units(small.registry, SMALL, tmp_path)


def test_load_units__baseline_households_follow_2025_populations(small):
    units = load_units(small.registry, 40_000)
    assert units["n_households"].sum() == 40_000
    by_merged = units.groupby("merged_code")["n_households"].sum()
    assert by_merged["18133"] > by_merged["18196"] * 5  # Hương Sơn 31,486 vs Sơn Kim 1 5,782


def test_write_sample__discrepancies_file_lists_the_deliberate_swaps(written):
    wrong = pd.read_csv(written / "discrepancies.csv", dtype=str)
    assert len(wrong) > 0
    assert set(zip(wrong["computed_status"], wrong["reported_status"], strict=True)) <= {
        ("poor", "near_poor"),
        ("near_poor", "poor"),
    }


# ------------------------------------------------ safety of the user's data (issue 9)


def _with_data(config, **update):
    return config.model_copy(update={"data": config.data.model_copy(update=update)})


@pytest.mark.parametrize(
    "folder", ["", "data", "data/raw", "data/reference", "config", "src", "data/raw/2024"]
)
def test_check_sample_folder__refuses_project_and_raw_data_folders(config, folder):
    from analysis.config import PROJECT_ROOT
    from analysis.synthetic.write import check_sample_folder

    with pytest.raises(UserError, match="Không tạo dữ liệu mẫu"):
        check_sample_folder(config, PROJECT_ROOT / folder)


def test_check_sample_folder__refuses_ancestors_home_and_filesystem_root(config):
    from analysis.config import PROJECT_ROOT
    from analysis.synthetic.write import check_sample_folder

    for folder in (PROJECT_ROOT.parent, Path.home(), Path("/")):
        with pytest.raises(UserError, match="thư mục gốc"):
            check_sample_folder(config, folder)


def test_sample_folder__refuses_real_data_config_and_odd_lists_folder(config, tmp_path):
    from analysis.synthetic.write import sample_folder

    real = _with_data(config, synthetic=False)
    with pytest.raises(UserError, match="data.synthetic: false"):
        sample_folder(real)
    with pytest.raises(UserError, match="data.synthetic: false"):
        write_sample(real, tmp_path / "s", SMALL)
    assert not (tmp_path / "s").exists()
    with pytest.raises(UserError, match="thư mục con 'lists'"):
        sample_folder(_with_data(config, household_lists=tmp_path / "danh_sach"))
    assert sample_folder(_with_data(config, household_lists=tmp_path / "s" / "lists")) == (
        tmp_path / "s"
    )


def test_write_sample__manifest_lists_exactly_what_was_written(written):
    from analysis.synthetic.write import MANIFEST

    lines = (written / MANIFEST).read_text(encoding="utf-8").splitlines()
    listed = sorted(line for line in lines if not line.startswith("#"))
    files = sorted(p.relative_to(written).as_posix() for p in written.rglob("*") if p.is_file())
    assert listed == [f for f in files if f != MANIFEST] and "truth.csv" in listed


def test_write_sample__regenerates_its_own_sample_only(config, written, tmp_path):
    out = tmp_path / "sample"
    shutil.copytree(written, out)
    (out / ".dang_tao-interrupted").mkdir()  # work folder of an interrupted run
    (out / "lists" / "2019").mkdir()  # an empty folder is not data
    write_sample(config, out, 300)
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert "population/households_2025.parquet" not in files  # the earlier sample's, removed
    assert not any(p.name.startswith(".dang_tao-") for p in out.iterdir())
    assert len(pd.read_parquet(written / "population" / "households_2021.parquet")) == SMALL
    # a file the user puts among the generated ones stops the next regeneration
    mine = out / "lists" / "2024" / "danh_sach_that.xlsx"
    mine.write_bytes(b"real data")
    before = sorted(p for p in out.rglob("*"))
    with pytest.raises(UserError, match="danh_sach_that.xlsx"):
        write_sample(config, out, 300)
    assert mine.read_bytes() == b"real data" and sorted(p for p in out.rglob("*")) == before


def test_write_sample__accepts_a_sample_made_before_the_manifest(config, written, tmp_path):
    from analysis.synthetic.write import MANIFEST, check_sample_folder

    out = tmp_path / "old"
    shutil.copytree(written, out)
    (out / MANIFEST).unlink()
    check_sample_folder(config, out)  # README marker and the generator's file layout
    (out / "README.txt").write_text("ghi chú của tôi", encoding="utf-8")
    with pytest.raises(UserError, match="README.txt"):
        check_sample_folder(config, out)
