"""The one place where the inspection service's components are chosen, from config with environment overrides."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from inspection.adapters.forms import FormPrinter
from inspection.adapters.sql_repository import SqlInspectionRepository
from inspection.domain.records import DEFAULT_CATEGORIES, DEFAULT_METHODS, Category
from inspection.service_layer.components import Components


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
        categories=categories,
        methods=methods,
        remind_before=int(settings.get("remind_before_workdays", 5)),
        repository=sql_repository,
        printer=FormPrinter(),
    )


def sql_repository(uow: Any) -> SqlInspectionRepository:
    """The repository on the unit of work's database session."""
    return SqlInspectionRepository(uow.session)
