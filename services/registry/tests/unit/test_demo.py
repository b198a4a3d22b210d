"""The demo-data generator (infra/local/registry_demo, the tool `make run` loads a demo province with): deterministic,
valid by the registry's own parsers, shaped like the registries of one province."""

from __future__ import annotations

import csv
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[4] / "infra" / "local"))  # the run scripts' tools

import registry_demo as demo
from registry.domain.entities import ENTITY_FIELDS, try_parse_entity
from registry.domain.inspectors import INSPECTOR_FIELDS, try_parse_inspector
from registry.domain.regions import RegionTable

from hrss.contracts.uscc import check_uscc

HENAN = "410000"
CHECKLIST_TAGS = (  # the objects of the 9 items of seeds/002 that are entities, as tags
    "人力资源服务机构",
    "技工院校",
    "职业技能鉴定机构",
    "民办培训机构",
    "劳务派遣单位",
    "劳务派遣用工单位",
    "参保企业",
)


@pytest.fixture(scope="module")
def regions() -> RegionTable:
    return RegionTable.load()


@pytest.fixture(scope="module")
def entities() -> list[dict[str, str]]:
    return list(demo.generate_entities(HENAN, 5000, seed=11))


@pytest.fixture(scope="module")
def inspectors() -> list[dict[str, str]]:
    return list(demo.generate_inspectors(HENAN, 8, seed=11))


def _tags(row: dict[str, str]) -> set[str]:
    return set(filter(None, row["tags"].split(demo.TAG_SEPARATOR)))


def test_the_same_seed_gives_the_same_rows_and_another_seed_others() -> None:
    assert list(demo.generate_entities(HENAN, 500, seed=3)) == list(demo.generate_entities(HENAN, 500, seed=3))
    assert list(demo.generate_entities(HENAN, 500, seed=3)) != list(demo.generate_entities(HENAN, 500, seed=4))
    assert list(demo.generate_inspectors(HENAN, 3, seed=3)) == list(demo.generate_inspectors(HENAN, 3, seed=3))
    assert list(demo.generate_inspectors(HENAN, 3, seed=3)) != list(demo.generate_inspectors(HENAN, 3, seed=4))


def test_the_same_seed_writes_byte_identical_files(tmp_path: Path) -> None:
    for name in ("a", "b"):
        demo.write_csv(tmp_path / f"{name}.csv", demo.generate_entities(HENAN, 300, seed=5), ENTITY_FIELDS)
        demo.write_csv(tmp_path / f"{name}-i.csv", demo.generate_inspectors(HENAN, 2, seed=5), INSPECTOR_FIELDS)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a-i.csv").read_bytes() == (tmp_path / "b-i.csv").read_bytes()


def test_a_small_run_is_the_start_of_a_large_one() -> None:
    assert list(demo.generate_entities(HENAN, 200, seed=9)) == list(demo.generate_entities(HENAN, 1000, seed=9))[:200]


def test_every_entity_row_parses(entities: list[dict[str, str]], regions: RegionTable) -> None:
    failures = [(row, errors) for row in entities if (errors := try_parse_entity(row, regions)[1])]
    assert failures == []


def test_every_inspector_row_of_the_province_parses(inspectors: list[dict[str, str]], regions: RegionTable) -> None:
    assert len(inspectors) == 8 * len(regions.counties_of(HENAN))
    failures = [(row, errors) for row in inspectors if (errors := try_parse_inspector(row, regions)[1])]
    assert failures == []


@pytest.mark.parametrize("province", ["110000", "450000", "460000", "650000"])
def test_other_provinces_parse_too(province: str, regions: RegionTable) -> None:
    counties = {region.code for region in regions.counties_of(province)}
    for row in demo.generate_entities(province, 300, seed=1):
        assert try_parse_entity(row, regions)[1] == []
        assert row["region_code"] in counties
    for row in demo.generate_inspectors(province, 2, seed=1):
        assert try_parse_inspector(row, regions)[1] == []


def test_usccs_are_unique_valid_and_registered_in_the_entitys_county() -> None:
    rows = list(demo.generate_entities(HENAN, 50_000, seed=2))
    assert len({row["uscc"] for row in rows}) == len(rows)
    for row in rows[:5000]:
        assert check_uscc(row["uscc"]) == row["uscc"]
        assert row["uscc"][2:8] == row["region_code"]


def test_entities_are_in_the_province_and_the_address_names_their_county(
    entities: list[dict[str, str]], regions: RegionTable
) -> None:
    counties = {region.code for region in regions.counties_of(HENAN)}
    assert {row["region_code"] for row in entities} <= counties
    assert all(row["address"].startswith(regions.full_name(row["region_code"])) for row in entities)


def test_every_county_gets_entities_at_twenty_per_county(regions: RegionTable) -> None:
    counties = {region.code for region in regions.counties_of(HENAN)}
    found = Counter(row["region_code"] for row in demo.generate_entities(HENAN, 20 * len(counties), seed=8))
    assert set(found) == counties


def test_credit_grades_statuses_and_violations_are_distributed_plausibly(entities: list[dict[str, str]]) -> None:
    grades = Counter(row["credit_grade"] for row in entities)
    assert 0.05 <= (grades["C"] + grades["D"]) / len(entities) <= 0.15
    assert 0.5 <= grades["A"] / len(entities) <= 0.7
    assert Counter(row["status"] for row in entities).most_common(1)[0][0] == "存续"
    complaints = Counter(row["complaint_count"] == "0" for row in entities)
    assert complaints[True] > 0.7 * len(entities)
    serious = sum(row["serious_violation"] == "是" for row in entities)
    assert 0 < serious < 0.03 * len(entities)


