"""The draw API against its own OpenAPI description: the description names exactly the routes the service serves,
and generated requests (schemathesis, valid and invalid) from anonymous and every role at a county and the
province, on the real PostgreSQL, Kafka and MinIO, get no 5xx, no stack trace or SQL, and only answers the
description documents (`hrss.testing.fuzzing`)."""

from __future__ import annotations

import pytest
from draw.entrypoints.openapi import OPENAPI
from draw.entrypoints.service import DrawService
from draw_testkit import COUNTY_A, PROVINCE, Running

from hrss.testing.fuzzing import every_role, fuzz_service, operations
from hrss.testing.routes import documented_routes, served_routes

pytestmark = pytest.mark.integration

EXAMPLES = 4  # per caller, operation and mode (13 callers)


def test_the_openapi_description_names_exactly_the_routes_the_service_serves() -> None:
    served = served_routes(DrawService)
    assert ("post", "/draws/{draw_id}/draw") in served and ("get", "/openapi.json") in served
    assert served - documented_routes(OPENAPI) == set(), "served but not described"
    assert documented_routes(OPENAPI) - served == set(), "described but not served"


def test_every_operation_survives_generated_requests_from_every_kind_of_caller(draw_service: Running) -> None:
    served = draw_service.call("GET", "/openapi.json", None)
    assert served.status_code == 200 and served.json() == OPENAPI
    fuzzed = {(o.method.lower(), o.path) for o in operations(draw_service.url)}
    assert fuzzed == documented_routes(OPENAPI) - {("get", "/openapi.json")}
    callers = every_role(draw_service.token, COUNTY_A, PROVINCE)
    assert len(callers) == 13
    problems = fuzz_service(draw_service.url, callers, examples=EXAMPLES)
    assert not problems, f"{len(problems)} problems:\n\n" + "\n\n".join(dict.fromkeys(problems))
