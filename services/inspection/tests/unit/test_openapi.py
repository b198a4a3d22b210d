"""The OpenAPI description names exactly the routes the inspection service serves."""

from __future__ import annotations

import inspect
import re

from inspection.entrypoints.openapi import OPENAPI
from inspection.entrypoints.service import InspectionService
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from hrss.observability import ObservedService

_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")  # werkzeug's <visit_id> → OpenAPI's {visit_id}


def routes(service: type) -> set[tuple[str, str]]:
    """(method, path template) of every nameko HTTP entrypoint declared on `service` or inherited by it."""
    found = set()
    for _, member in inspect.getmembers(service, inspect.isfunction):
        for entrypoint in getattr(member, ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if hasattr(entrypoint, "url"):
                found.add((entrypoint.method.lower(), _PARAMETER.sub(r"{\1}", entrypoint.url)))
    return found


def documented() -> set[tuple[str, str]]:
    return {(method, path) for path, operations in OPENAPI["paths"].items() for method in operations}


def test_the_openapi_description_names_exactly_the_routes_the_service_serves() -> None:
    served = routes(InspectionService) - routes(ObservedService)
    assert ("post", "/field/batches") in served and ("get", "/openapi.json") in served
    assert served - documented() == set(), "served but not described"
    assert documented() - served == set(), "described but not served"
