import json
import re
import warnings
from datetime import date

import mapclassify
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from PIL import Image

from analysis.config import Boundaries as BoundaryConfig
from analysis.config import Maps, load_config
from analysis.errors import UserError
from analysis.geography import boundaries_for, reaggregate, schematic_boundaries
from analysis.maps import (
    classify,
    classify_diverging,
    classify_status,
    draw_rate_map,
    make_map_set,
    make_run_maps,
    map_context,
    write_map_pack,
)
from analysis.maps.classify import jenks_uppers, nice_step
from analysis.maps.interactive import write_interactive_map
from analysis.maps.labels import overlapping_pairs, place_labels
from analysis.maps.layout import MIN_PT, map_axes, new_page
from analysis.maps.text import fmt_number, fmt_range
from analysis.registry import registry_for
from analysis.schema import DEPRIVATION_COLUMNS
from analysis.store import save_table

CONFIG = load_config("config/huong_son.yaml")
REGISTRY = registry_for(CONFIG)
DAY = date(2024, 12, 31)


def indicators(years=(2021, 2024), missing: str | None = None) -> pd.DataFrame:
    units = REGISTRY.vintage(2024)
    rng = np.random.default_rng(7)
    frames = []
    for year in years:
        hh = rng.integers(800, 4000, len(units))
        frames.append(
            pd.DataFrame(
                {
                    "year": year,
                    "unit_vintage": 2024,
                    "commune_code": units["code"],
                    "commune_name": units["name"],
                    "n_households": hh,
                    "n_poor": (hh * rng.uniform(0.02, 0.15, len(units))).astype(int),
                    "n_near_poor": (hh * rng.uniform(0.02, 0.08, len(units))).astype(int),
                }
            )
        )
    df = pd.concat(frames, ignore_index=True)
    df["poor_rate"] = df["n_poor"] / df["n_households"]
    df["near_poor_rate"] = df["n_near_poor"] / df["n_households"]
    df["multidim_rate"] = (df["n_poor"] + df["n_near_poor"]) / df["n_households"]
    if missing:
        df = df[df["commune_code"] != missing]
    return df.reset_index(drop=True)


def side_tables():
    codes = REGISTRY.codes(2024)
    statuses = ["met", "on_track", "at_risk", "off_track", "no_data"]
    status = pd.DataFrame({"commune_code": codes, "status": [statuses[i % 5] for i in range(22)]})
    dep = pd.DataFrame(
        [
            (c, d, (i + j) % 40, 100)
            for i, c in enumerate(codes)
            for j, d in enumerate(DEPRIVATION_COLUMNS)
        ],
        columns=["commune_code", "indicator", "n_deprived", "n_base"],
    )
    dep["rate"] = dep["n_deprived"] / dep["n_base"]
    alloc = pd.DataFrame(
        {
            "commune_code": codes,
            "amount_million_vnd": 300 + np.arange(22) * 10,
            "n_poor": 20 + np.arange(22),
        }
    )
    return status, dep, alloc


def figure_text(fig: Figure) -> str:
    texts = [t.get_text() for t in fig.texts]
    texts += [a.get_text() for a in fig.artists if hasattr(a, "get_text")]  # boxed notes
    for ax in fig.axes:
        texts += [t.get_text() for t in ax.texts]
    for legend in fig.legends:
        texts += [t.get_text() for t in legend.get_texts()] + [legend.get_title().get_text()]
    return " ".join(" ".join(texts).split())  # wrapped lines joined


# --- text and classes ------------------------------------------------------------------


def test_fmt_number__vietnamese_separators_and_minus_sign():
    assert fmt_number(1234.56, 1) == "1.234,6"
    assert fmt_number(-0.04, 1) == "0,0"
    assert fmt_number(-2.5, 1) == "\u22122,5"
    assert fmt_number(2.5, 1, signed=True) == "+2,5"
    assert fmt_number(1234.5, 1, lang="en") == "1,234.5"


