"""The OpenAPI description names exactly the routes the identity service serves."""

from __future__ import annotations

from identity.entrypoints.openapi import OPENAPI
from identity.entrypoints.service import IdentityService

from hrss.testing.routes import documented_routes, served_routes


def test_the_openapi_description_names_exactly_the_routes_the_service_serves() -> None:
    served = served_routes(IdentityService)
    assert ("post", "/accounts/{account_id}/inspector") in served and ("get", "/openapi.json") in served
    assert len(served) == 16
    assert served - documented_routes(OPENAPI) == set(), "served but not described"
    assert documented_routes(OPENAPI) - served == set(), "described but not served"
