"""Task validation (every field error at once) and the KPI facts recorded at the source."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from planning.domain.errors import Conflict, InvalidRecord
from planning.domain.task_lifecycle import TaskStatus
from planning.domain.tasks import GradeRatio, PlanRef, Scope, revise_task, with_number
from planning_builders import CITY, COUNTY, OTHER_CITY, OTHER_COUNTY, PROVINCE, key_item, make_task, percent, settings
from planning_builders import task_item as item

from hrss.contracts import Level
from hrss.contracts.checklist import ChecklistError, Ratio, parse_ratio
from hrss.contracts.credit import CreditGrade
from hrss.contracts.lines import Line

THREE = settings(minimum="3/100")  # 河北 (003)
FIVE = settings(minimum="5/100")  # 平顶山 (002)


def codes(refused: pytest.ExceptionInfo[InvalidRecord]) -> list[str]:
    return [e.code for e in refused.value.errors]


def test_a_general_item_at_four_percent_passes_a_three_percent_node_and_fails_a_five_percent_node() -> None:
    four = item(1, item_ratio=percent("4"))
    assert make_task(THREE, items=(four,)).items[0].ratio == percent("4")
    with pytest.raises(InvalidRecord) as refused:
        make_task(FIVE, items=(four,))
    assert codes(refused) == ["task.ratio_below_minimum"]
    assert refused.value.errors[0].field == "items[0].ratio"
    assert "4%" in refused.value.errors[0].message and "5%" in refused.value.errors[0].message


def test_a_general_item_below_the_node_minimum_passes_once_the_task_raises_its_ratio() -> None:
    two = item(1, item_ratio=percent("2"), ratio=percent("5"))
    assert make_task(FIVE, items=(two,)).items[0].ratio == percent("5")


def test_the_task_may_raise_an_items_ratio_but_never_lower_it() -> None:
    assert make_task(items=(item(2, ratio=percent("45")),)).items[0].ratio == percent("45")
    with pytest.raises(InvalidRecord) as refused:
        make_task(items=(item(2, ratio=percent("25")),))  # the checklist says 30%
    assert codes(refused) == ["task.ratio_below_item"]


def test_a_key_item_may_be_drawn_at_one_hundred_percent() -> None:
    task = make_task(items=(key_item(ratio=Ratio("fraction", fraction=Fraction(1))),))
    assert task.items[0].ratio.label == "100%"


def test_a_key_item_may_stay_below_the_general_minimum_when_its_checklist_ratio_is() -> None:
    task = make_task(FIVE, items=(item(1, item_ratio=percent("4"), category=key_item().category),))
    assert task.major_items == 1


@pytest.mark.parametrize("text", ["101%", "150%", "0%"])
def test_a_ratio_above_one_hundred_percent_or_of_zero_cannot_be_written(text: str) -> None:
    with pytest.raises(ChecklistError):
        parse_ratio(text)


def test_a_ratio_above_one_hundred_percent_cannot_be_constructed() -> None:
    with pytest.raises(ChecklistError):
        Ratio("fraction", fraction=Fraction(101, 100))


def test_an_absolute_minimum_is_raised_as_a_count_in_the_same_unit() -> None:
    assert make_task(items=(item(8, ratio=parse_ratio("至少300人")),)).items[0].ratio.minimum == 300
    with pytest.raises(InvalidRecord) as lower:
        make_task(items=(item(8, ratio=parse_ratio("至少100人")),))
    with pytest.raises(InvalidRecord) as unit:
        make_task(items=(item(8, ratio=parse_ratio("至少300家")),))
    with pytest.raises(InvalidRecord) as kind:
        make_task(items=(item(8, ratio=percent("10")),))
    assert codes(lower) == ["task.ratio_below_item"]
    assert codes(unit) == ["task.ratio_unit_mismatch"]
    assert codes(kind) == ["task.ratio_kind_mismatch"]


def test_per_grade_ratios_differentiate_credit_risk() -> None:
    ratios = (GradeRatio(CreditGrade.C, Fraction(20, 100)), GradeRatio(CreditGrade.D, Fraction(50, 100)))
    task = make_task(grade_ratios=ratios)
    assert task.credit_differentiated
    assert task.grade_ratio(CreditGrade.D) == Fraction(1, 2)
    assert task.grade_ratio(CreditGrade.A) is None


def test_per_grade_ratios_below_the_minimum_above_all_repeated_or_out_of_scope_are_refused() -> None:
    ratios = (
        GradeRatio(CreditGrade.A, Fraction(4, 100)),
        GradeRatio(CreditGrade.C, Fraction(120, 100)),
        GradeRatio(CreditGrade.C, Fraction(30, 100)),
        GradeRatio(CreditGrade.D, Fraction(50, 100)),
    )
    with pytest.raises(InvalidRecord) as refused:
        make_task(FIVE, grade_ratios=ratios, scope=Scope(grades=(CreditGrade.A, CreditGrade.C)))
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("grade_ratios.A", "task.grade_ratio_below_minimum"),
        ("grade_ratios.C", "task.grade_ratio_too_high"),
        ("grade_ratios.C", "task.grade_duplicate"),
        ("grade_ratios.D", "task.grade_out_of_scope"),
    ]


def test_four_percent_per_grade_passes_at_a_three_percent_node() -> None:
    assert make_task(THREE, grade_ratios=(GradeRatio(CreditGrade.C, Fraction(4, 100)),)).credit_differentiated


def test_every_field_error_is_reported_at_once() -> None:
    with pytest.raises(InvalidRecord) as refused:
        make_task(
            title=" ",
            year=1990,
            items=(item(1, item_ratio=percent("1")), item(1)),
            lines=(),
            start=date(2026, 7, 1),
            end=date(2026, 6, 1),
            exclude_inspected_within_months=61,
            team_size=1,
            ad_hoc_reason=None,
            implementing_nodes=(OTHER_COUNTY,),
            scope=Scope(region_codes=("130104", "12345")),
            draw_group=" ",
        )
    fields = {e.field for e in refused.value.errors}
    assert fields == {
        "title",
        "year",
        "items[0].ratio",
        "items[1]",
        "lines",
        "end",
        "exclude_inspected_within_months",
        "team_size",
        "ad_hoc_reason",
        "implementing_nodes",
        "scope.region_codes",
        "draw_group",
    }
    assert refused.value.code == "record.invalid"
    assert all(e.message for e in refused.value.errors)


def test_a_task_needs_at_least_one_item() -> None:
    with pytest.raises(InvalidRecord) as refused:
        make_task(items=())
    assert codes(refused) == ["task.items_required"]


@pytest.mark.parametrize("months", [0, 12, 60])
def test_an_exclusion_of_zero_to_sixty_months_is_accepted(months: int) -> None:
    assert make_task(exclude_inspected_within_months=months).exclude_inspected_within_months == months


@pytest.mark.parametrize("months", [-1, 61])
def test_an_exclusion_outside_zero_to_sixty_months_is_refused(months: int) -> None:
    with pytest.raises(InvalidRecord) as refused:
        make_task(exclude_inspected_within_months=months)
    assert codes(refused) == ["task.exclusion_invalid"]


def test_the_team_size_follows_the_node_minimum() -> None:
    assert make_task(team_size=2).team_size == 2
    with pytest.raises(InvalidRecord) as refused:
        make_task(settings(team=3), team_size=2)
    assert codes(refused) == ["task.team_too_small"]
    assert "至少 3 名" in refused.value.errors[0].message


def test_a_task_may_start_and_end_on_the_same_day() -> None:
    assert make_task(start=date(2026, 5, 1), end=date(2026, 5, 1)).start == date(2026, 5, 1)


def test_a_task_from_a_plan_needs_no_reason_and_an_ad_hoc_task_needs_one() -> None:
    assert make_task(plan=PlanRef("plan-1", 2), ad_hoc_reason=None).plan == PlanRef("plan-1", 2)
    with pytest.raises(InvalidRecord) as missing:
        make_task(ad_hoc_reason="  ")
    with pytest.raises(InvalidRecord) as both:
        make_task(plan=PlanRef("plan-1", 2), ad_hoc_reason="专项整治")
    assert codes(missing) == ["task.ad_hoc_reason_required"]
    assert codes(both) == ["task.origin_ambiguous"]


def test_an_upper_level_unified_task_is_implemented_by_territorial_nodes() -> None:
    task = make_task(settings(PROVINCE), unified=True, implementing_nodes=(COUNTY, OTHER_COUNTY, OTHER_CITY))
    assert task.unified and task.implementing_nodes == (COUNTY, OTHER_COUNTY, OTHER_CITY)


def test_the_draw_regions_are_the_scope_else_the_implementing_nodes_of_a_unified_task_else_the_node() -> None:
    assert make_task().draw_regions == (COUNTY.code,)
    unified = make_task(settings(CITY), unified=True, implementing_nodes=(COUNTY, OTHER_COUNTY))
    assert unified.draw_regions == (COUNTY.code, OTHER_COUNTY.code)
    scoped = make_task(
        settings(CITY), unified=True, implementing_nodes=(COUNTY,), scope=Scope(region_codes=(COUNTY.code,))
    )
    assert scoped.draw_regions == (COUNTY.code,)


def test_a_unified_scope_must_be_covered_by_its_implementing_nodes_and_each_of_them_must_receive_entities() -> None:
    with pytest.raises(InvalidRecord) as orphan:
        make_task(settings(CITY), unified=True, implementing_nodes=(COUNTY,), scope=Scope(region_codes=(CITY.code,)))
    with pytest.raises(InvalidRecord) as idle:
        make_task(
            settings(CITY),
            unified=True,
            implementing_nodes=(COUNTY, OTHER_COUNTY),
            scope=Scope(region_codes=(COUNTY.code,)),
        )
    assert codes(orphan) == ["task.region_not_implemented"]
    assert "130100" in orphan.value.errors[0].message
    assert codes(idle) == ["task.implementing_node_idle"]
    assert OTHER_COUNTY.code in idle.value.errors[0].message
    cities = make_task(
        settings(PROVINCE), unified=True, implementing_nodes=(CITY,), scope=Scope(region_codes=(COUNTY.code,))
    )
    assert cities.draw_regions == (COUNTY.code,)


def test_a_county_cannot_start_a_unified_task() -> None:
    with pytest.raises(InvalidRecord) as refused:
        make_task(unified=True)
    assert codes(refused) == ["task.unified_needs_lower_level"]


def test_implementing_nodes_outside_the_territory_or_other_nodes_of_an_own_task_are_refused() -> None:
    with pytest.raises(InvalidRecord) as outside:
        make_task(settings(CITY), unified=True, implementing_nodes=(COUNTY, OTHER_CITY))
    with pytest.raises(InvalidRecord) as not_self:
        make_task(settings(CITY), implementing_nodes=(COUNTY,))
    assert codes(outside) == ["task.implementing_node_outside"]
    assert "130200" in outside.value.errors[0].message
    assert codes(not_self) == ["task.implementing_node_not_self"]


def test_the_scope_stays_inside_the_node_territory() -> None:
    assert make_task(settings(CITY), implementing_nodes=(CITY,), scope=Scope(region_codes=("130102",))).scope
    with pytest.raises(InvalidRecord) as refused:
        make_task(settings(CITY), implementing_nodes=(CITY,), scope=Scope(region_codes=("130202",)))
    assert codes(refused) == ["task.region_outside"]


def test_an_items_line_must_be_among_the_task_lines() -> None:
    with pytest.raises(InvalidRecord) as refused:
        make_task(items=(item(1, line=Line.EMPLOYMENT),), lines=(Line.HR_MARKET,))
    assert codes(refused) == ["task.item_line_missing"]


def test_a_task_with_two_lines_is_joint() -> None:
    items = (item(1, line=Line.HR_MARKET), item(7, line=Line.LABOUR_INSPECTION))
    task = make_task(items=items, lines=(Line.HR_MARKET, Line.LABOUR_INSPECTION))
    assert task.joint
    assert task.kpi.joint


def test_a_task_with_another_department_is_joint() -> None:
    assert make_task(departments=("市场监督管理局",)).joint


def test_a_task_of_one_line_and_no_other_department_is_not_joint() -> None:
    task = make_task(lines=(Line.HR_MARKET, Line.HR_MARKET))
    assert not task.joint
    assert not task.credit_differentiated


def test_key_items_count_as_major_and_general_items_as_minor() -> None:
    task = make_task(items=(item(1), item(2), key_item(7)))
    assert (task.major_items, task.minor_items) == (1, 2)
    assert task.kpi.major_items == 1 and task.kpi.minor_items == 2


def test_a_new_task_is_a_draft_without_a_number_even_if_told_otherwise() -> None:
    task = make_task(status=TaskStatus.DRAWN)
    assert task.status is TaskStatus.DRAFT and task.number is None
    assert with_number(task, "冀人社抽〔2026〕12号").number == "冀人社抽〔2026〕12号"


def test_a_task_is_numbered_once() -> None:
    task = with_number(make_task(), "冀人社抽〔2026〕12号")
    with pytest.raises(Conflict):
        with_number(task, "冀人社抽〔2026〕13号")


def test_a_draft_is_revised_and_validated_again() -> None:
    task = make_task()
    assert revise_task(task, FIVE, team_size=4).team_size == 4
    with pytest.raises(InvalidRecord):
        revise_task(task, FIVE, team_size=1)
    with pytest.raises(ValueError):
        revise_task(task, FIVE, status=TaskStatus.DRAWN)


def test_a_published_task_is_not_revised() -> None:
    from dataclasses import replace

    with pytest.raises(Conflict) as refused:
        revise_task(replace(make_task(), status=TaskStatus.PUBLISHED), FIVE, team_size=4)
    assert refused.value.code == "task.not_editable"


def test_a_province_cannot_inspect_an_item_of_cities_and_counties_itself_but_deploys_it_as_a_unified_task() -> None:
    with pytest.raises(InvalidRecord) as refused:
        make_task(settings(PROVINCE), implementing_nodes=(PROVINCE,))
    assert codes(refused) == ["task.item_level_not_implementing"]
    error = refused.value.errors[0]
    assert error.field == "items[0]" and "“人力资源服务机构管理检查”由市级、县级实施" in error.message
    assert "上级统一抽取" in error.message
    task = make_task(settings(PROVINCE), unified=True, implementing_nodes=(COUNTY, OTHER_CITY))
    assert task.implementing_nodes == (COUNTY, OTHER_CITY)


def test_a_unified_task_is_implemented_only_by_nodes_of_the_items_levels() -> None:
    county_only = item(1, levels=(Level.COUNTY,))
    with pytest.raises(InvalidRecord) as refused:
        make_task(settings(PROVINCE), unified=True, items=(county_only,), implementing_nodes=(COUNTY, OTHER_CITY))
    assert codes(refused) == ["task.item_level_not_implementing"]
    assert "130200" in refused.value.errors[0].message and "130102" not in refused.value.errors[0].message
    assert make_task(settings(CITY), unified=True, items=(county_only,), implementing_nodes=(COUNTY,)).unified