def test_fmt_range__issue_example():
    assert fmt_range(2.5, 5, "%") == "2,5 – 5,0 %"


def test_classify__fixed_bins_keep_every_class_and_add_the_top():
    classes = classify(pd.Series([1.0, 3.0, 7.0, np.nan]), "fixed", bins=[2, 5], unit="%")
    assert classes.labels == ["0,0 – 2,0 %", "2,1 – 5,0 %", "5,1 – 7,0 %"]
    assert classes.codes.tolist() == [0, 1, 2, -1]


def test_classify__value_is_classed_as_written_on_the_map():
    # 2,04 is written "2,0" so it is in "0,0 – 2,0"; 2,06 is written "2,1": "2,1 – 5,0"
    classes = classify(pd.Series([2.0, 2.04, 2.06, 5.0, 5.04]), "fixed", bins=[2, 5])
    assert classes.codes.tolist() == [0, 0, 1, 1, 1]
    assert classes.labels == ["0,0 – 2,0", "2,1 – 5,0"]


def _number(text: str) -> float:
    return float(text.replace(".", "").replace(",", ".").replace("\u2212", "-").replace("+", ""))


def _label_range(label: str) -> tuple[float, float]:
    """(low, high) of a Vietnamese legend label such as '2,1 – 4,5 %' or '4,3 %'."""
    ends = [_number(x.split()[0]) for x in label.split(" – ")]
    return ends[0], ends[-1]


def assert_classes_read_right(values: pd.Series, classes) -> None:
    """Ranges do not overlap and each value, as written, lies in the class it is coloured."""
    ranges = [_label_range(lab) for lab in classes.labels]
    assert all(lo <= hi for lo, hi in ranges), classes.labels
    assert all(a[1] < b[0] for a, b in zip(ranges, ranges[1:], strict=False)), classes.labels
    for value, code in zip(values, classes.codes, strict=True):
        if pd.isna(value):
            assert code == -1
            continue
        written = _number(classes.fmt(value))
        lo, hi = ranges[code]
        assert lo <= written <= hi, (value, classes.labels[code])


@pytest.mark.parametrize(
    ("scheme", "values", "bins"),
    [
        # natural breaks: every break is a data value, so values sit on every break
        ("natural_breaks", [1.0, 1.2, 2.0, 4.5, 4.55, 6.0, 9.96, 10.0, 14.5, np.nan], None),
        # quantiles of 1..21 in 4 classes break at 6, 11, 16: data values
        ("quantiles", [float(x) for x in range(1, 22)], None),
        ("fixed", [0.0, 1.96, 2.0, 2.04, 2.05, 2.06, 4.5, 4.54, 4.56, 12.0], [2.0, 4.5]),
    ],
)
def test_classify__value_on_a_break_is_in_the_class_its_label_shows(scheme, values, bins):
    series = pd.Series(values)
    classes = classify(series, scheme, k=4, bins=bins, unit="%")
    assert_classes_read_right(series, classes)
    uppers = [_label_range(lab)[1] for lab in classes.labels]
    on_break = [v for v in values if v in uppers]
    assert on_break  # the data do have values exactly on a break
    for v in on_break:
        code = classes.codes[values.index(v)]
        assert _label_range(classes.labels[code])[1] == v  # the class it closes


def test_classify_diverging__value_on_a_break_is_in_the_class_its_label_shows():
    values = pd.Series([-5.0, -2.5, -2.46, -0.04, 0.0, 0.04, 0.06, 2.5, 2.54, 4.9])
    classes = classify_diverging(values, unit="điểm %")
    assert_classes_read_right(values, classes)
    assert classes.labels[classes.codes[4]].endswith("0,0 điểm %")  # 0 closes the class below


@given(
    st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=30),
    st.sampled_from(["natural_breaks", "quantiles", "fixed"]),
    st.integers(2, 6),
)
def test_classify__ranges_never_overlap_and_hold_their_values(values, scheme, k):
    series = pd.Series(values)
    bins = [5.0, 12.5, 30.0] if scheme == "fixed" else None
    assert_classes_read_right(series, classify(series, scheme, k=k, bins=bins))


