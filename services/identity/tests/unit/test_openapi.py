"""The OpenAPI description names exactly the routes the identity service serves."""

from __future__ import annotations

import inspect
import re

from identity.entrypoints.openapi import OPENAPI
from identity.entrypoints.service import IdentityService
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from hrss.observability import ObservedService

_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")  # werkzeug's <account_id> → OpenAPI's {account_id}


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
    served = routes(IdentityService) - routes(ObservedService)
    assert ("post", "/accounts/{account_id}/inspector") in served and ("get", "/openapi.json") in served
    assert len(served) == 16
    assert served - documented() == set(), "served but not described"
    assert documented() - served == set(), "described but not served"
