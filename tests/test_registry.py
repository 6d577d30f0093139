from analysis.registry import build_registry


def _registry():
    return build_registry("Hà Tĩnh", "Huyện Hương Sơn")


def test_registry__22_units_in_2024_and_9_in_2025():
    reg = _registry()
    assert len(reg.codes(2024)) == 22
    assert len(reg.codes(2025)) == 9


def test_registry__codes_are_reused_across_vintages_for_different_units():
    reg = _registry()
    assert reg.names(2024)["18133"] == "Phố Châu"
    assert reg.names(2025)["18133"] == "Hương Sơn"
    assert reg.names(2024)["18184"] == "Quang Diệm"
    assert reg.names(2025)["18184"] == "Sơn Giang"


def test_registry__crosswalk_matches_the_2025_mergers():
    reg = _registry()
    names24, names25 = reg.names(2024), reg.names(2025)
    groups: dict[str, set[str]] = {}
    for old, new in reg.to_merged().items():
        groups.setdefault(names25[new], set()).add(names24[old])
    assert groups["Tứ Mỹ"] == {"Châu Bình", "Tân Mỹ Hà", "Mỹ Long"}
    assert groups["Hương Sơn"] == {"Phố Châu", "Sơn Phú", "Sơn Bằng", "Sơn Ninh", "Sơn Trung"}
    assert groups["Sơn Kim 1"] == {"Sơn Kim 1"}
    assert sum(len(g) for g in groups.values()) == 22


def test_registry__names_by_vintage_keeps_reused_codes_apart():
    names = _registry().names_by_vintage()
    assert set(names) == {2024, 2025}
    assert names[2024]["18133"] != names[2025]["18133"]
