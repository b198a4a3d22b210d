"""The one place where the reporting service's components are chosen, from config. Nothing connects here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reporting.adapters.repository import SqlReportingRepository
from reporting.service_layer.components import Components


def bootstrap(config: Mapping[str, Any]) -> Components:
    """Components from config: the nodes' names on the form and where results are published."""
    settings = config.get("REPORTING") or {}
    names = settings.get("node_names") or {}
    found = Components(repository=sql_repository, node_names={str(k): str(v) for k, v in names.items()})
    if settings.get("publication_site"):
        found.publication_site = str(settings["publication_site"])
    return found


def sql_repository(uow: Any) -> SqlReportingRepository:
    """The repository on the unit of work's database session."""
    return SqlReportingRepository(uow.session)
