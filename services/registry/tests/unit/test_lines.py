"""What a checklist item requires of its inspectors: its line of business (业务条线) and its qualifications.

The seed checklist (seeds/002) names each item's responsible unit (责任科室、单位) and implementing levels (实施层级);
the fixture must read both as the document states them.
"""

from __future__ import annotations

import pytest
from registry.service_layer.checklist import version_hash

from hrss.contracts import Level
from hrss.contracts.checklist import CheckItemSpec
from hrss.contracts.checklist_document import parse_checklist_document
from hrss.contracts.lines import BadQualifications, Line, clean_qualifications, line_of_unit
from hrss.testing import seeds as fixtures


@pytest.fixture(scope="module")
def items() -> list[CheckItemSpec]:
    try:
        text = fixtures.seed_document(fixtures.CHECKLIST_DOCUMENT).read_text(encoding="utf-8")
    except fixtures.SeedMissing as missing:
        pytest.fail(f"the real checklist is required: {missing}", pytrace=False)
    return parse_checklist_document(text)


# item number → (the line of its first responsible unit in seeds/002, that unit)
SEED_LINES = {
    1: (Line.LABOUR_INSPECTION, "劳动保障监察局（支队）"),
    2: (Line.VOCATIONAL_SKILLS, "职业能力建设科"),
    3: (Line.VOCATIONAL_SKILLS, "职业能力建设科"),
    4: (Line.VOCATIONAL_SKILLS, "职业能力建设科"),
    5: (Line.EMPLOYMENT, "就业促进局"),
    6: (Line.LABOUR_RELATIONS, "劳动关系科"),
    7: (Line.LABOUR_INSPECTION, "劳动保障监察局(支队)"),
    8: (Line.SOCIAL_INSURANCE, "市社保局"),
    9: (Line.UNEMPLOYMENT_INSURANCE, "市失业保险中心"),
}


def test_each_seed_item_belongs_to_the_line_of_its_first_responsible_unit(items: list[CheckItemSpec]) -> None:
    for item in items:
        line, unit = SEED_LINES[item.number]
        assert item.responsible_unit.startswith(unit), item.responsible_unit
        assert line_of_unit(item.responsible_unit) is line, item.name


def test_every_seed_item_is_implemented_by_cities_and_counties_as_the_document_says(
    items: list[CheckItemSpec],
) -> None:
    # 实施层级 reads 市、县人力资源社会保障部门 / 市、县社保经办机构 / 市、县失业保险经办机构 for all nine: none is
    # implemented by the province, which deploys them as unified tasks (省级统一部署) implemented below it
    for item in items:
        assert item.implementing_body.startswith("市、县"), item.implementing_body
        assert item.levels == (Level.CITY, Level.COUNTY), item.name


def test_unemployment_insurance_is_not_taken_for_social_insurance() -> None:
    assert line_of_unit("市失业保险中心") is Line.UNEMPLOYMENT_INSURANCE
    assert line_of_unit("社会保险事业管理局") is Line.SOCIAL_INSURANCE


def test_a_unit_that_names_no_line_gives_none() -> None:
    assert line_of_unit("办公室") is None
    assert line_of_unit("") is None


def test_qualifications_are_normalised_without_repeats_and_sorted() -> None:
    assert clean_qualifications([" 行政执法资格 ", "劳动保障监察员证", "行政执法资格"]) == (
        "劳动保障监察员证",
        "行政执法资格",
    )
    assert clean_qualifications([]) == ()


@pytest.mark.parametrize(
    "bad", [[""], ["   "], ["资" * 41], [3], ["line:labour_inspection"], [f"资格{n}" for n in range(11)]]
)
def test_bad_qualifications_are_refused(bad: list[object]) -> None:
    with pytest.raises(BadQualifications):
        clean_qualifications(bad)


def test_an_item_without_qualifications_keeps_the_hash_it_had_before_items_named_any(
    items: list[CheckItemSpec],
) -> None:
    import hashlib

    spec = items[6]
    before = hashlib.sha256(f"{spec.content_hash()}|labour_inspection|active".encode()).hexdigest()
    assert version_hash(spec, Line.LABOUR_INSPECTION, "active") == before
    assert version_hash(spec, Line.LABOUR_INSPECTION, "active", ("行政执法资格",)) != before