@given(st.lists(st.floats(-40, 40, allow_nan=False), min_size=1, max_size=30))
def test_classify_diverging__ranges_never_overlap_and_hold_their_values(values):
    series = pd.Series(values)
    assert_classes_read_right(series, classify_diverging(series))


def test_classify__fewer_distinct_values_than_k_gives_fewer_classes():
    classes = classify(pd.Series([1.0, 1.0, 4.0]), "quantiles", k=5)
    assert len(classes.labels) == 2 and len(set(classes.colors)) == 2


def test_classify__natural_breaks_uses_k_classes_and_covers_all_values():
    values = pd.Series(np.linspace(0, 20, 22))
    classes = classify(values, "natural_breaks", k=4)
    assert len(classes.labels) == 4
    assert classes.codes.min() == 0 and classes.codes.max() == 3


def test_classify_diverging__zero_is_a_class_bound_and_colours_mirror():
    classes = classify_diverging(pd.Series([-3.2, -0.5, 0.4, 1.1]))
    assert 0.0 in classes.edges
    assert classes.codes.tolist() == sorted(classes.codes.tolist())
    zero = classes.edges.index(0.0)
    assert classes.colors[zero - 1] != classes.colors[zero]
    assert classes.labels[zero].startswith("+0,1 – +")
    assert classes.labels[zero - 1].endswith("0,0")


def test_classify_status__no_data_and_unknown_are_hatched():
    classes = classify_status(pd.Series(["met", "no_data", None, "off_track"]))
    assert classes.codes.tolist() == [0, -1, -1, 3]
    assert classes.labels == ["Đạt", "Đúng tiến độ", "Có nguy cơ", "Chậm tiến độ"]


def test_classify_status__final_mode_only_met_or_not_met_with_the_verdict_labels():
    from analysis.targets import VERDICT_LABELS_VI

    classes = classify_status(pd.Series(["met", "not_met", "no_data"]), final=True)
    assert classes.codes.tolist() == [0, 1, -1]
    assert classes.labels == [VERDICT_LABELS_VI["met"], VERDICT_LABELS_VI["not_met"]]
    progress = classify_status(pd.Series(["met"])).labels
    assert progress == [VERDICT_LABELS_VI[k] for k in ("met", "on_track", "at_risk", "off_track")]


@given(st.floats(0.001, 1e6), st.integers(1, 6))
def test_nice_step__covers_the_span_with_a_round_width(span, parts):
    step = nice_step(span, parts)
    assert step * parts >= span * (1 - 1e-9)
    mantissa = step / 10 ** np.floor(np.log10(step))
    assert any(np.isclose(mantissa, m) for m in (1, 2, 2.5, 5, 10))


def test_config_maps__fixed_without_bins_is_rejected():
    with pytest.raises(ValueError, match="bins"):
        Maps(scheme="fixed")
    with pytest.raises(ValueError, match="increasing"):
        Maps(scheme="fixed", bins=[5, 2])


# --- labels ----------------------------------------------------------------------------


def test_place_labels__sample_district_labels_do_not_overlap():
    gdf = schematic_boundaries(REGISTRY, 2024)
    ctx = map_context(CONFIG, 2024, boundaries_for(CONFIG, REGISTRY, 2024), 2024, DAY)
    fig = new_page("t", ctx)
    ax = map_axes(fig)
    gdf.plot(ax=ax)
    ax.set_aspect("equal")
    points = gdf.geometry.representative_point()
    texts = [f"{n}\n12,3 %" for n in gdf["name"]]
    anns = place_labels(ax, list(zip(points.x, points.y, strict=True)), texts)
    assert len(anns) == 22
    assert overlapping_pairs(anns, fig.canvas.get_renderer()) == []


