"""The bundled GB/T 2260 table and its index."""

from __future__ import annotations

import pytest
from registry.domain.regions import Region, RegionTable, UnknownRegion, subtree_prefix

from hrss.contracts import Level


@pytest.fixture(scope="module")
def table() -> RegionTable:
    return RegionTable.load()


def _count(table: RegionTable, level: Level) -> int:
    return sum(1 for region in table if region.level is level)


def test_bundled_table_has_the_expected_number_of_rows_per_level(table: RegionTable) -> None:
    assert _count(table, Level.PROVINCE) == 34
    assert 340 <= _count(table, Level.CITY) <= 350
    assert 2800 <= _count(table, Level.COUNTY) <= 2900
    assert len(table) == sum(_count(table, level) for level in Level)


def test_bundled_table_is_loaded_once() -> None:
    assert RegionTable.load() is RegionTable.load()


def test_every_region_but_a_province_has_a_parent_one_level_up(table: RegionTable) -> None:
    above = {Level.CITY: Level.PROVINCE, Level.COUNTY: Level.CITY}
    for region in table:
        if region.level is Level.PROVINCE:
            assert region.parent is None
        else:
            assert region.parent is not None
            assert table.check(region.parent).level is above[region.level]


def test_a_known_district_is_checked(table: RegionTable) -> None:
    assert table.check("130102") == Region("130102", "长安区", Level.COUNTY, "130100")


def test_an_unknown_code_is_refused_with_the_code_in_the_message(table: RegionTable) -> None:
    with pytest.raises(UnknownRegion) as caught:
        table.check("130199")
    assert str(caught.value) == "行政区划代码 130199 不在 GB/T 2260 区划表中"
    assert caught.value.code == "130199"


@pytest.mark.parametrize("code", ["13010", "1301021", "13010a", "030102", "", " 130102"])
def test_a_malformed_code_is_refused_with_the_code_in_the_message(table: RegionTable, code: str) -> None:
    with pytest.raises(UnknownRegion) as caught:
        table.check(code)
    assert code in str(caught.value)
    assert table.get(code) is None
    assert code not in table


def test_get_returns_none_for_an_unknown_code(table: RegionTable) -> None:
    assert table.get("999999") is None
    assert table.get("410400") is not None


def test_municipalities_have_a_synthesised_city_level(table: RegionTable) -> None:
    assert table.check("110100") == Region("110100", "市辖区", Level.CITY, "110000")
    assert table.check("500200").name == "县"
    assert table.check("110101").parent == "110100"


def test_province_administered_county_units_hang_under_a_city_placeholder(table: RegionTable) -> None:
    assert table.check("429000") == Region("429000", "省直辖县级行政区划", Level.CITY, "420000")
    assert table.check("429004").name == "仙桃市"
    assert table.full_name("429004") == "湖北省仙桃市"
    assert table.full_name("419001") == "河南省济源市"


def test_subtree_of_pingdingshan_contains_its_counties_in_code_order(table: RegionTable) -> None:
    subtree = table.subtree("410400")
    codes = [region.code for region in subtree]
    assert codes[0] == "410400"
    assert codes == sorted(codes)
    assert {"410402", "410421", "410425", "410481", "410482"} <= set(codes)
    assert all(code.startswith("4104") for code in codes)
    assert len(table.counties_of("410400")) == len(subtree) - 1


def test_subtree_of_a_province_is_its_cities_and_counties_in_code_order(table: RegionTable) -> None:
    codes = [region.code for region in table.subtree("410000")]
    assert codes == sorted(code for code in (region.code for region in table) if code.startswith("41"))


def test_children_of_a_city_are_its_counties(table: RegionTable) -> None:
    children = table.children("130100")
    assert all(child.parent == "130100" and child.level is Level.COUNTY for child in children)
    assert table.children("130102") == ()


def test_path_runs_from_province_to_region(table: RegionTable) -> None:
    assert [region.code for region in table.path("130102")] == ["130000", "130100", "130102"]
    assert [region.code for region in table.path("130000")] == ["130000"]


def test_full_name_joins_the_path(table: RegionTable) -> None:
    assert table.full_name("130102") == "河北省石家庄市长安区"
    assert table.full_name("410400") == "河南省平顶山市"


def test_full_name_of_a_beijing_district_skips_the_city_placeholder(table: RegionTable) -> None:
    assert table.full_name("110101") == "北京市东城区"
    assert table.full_name("500229") == "重庆市城口县"


def test_provinces_are_listed_in_code_order(table: RegionTable) -> None:
    provinces = table.provinces()
    assert provinces[0].code == "110000"
    assert [region.code for region in provinces] == sorted(region.code for region in provinces)
    assert all(region.level is Level.PROVINCE for region in provinces)


def test_a_county_is_its_own_only_county(table: RegionTable) -> None:
    assert table.counties_of("130102") == (table.check("130102"),)


@pytest.mark.parametrize(("code", "prefix"), [("130000", "13"), ("130100", "1301"), ("130102", "130102")])
def test_subtree_prefix_gives_the_code_prefix_of_the_level(code: str, prefix: str) -> None:
    assert subtree_prefix(code) == prefix


def test_subtree_prefix_refuses_a_malformed_code() -> None:
    with pytest.raises(UnknownRegion, match="1301"):
        subtree_prefix("1301")


def test_a_table_from_rows_refuses_an_orphan() -> None:
    with pytest.raises(ValueError, match="130100"):
        RegionTable.from_rows([("130000", "河北省", "province", ""), ("130102", "长安区", "county", "130100")])


def test_a_table_from_rows_indexes_its_rows() -> None:
    table = RegionTable.from_rows(
        [
            ("130102", "长安区", "county", "130100"),
            ("130000", "河北省", "province", ""),
            ("130100", "石家庄市", "city", "130000"),
        ]
    )
    assert len(table) == 3
    assert "130100" in table
    assert [region.code for region in table.subtree("130000")] == ["130000", "130100", "130102"]
