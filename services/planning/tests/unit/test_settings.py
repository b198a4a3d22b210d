"""Per-node settings: the deadlines and minimum ratios of the seeds, numbering templates, team size."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from planning.domain.errors import InvalidRecord
from planning.domain.settings import MonthDay, NodeSettings
from planning_builders import COUNTY, settings


def test_hunan_plans_are_due_by_31_january_and_qingdao_plans_by_31_march() -> None:
    assert settings(deadline=(1, 31)).plan_due(2026) == date(2026, 1, 31)
    assert settings(deadline=(3, 31)).plan_due(2026) == date(2026, 3, 31)


def test_minimum_ratios_of_the_seeds_are_kept_as_exact_fractions() -> None:
    assert settings(minimum="5/100").general_minimum == Fraction(1, 20)
    assert settings(minimum="3/100").general_minimum == Fraction(3, 100)


def test_the_deadline_label_is_written_as_people_write_dates() -> None:
    assert MonthDay(3, 31).label == "3月31日"


@pytest.mark.parametrize("month_day", [(0, 10), (13, 1), (2, 29), (4, 31), (1, 0)])
def test_a_deadline_that_is_not_a_date_of_every_year_is_refused(month_day: tuple[int, int]) -> None:
    with pytest.raises(InvalidRecord) as refused:
        settings(deadline=month_day)
    assert refused.value.errors[0].field == "plan_deadline"


@pytest.mark.parametrize("minimum", ["0", "-1/100", "101/100"])
def test_a_minimum_ratio_outside_zero_to_one_hundred_percent_is_refused(minimum: str) -> None:
    with pytest.raises(InvalidRecord) as refused:
        settings(minimum=minimum)
    assert [e.code for e in refused.value.errors] == ["settings.minimum_invalid"]


def test_a_minimum_ratio_given_as_a_float_is_refused_because_ratios_are_exact() -> None:
    with pytest.raises(InvalidRecord):
        NodeSettings(COUNTY, MonthDay(1, 31), 0.05, "第{year}-{seq}号")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("template", "code"),
    [
        ("冀人社抽〔2026〕{seq}号", "settings.template_placeholder"),
        ("冀人社抽〔{year}〕号", "settings.template_placeholder"),
        ("{year}{seq}{seq}", "settings.template_placeholder"),
        ("冀人社抽〔{year}〕{seq}号{x}", "settings.template_braces"),
        ("冀人社抽{year}{seq}号", "settings.template_ambiguous"),
        ("  ", "settings.template_required"),
    ],
)
def test_a_numbering_template_without_exactly_one_year_and_one_seq_is_refused(template: str, code: str) -> None:
    with pytest.raises(InvalidRecord) as refused:
        settings(template=template)
    assert refused.value.errors[0].field == "task_number_template"
    assert refused.value.errors[0].code == code


@pytest.mark.parametrize("team", [0, 1])
def test_a_minimum_team_size_below_two_is_never_accepted(team: int) -> None:
    with pytest.raises(InvalidRecord) as refused:
        settings(team=team)
    assert refused.value.errors[0].code == "settings.team_size_too_small"
    assert "不能低于 2 人" in refused.value.errors[0].message


def test_a_node_may_ask_for_larger_teams() -> None:
    assert settings(team=3).minimum_team_size == 3


def test_every_problem_with_the_settings_is_reported_at_once() -> None:
    with pytest.raises(InvalidRecord) as refused:
        settings(deadline=(2, 30), minimum="2", template="无占位符", team=1)
    fields = [e.field for e in refused.value.errors]
    assert fields == ["plan_deadline", "general_minimum", "task_number_template", "minimum_team_size"]
    assert refused.value.code == "record.invalid"
