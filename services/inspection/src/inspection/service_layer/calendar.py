"""Loading a year's official holiday schedule (the State Council's notice) over HTTP, into the store the working-day
calendar reads (`HRSS_WORKDAYS_STORE`, see `hrss.workdays.store`). The store logs who loaded what and when; the
load is also an entry on the node's audit chain, with the file's SHA-256. Deadlines are recounted on it from the
next question on."""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import Any

from hrss.auth import Action
from hrss.auth.roles import ADMIN_ROLES
from hrss.workdays import STORE_VAR, CalendarDataError, WorkdayStore
from inspection.domain.errors import CalendarInvalid, CalendarStoreNotConfigured
from inspection.service_layer.context import Context


def _store() -> WorkdayStore:
    path = os.environ.get(STORE_VAR, "").strip()
    if not path:
        raise CalendarStoreNotConfigured(variable=STORE_VAR)
    return WorkdayStore(path)


def load_year(ctx: Context, year: int, holidays: dict[str, str], workdays: dict[str, str], source: str) -> Any:
    """Add the year's schedule (administrators of every node this process serves)."""
    roles = [ctx.authorize(code, ADMIN_ROLES, Action.WRITE) for code in ctx.uow.nodes]
    store = _store()
    try:
        load = store.load_year(
            year,
            {"holidays": holidays, "workdays": workdays},
            loaded_by=ctx.principal.account_id,
            source=source,
            now=ctx.components.clock(),
        )
    except CalendarDataError as error:
        raise CalendarInvalid(problem=str(error)) from None
    ctx.audit(
        role=roles[0],
        action="inspection.calendar_load",
        object_type="calendar",
        object_id=str(year),
        node=ctx.uow.nodes[0],
        after_hash=load.sha256,
        detail={"source": load.source, "file": load.file},
    )
    return asdict(load)


def listing(ctx: Context) -> dict[str, Any]:
    """The official years the calendar has, and every load of the store (anyone signed in)."""
    path = os.environ.get(STORE_VAR, "").strip()
    calendar = ctx.components.calendar()
    return {
        "official_years": sorted(calendar.years),
        "store": path or None,
        "loads": [asdict(x) for x in WorkdayStore(path).loads()] if path else [],
    }
