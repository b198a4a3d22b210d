"""Per-node settings (节点设置): the plan deadline, the ratio floor for general items, task numbering, team size.

The seeds disagree on two of them, which is why they are settings and not constants: the plan is due by 31 January
in 湖南 (000 §三(五)) and by 31 March in 青岛 (004 §8.1); general items are drawn at 5% at least in 平顶山
(002 §二(一)) and at 3% at least in 河北 (003 §一(一)). Key items are uncapped everywhere (up to 100%) and a group
never has fewer than two inspectors (002 §三(三), 004 §9.3.2.3): a node may ask for more, never for fewer.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from hrss.contracts import Node
from planning.domain.errors import FieldError, InvalidRecord
from planning.domain.numbering import BadTemplate, check_template

TEAM_SIZE_FLOOR = 2
KEY_ITEM_MAXIMUM = Fraction(1)


@dataclass(frozen=True)
class MonthDay:
    """A date that recurs every year, such as 1-31; 29 February is refused because it is not in every year."""

    month: int
    day: int

    def problem(self) -> str | None:
        """Why this is not a yearly date, in Chinese; None if it is one."""
        if not 1 <= self.month <= 12:
            return f"月份应为 1–12（现为 {self.month}）"
        last = calendar.monthrange(2001, self.month)[1]  # 2001: not a leap year
        if not 1 <= self.day <= last:
            return f"{self.month} 月的日期应为 1–{last}（现为 {self.day}）"
        return None

    def in_year(self, year: int) -> date:
        """This day in `year`."""
        return date(year, self.month, self.day)

    @property
    def label(self) -> str:
        """As people write it: '1月31日'."""
        return f"{self.month}月{self.day}日"


@dataclass(frozen=True)
class NodeSettings:
    """The planning settings of one node; construction refuses invalid values, listing every problem at once."""

    node: Node
    plan_deadline: MonthDay
    general_minimum: Fraction
    task_number_template: str
    minimum_team_size: int = TEAM_SIZE_FLOOR

    def __post_init__(self) -> None:
        errors: list[FieldError] = []
        if (problem := self.plan_deadline.problem()) is not None:
            errors.append(FieldError("plan_deadline", "settings.deadline_invalid", f"计划报送截止日期无效：{problem}"))
        minimum = self.general_minimum
        if not isinstance(minimum, Fraction) or not 0 < minimum <= 1:
            message = "一般检查事项最低抽查比例应为大于 0% 且不超过 100% 的分数"
            errors.append(FieldError("general_minimum", "settings.minimum_invalid", message))
        try:
            check_template(self.task_number_template)
        except BadTemplate as bad:
            errors.append(FieldError("task_number_template", bad.code, bad.message))
        size = self.minimum_team_size
        if isinstance(size, bool) or not isinstance(size, int) or size < TEAM_SIZE_FLOOR:
            errors.append(
                FieldError(
                    "minimum_team_size",
                    "settings.team_size_too_small",
                    f"每个检查组最少人数不能低于 {TEAM_SIZE_FLOOR} 人（现为 {size}）",
                )
            )
        if errors:
            raise InvalidRecord(errors)

    def plan_due(self, year: int) -> date:
        """The last day on which the plan for `year` is on time (China Standard Time)."""
        return self.plan_deadline.in_year(year)
