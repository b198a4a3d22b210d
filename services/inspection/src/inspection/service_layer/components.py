"""What the use cases are given besides the database: the result categories, the inspection methods, the reminder
lead time, the working-day calendar and the clock. Bootstrap builds it from config; the use cases only read it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hrss.contracts import utcnow
from hrss.workdays import WorkdayCalendar, provisional_calendar
from inspection.domain.records import DEFAULT_CATEGORIES, DEFAULT_METHODS, Category

if TYPE_CHECKING:
    from inspection.adapters.repository import InspectionRepository


def _not_injected(uow: Any) -> InspectionRepository:
    raise RuntimeError("no repository: bootstrap (or a test) injects one")


@dataclass
class Components:
    """Everything the use cases need besides the database."""

    categories: tuple[Category, ...] = DEFAULT_CATEGORIES
    methods: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_METHODS))
    remind_before: int = 5  # working days before a deadline when a reminder appears
    # official data, then weekends only (provisional) for the years not loaded yet: a deadline never refuses work
    calendar: Callable[[], WorkdayCalendar] = provisional_calendar
    clock: Callable[[], datetime] = field(default=utcnow)
    # the repository in a unit of work: SQL on its session in production, in memory in the handler tests
    repository: Callable[[Any], InspectionRepository] = _not_injected

    def category(self, code: str) -> Category | None:
        """The category with this code, or None."""
        return next((c for c in self.categories if c.code == code), None)

    def is_problem(self, codes: list[str]) -> bool:
        """Whether any of the category codes means a problem that needs a follow-up."""
        return any((c := self.category(code)) is not None and c.problem for code in codes)