def test_place_labels__labels_on_one_spot_are_spread_with_leader_lines():
    fig = Figure(figsize=(4, 4))
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    anns = place_labels(ax, [(5, 5)] * 4, ["Sơn Kim 1", "Sơn Kim 2", "Tứ Mỹ", "Kim Hoa"])
    assert overlapping_pairs(anns, fig.canvas.get_renderer()) == []
    assert sum(a.arrow_patch is not None for a in anns) == 3


# --- drawing and exports ---------------------------------------------------------------


def test_draw_rate_map__page_carries_every_required_mention():
    bounds = boundaries_for(CONFIG, REGISTRY, 2024)
    ctx = map_context(CONFIG, 2024, bounds, 2024, DAY)
    data = indicators((2024,), missing="18145")
    fig = draw_rate_map(data, bounds, ctx, "poor_rate", CONFIG.maps)
    text = figure_text(fig)
    for expected in (
        "Tỷ lệ hộ nghèo theo xã",
        "năm 2024",
        "Nguồn: kết quả rà soát",
        "Sơ đồ minh họa, không phải ranh giới chính thức",
        "DỮ LIỆU MÔ PHỎNG",
        "Ngày lập: 31/12/2024",
        "Thiếu số liệu",
        "Sơn Lâm",
    ):
        assert expected in text, expected
    assert re.search(r"\d+,\d – \d+,\d %", text)
    assert any(type(a).__name__ == "ScaleBar" for a in fig.axes[0].artists)


def test_make_map_set__schematic_2024_writes_every_map_and_the_pack(tmp_path):
    status, dep, alloc = side_tables()
    result = make_map_set(
        indicators(), 2024, CONFIG, REGISTRY, tmp_path, status, dep, alloc, made_on=DAY
    )
    stems = {p.stem for p in result.paths if p.suffix != ".html"}
    pages = result.pages_of("deprivation")
    extra = {f"2024_deprivation_{n}" for n in range(2, len(pages) + 1)}
    assert stems == extra | {
        f"2024_{s}"
        for s in (
            "poor_rate", "near_poor_rate", "multidim_rate", "change_poor_rate",
            "target_status", "deprivation", "budget_per_poor",
        )
    }  # fmt: skip
    assert {p.suffix for p in result.paths} == {".png", ".svg", ".pdf", ".html"}
    assert all(p.exists() and p.stat().st_size > 0 for p in result.paths)
    with Image.open(tmp_path / "2024_poor_rate.png") as im:
        assert round(im.info["dpi"][0]) == 300
    assert len(re.findall(rb"/Type /Page\b(?!s)", result.pack.read_bytes())) == 6 + len(pages)
    assert result.boundaries.is_schematic and result.skipped == []
    assert_small_multiples_legible(pages, result.boundaries.gdf, 12)
    assert len(pages) > 1  # 22 named communes do not fit legibly on 12 panels of one page


def assert_small_multiples_legible(pages, gdf, n_panels):
    """Every deprivation panel names every commune with its value, labels at least
    MIN_PT on the A4 page and none overlapping; the pages hold every indicator once."""
    for fig in pages:
        fig.canvas.draw()  # label positions as rendered (the map pack drew them at 72 dpi)
    panels = [ax for fig in pages for ax in fig.axes if ax.get_title()]
    assert len(panels) == n_panels
    for ax in panels:
        texts = [t.get_text() for t in ax.texts]
        assert sorted(t.split("\n")[0] for t in texts) == sorted(gdf["name"])
        assert all(re.fullmatch(r"[^\n]+\n\d+", t) for t in texts), texts
        assert min(t.get_fontsize() for t in ax.texts) >= MIN_PT
        assert overlapping_pairs(ax.texts, ax.figure.canvas.get_renderer()) == []
    for n, fig in enumerate(pages, start=1):
        title = fig.texts[0].get_text()
        assert (
            title.endswith(f"(trang {n}/{len(pages)})") if len(pages) > 1 else "trang" not in title
        )


