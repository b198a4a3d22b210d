"""The one place where the inspection service's components are chosen, from config with environment overrides."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hrss.contracts import utcnow
from hrss.workdays import WorkdayCalendar, provisional_calendar
from inspection.domain.records import DEFAULT_CATEGORIES, DEFAULT_METHODS, Category


@dataclass
class Components:
    """Everything the use cases need besides the database."""

    categories: tuple[Category, ...] = DEFAULT_CATEGORIES
    methods: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_METHODS))
    remind_before: int = 5  # working days before a deadline when a reminder appears
    # official data, then weekends only (provisional) for the years not loaded yet: a deadline never refuses work
    calendar: Callable[[], WorkdayCalendar] = provisional_calendar
    clock: Callable[[], datetime] = field(default=utcnow)

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)

    def is_problem(self, codes: list[str]) -> bool:
        """Whether any of the category codes means a problem that needs a follow-up."""
        return any((c := self.category(code)) is not None and c.problem for code in codes)


def bootstrap(config: Mapping[str, Any]) -> Components:
    """Components from config; a malformed category list fails the start, not the first request."""
    settings = config.get("INSPECTION") or {}
    raw = settings.get("categories")
    categories = DEFAULT_CATEGORIES
    if raw:
        categories = tuple(Category(str(c["code"]), str(c["label"]), bool(c.get("problem", False))) for c in raw)
        codes = [c.code for c in categories]
        if len(set(codes)) != len(codes) or not all(codes):
            raise ValueError("INSPECTION.categories: codes must be unique and non-empty")
    methods = {str(k): str(v) for k, v in (settings.get("methods") or DEFAULT_METHODS).items()}
    return Components(
        categories=categories, methods=methods, remind_before=int(settings.get("remind_before_workdays", 5))
    )