def test_mostly_enterprises_and_some_of_every_other_kind(entities: list[dict[str, str]]) -> None:
    kinds = Counter(row["object_type"] for row in entities)
    assert kinds.most_common(1)[0] == ("企业", kinds["企业"])
    assert kinds["企业"] > 0.7 * len(entities)
    assert len(kinds) == 8


def test_the_objects_of_the_checklist_items_are_there_as_tags(entities: list[dict[str, str]]) -> None:
    tags = Counter(tag for row in entities for tag in _tags(row))
    assert {tag: tags[tag] for tag in CHECKLIST_TAGS if tags[tag] < 5} == {}


def test_company_names_start_with_their_city(entities: list[dict[str, str]]) -> None:
    for row in entities[:500]:
        if row["object_type"] == "企业":
            assert row["name"].endswith("公司")
            assert row["name"][:2] in row["address"]
        if row["object_type"] == "个体经济组织":
            assert row["name"].endswith("店")


def test_csv_round_trip_with_chinese_headers(tmp_path: Path, entities: list[dict[str, str]]) -> None:
    path = tmp_path / "entities.csv"
    assert demo.write_csv(path, entities, ENTITY_FIELDS) == len(entities)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == list(ENTITY_FIELDS.values())
        back = [{field: row[label] for field, label in ENTITY_FIELDS.items()} for row in reader]
    assert back == entities


def test_csv_with_a_bom_for_excel(tmp_path: Path) -> None:
    path = tmp_path / "inspectors.csv"
    demo.write_csv(path, demo.generate_inspectors(HENAN, 1, seed=1), INSPECTOR_FIELDS, bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf\xe6\x89\xa7")  # BOM, then 执


def test_inspectors_are_stationed_in_their_county_with_unique_credentials(inspectors: list[dict[str, str]]) -> None:
    assert len({row["credential_no"] for row in inspectors}) == len(inspectors)
    for row in inspectors:
        assert row["station_region"] == row["node"]
        assert row["credential_no"].startswith(row["node"])
        assert row["unit"].endswith(("人力资源和社会保障局", "劳动保障监察大队")) or row["pool"] != "执法检查人员"


def test_inspector_shares_expired_experts_and_statuses(inspectors: list[dict[str, str]]) -> None:
    total = len(inspectors)
    expired = sum(date.fromisoformat(row["credential_expires"]) < demo.AS_OF for row in inspectors)
    experts = sum(row["pool"] == "辅助检查人员（专家）" for row in inspectors)
    assert 0 < expired < 0.08 * total
    assert 0 < experts < 0.12 * total
    assert Counter(row["status"] for row in inspectors).most_common(1)[0][0] == "在岗"


def test_expiry_is_relative_to_the_reference_date() -> None:
    later = date(2030, 1, 1)
    rows = list(demo.generate_inspectors(HENAN, 2, seed=1, as_of=later))
    assert sum(date.fromisoformat(row["credential_expires"]) >= later for row in rows) > 0.9 * len(rows)


def test_former_employers_are_entities_of_the_same_county_and_seed(
    inspectors: list[dict[str, str]], regions: RegionTable
) -> None:
    counties = len(regions.counties_of(HENAN))
    known = {row["uscc"]: row["region_code"] for row in demo.generate_entities(HENAN, 20 * counties, seed=11)}
    with_former = [row for row in inspectors if row["former_employers"]]
    assert with_former
    for row in with_former:
        for uscc in row["former_employers"].split(demo.TAG_SEPARATOR):
            assert known[uscc] == row["node"]


def test_given_former_employers_are_used() -> None:
    county = demo.province_counties(HENAN)[0].code
    employers = {county: ["91410102MA44ABCD1X"]}
    rows = [row for row in demo.generate_inspectors(HENAN, 40, seed=1, employers=employers) if row["node"] == county]
    assert {row["former_employers"] for row in rows} == {"", "91410102MA44ABCD1X"}


def test_national_ids_carry_a_birth_date_from_1965_to_1998(inspectors: list[dict[str, str]]) -> None:
    for row in inspectors:
        assert 1965 <= int(row["national_id"][6:10]) <= 1998
        assert row["phone"][:2] in {f"1{digit}" for digit in "3456789"}
    same_county = sum(row["national_id"][:6] == row["node"] for row in inspectors)
    assert same_county > 0.5 * len(inspectors)


def test_short_place_names() -> None:
    assert demo.short_name("郑州市") == "郑州"
    assert demo.short_name("郏县") == "郏县"
    assert demo.short_name("长白朝鲜族自治县") == "长白"
    assert demo.short_name("黔东南苗族侗族自治州") == "黔东南"
    assert demo.short_name("伊犁哈萨克自治州") == "伊犁"


def test_a_region_that_is_not_a_province_or_has_no_counties_is_refused() -> None:
    with pytest.raises(ValueError, match="not a province"):
        list(demo.generate_entities("410100", 1, seed=1))
    with pytest.raises(ValueError, match="no county-level regions"):
        list(demo.generate_inspectors("810000", 1, seed=1))


def test_every_county_can_field_a_labour_inspection_team(inspectors: list[dict[str, str]]) -> None:
    # a draw forms teams of the items' line: the labour inspection items must find two inspectors in every county
    on_duty = Counter(
        row["node"]
        for row in inspectors
        if row["line"] == "劳动保障监察"
        and row["pool"] == "执法检查人员"
        and row["status"] == "在岗"
        and date.fromisoformat(row["credential_expires"]) > demo.AS_OF
        and "行政执法资格" in row["qualifications"]
    )
    assert set(on_duty) == {row["node"] for row in inspectors} and min(on_duty.values()) >= 2