def nine_commune_config(tmp_path, suffix):
    gdf = schematic_boundaries(REGISTRY, 2025).rename(columns={"code": "ma_xa", "name": "ten_xa"})
    path = tmp_path / f"xa_2025{suffix}"
    gdf.drop(columns="vintage").to_crs(4326).to_file(path)
    return CONFIG.model_copy(update={"boundaries": BoundaryConfig(path=path, vintage=2025)})


@pytest.mark.parametrize("suffix", [".gpkg", ".shp"])
def test_make_map_set__2025_boundary_file_redraws_2024_data_on_nine_communes(tmp_path, suffix):
    config = nine_commune_config(tmp_path, suffix)
    status, dep, alloc = side_tables()
    result = make_map_set(
        indicators(), 2024, config, REGISTRY, tmp_path / "out", status, dep, alloc,
        made_on=DAY, formats=("svg",),
    )  # fmt: skip
    assert not result.boundaries.is_schematic and len(result.boundaries.gdf) == 9
    assert result.boundaries.report.ok
    assert (tmp_path / "out" / "2024_poor_rate.svg").stat().st_size > 0
    text = figure_text(result.figures["poor_rate"])
    assert "Hương Sơn" in text and "Tứ Mỹ" in text and "Phố Châu" not in text
    assert "Sơ đồ minh họa" not in text and f"xa_2025{suffix}" in text
    assert "Số liệu năm 2024 của các đơn vị cũ được cộng dồn theo xã mới." in text
    assert set(result.boundaries.gdf["name"]) == set(REGISTRY.names(2025).values())
    # the 2024 target statuses cannot be merged: that map is skipped, with the reason
    assert len(result.skipped) == 1 and "không gộp được" in result.skipped[0]
    assert "2024_target_status.svg" not in {p.name for p in result.paths}


def test_make_map_set__2025_data_on_a_2024_file_dissolves_the_file(tmp_path):
    cells = schematic_boundaries(REGISTRY, 2024).rename(columns={"code": "ma_xa"})
    cells.drop(columns="vintage").to_file(tmp_path / "xa_2024.gpkg")
    config = CONFIG.model_copy(
        update={"boundaries": BoundaryConfig(path=tmp_path / "xa_2024.gpkg", vintage=2024)}
    )
    data = reaggregate(indicators((2024,)), REGISTRY, 2025).assign(year=2025)
    result = make_map_set(data, 2025, config, REGISTRY, tmp_path / "out", formats=("svg",))
    assert len(result.boundaries.gdf) == 9 and not result.boundaries.is_schematic
    assert "Tứ Mỹ" in figure_text(result.figures["poor_rate"])
    assert any("đầu kỳ" in s for s in result.skipped)  # no 2021 rows given


def test_make_map_set__2025_data_on_2024_units_is_a_user_error_in_vietnamese(tmp_path):
    data = reaggregate(indicators((2024,)), REGISTRY, 2025).assign(year=2025)
    with pytest.raises(UserError, match="không chia ngược được"):
        make_map_set(data, 2025, CONFIG, REGISTRY, tmp_path, vintage=2024)


def test_write_map_pack__accepts_png_paths(tmp_path):
    bounds = boundaries_for(CONFIG, REGISTRY, 2025)
    ctx = map_context(CONFIG, 2024, bounds, 2024, DAY)
    fig = draw_rate_map(
        indicators((2024,)).pipe(lambda d: d), bounds, ctx, "poor_rate", CONFIG.maps
    )
    png = tmp_path / "a.png"
    fig.savefig(png, dpi=50)
    pack = write_map_pack([png, fig], tmp_path / "pack.pdf")
    assert len(re.findall(rb"/Type /Page\b(?!s)", pack.read_bytes())) == 2


