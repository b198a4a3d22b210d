"""The OpenAPI description names exactly the routes the inspection service serves."""

from __future__ import annotations

from inspection.entrypoints.openapi import OPENAPI
from inspection.entrypoints.service import InspectionService

from hrss.testing.routes import documented_routes, served_routes


def test_the_openapi_description_names_exactly_the_routes_the_service_serves() -> None:
    served = served_routes(InspectionService)
    assert ("post", "/field/batches") in served and ("get", "/openapi.json") in served
    assert served - documented_routes(OPENAPI) == set(), "served but not described"
    assert documented_routes(OPENAPI) - served == set(), "described but not served"
