"""What the use cases are given besides the database: the result categories, the inspection methods, the reminder
lead time, the working-day calendar and the clock. Bootstrap builds it from config; the use cases only read it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from hrss.contracts import utcnow
from hrss.workdays import WorkdayCalendar, provisional_calendar
from inspection.domain.documents import Issuer
from inspection.domain.records import DEFAULT_CATEGORIES, DEFAULT_METHODS, Category
from inspection.domain.visits import Member, Task

if TYPE_CHECKING:
    from inspection.adapters.repository import InspectionRepository


def _not_injected(uow: Any) -> InspectionRepository:
    raise RuntimeError("no repository: bootstrap (or a test) injects one")


class DocumentPrinter(Protocol):
    """Prints the two documents a person receives or signs (the adapter: `adapters.forms.FormPrinter`)."""

    def notice_pdf(
        self,
        issuer: Issuer,
        entity_name: str,
        uscc: str,
        tasks: list[Task],
        team: list[Member],
        window: tuple[date, date],
        materials: list[str],
        contact: str,
        methods: Mapping[str, str],
    ) -> bytes:
        """The prior notice (检查告知书) of a visit."""
        ...

    def record_pdf(
        self,
        issuer: Issuer,
        row: Any,
        version: int,
        form: Mapping[str, Any],
        inspectors: Sequence[Mapping[str, Any]],
        label: Callable[[str], str],
        methods: Mapping[str, str],
    ) -> bytes:
        """The inspection record form (检查记录表) of one result version."""
        ...


class _NoPrinter:
    def __getattr__(self, name: str) -> Any:
        raise RuntimeError("no document printer: bootstrap (or a test) injects one")


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
    printer: DocumentPrinter = field(default_factory=_NoPrinter)  # type: ignore[arg-type]

    def category(self, code: str) -> Category | None:
        """The category with this code, or None."""
        return next((c for c in self.categories if c.code == code), None)

    def is_problem(self, codes: list[str]) -> bool:
        """Whether any of the category codes means a problem that needs a follow-up."""
        return any((c := self.category(code)) is not None and c.problem for code in codes)