def test_write_interactive_map__offline_html_with_names_and_legend(tmp_path):
    bounds = boundaries_for(CONFIG, REGISTRY, 2024)
    ctx = map_context(CONFIG, 2024, bounds, 2024, DAY)
    path = write_interactive_map(
        indicators((2024,)), bounds, ctx, "poor_rate", CONFIG.maps, tmp_path / "m.html"
    )
    page = path.read_text(encoding="utf-8")
    assert not re.search(r'<script[^>]+src="http|<link[^>]+href="http', page)
    assert "Leaflet 1.9.3" in page and "tile" not in page.split("L.map(")[1][:400].lower()
    assert json.dumps("Sơn Kim 1")[1:-1] in page  # inside the GeoJSON, \u-escaped
    for expected in ("Tỷ lệ hộ nghèo (%)", "Sơ đồ minh họa", "31/12/2024"):
        assert expected in page, expected


def test_make_run_maps__reads_the_run_tables_and_narrows_status_to_one_target(tmp_path):
    status, dep, alloc = side_tables()
    two_targets = pd.concat(
        [status.assign(target_id="T3"), status.assign(target_id="T1", status="met")]
    )
    save_table(tmp_path, "indicators", indicators())
    verdict_table = two_targets.rename(columns={"status": "verdict"})
    save_table(tmp_path, "verdicts", verdict_table.assign(year=2024, level="commune"))
    save_table(tmp_path, "allocation", alloc)
    result = make_run_maps(tmp_path, 2024, CONFIG, REGISTRY, made_on=DAY, formats=("svg",))
    assert set(result.figures) == {
        "poor_rate", "near_poor_rate", "multidim_rate", "change_poor_rate",
        "target_status", "budget_per_poor",
    }  # fmt: skip
    assert (tmp_path / "maps" / "2024_poor_rate.html").exists()
    text = figure_text(result.figures["target_status"])
    assert "100% xã đạt tiêu chí nghèo đa chiều" in text  # T3's label from the config


def test_make_run_maps__a_map_another_step_drew_joins_the_pack(tmp_path):
    save_table(tmp_path, "indicators", indicators())
    kw = {"made_on": DAY, "formats": ("png",), "interactive": False}
    alone = make_run_maps(tmp_path, 2024, CONFIG, REGISTRY, **kw)
    pages = len(re.findall(rb"/Type /Page\b(?!s)", alone.pack.read_bytes()))
    fig = alone.figures["poor_rate"]
    fig.savefig(tmp_path / "maps" / "2024_relapse_rate.png", dpi=40)  # as the profile step does
    joined = make_run_maps(tmp_path, 2024, CONFIG, REGISTRY, **kw)
    assert len(re.findall(rb"/Type /Page\b(?!s)", joined.pack.read_bytes())) == pages + 1


def test_make_map_set__year_without_rows_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="năm 2023"):
        make_map_set(indicators(), 2023, CONFIG, REGISTRY, tmp_path)


def test_draw_rate_map__english_switch():
    config = CONFIG.model_copy(update={"language": "en"})
    bounds = boundaries_for(config, REGISTRY, 2024)
    ctx = map_context(config, 2024, bounds, 2024, DAY)
    fig = draw_rate_map(indicators((2024,)), bounds, ctx, "poor_rate", config.maps)
    text = figure_text(fig)
    assert "Poor-household rate by commune" in text and "SIMULATED DATA" in text
    assert re.search(r"\d+\.\d – \d+\.\d %", text)


def test_classify__natural_breaks_is_deterministic():
    values = pd.Series(np.random.default_rng(3).uniform(0, 60, 264))
    first = classify(values, "natural_breaks", k=5)
    assert all(classify(values, "natural_breaks", k=5).edges == first.edges for _ in range(3))


@given(st.lists(st.floats(0, 100), min_size=3, max_size=40), st.integers(2, 5))
def test_jenks_uppers__matches_mapclassify_fisher_jenks(values, k):
    k = min(k, len(set(values)))
    if k < 2:
        return
    ours = jenks_uppers(np.array(values), k)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = mapclassify.FisherJenks(np.array(values), k=k).bins
    ordered = np.sort(values)

    def ssd(uppers):
        groups = np.split(ordered, np.searchsorted(ordered, uppers, "right")[:-1])
        return sum(np.var(g) * len(g) for g in groups if len(g))

    assert ssd(ours) <= ssd(theirs) + 1e-6
    assert ours[-1] == max(values)


def test_make_map_set__commune_without_polygon_is_listed(tmp_path):
    gdf = schematic_boundaries(REGISTRY, 2025)
    gdf = gdf[gdf["code"] != "18202"].rename(columns={"code": "ma_xa"}).drop(columns="vintage")
    gdf.to_file(tmp_path / "xa.gpkg")
    config = CONFIG.model_copy(
        update={"boundaries": BoundaryConfig(path=tmp_path / "xa.gpkg", vintage=2025)}
    )
    result = make_map_set(
        indicators(), 2024, config, REGISTRY, tmp_path / "out", formats=(), interactive=False
    )
    assert result.boundaries.report.missing_units == ["18202 Tứ Mỹ"]
    assert any("Tứ Mỹ" in s and "Không có ranh giới" in s for s in result.skipped)


REAGGREGATED = "Số liệu năm {} của các đơn vị cũ được cộng dồn theo xã mới."


def test_make_map_set__2025_maps_say_which_years_were_summed_from_former_units(tmp_path):
    current = reaggregate(indicators((2024,)), REGISTRY, 2025).assign(year=2025)
    baseline = indicators((2021,))  # the 2021 review, on the 22 former units
    _, dep, alloc = side_tables()  # 2024 unit codes, no unit_vintage: the 2024 vintage
    data = pd.concat([current, baseline], ignore_index=True)
    result = make_map_set(
        data, 2025, CONFIG, REGISTRY, tmp_path, None, dep.assign(unit_vintage=2024),
        alloc.assign(unit_vintage=2025 - 1), made_on=DAY, formats=(), interactive=False,
    )  # fmt: skip
    texts = {key: figure_text(fig) for key, fig in result.figures.items()}
    assert len(result.boundaries.gdf) == 9
    assert REAGGREGATED.format(2021) in texts["change_poor_rate"]
    assert REAGGREGATED.format(2025) in texts["deprivation"]
    assert REAGGREGATED.format(2025) in texts["budget_per_poor"]
    assert "cộng dồn" not in texts["poor_rate"]  # the 2025 review is on the new communes
    pages = result.pages_of("deprivation")
    assert_small_multiples_legible(pages, result.boundaries.gdf, 12)
    assert len(pages) == 1  # 9 communes: the 12 panels fit on one page


def test_draw_rate_map__commune_labels_legible_at_a4_and_apart():
    bounds = boundaries_for(CONFIG, REGISTRY, 2024)
    ctx = map_context(CONFIG, 2024, bounds, 2024, DAY)
    fig = draw_rate_map(indicators((2024,)), bounds, ctx, "poor_rate", CONFIG.maps)
    assert tuple(round(x, 2) for x in fig.get_size_inches()) == (11.69, 8.27)  # A4: pt = pt
    labels = [t for t in fig.axes[0].texts if "\n" in t.get_text()]  # not the north arrow
    assert len(labels) == 22 and min(t.get_fontsize() for t in labels) >= MIN_PT
    assert overlapping_pairs(labels, fig.canvas.get_renderer()) == []
    # each commune's written value lies in the legend class of its polygon's colour
    legend = fig.legends[0]
    ranges = {
        to_hex(h.get_facecolor()): _label_range(t.get_text())
        for h, t in zip(legend.legend_handles, legend.get_texts(), strict=True)
    }
    written = {t.get_text().split("\n")[0]: t.get_text().split("\n")[1] for t in labels}
    fills = fig.axes[0].collections[0].get_facecolors()  # filled polygons, in gdf order
    for name, fill in zip(bounds.gdf["name"], fills, strict=True):
        lo, hi = ranges[to_hex(fill)]
        assert lo <= _number(written[name].split()[0]) <= hi, (name, written[name], lo, hi)
    assert "mỗi lớp gồm cả hai số ở nhãn" in figure_text(fig)
