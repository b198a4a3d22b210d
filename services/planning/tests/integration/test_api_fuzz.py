"""The planning API against its own OpenAPI description: the description names exactly the routes the service
serves, and generated requests (schemathesis, valid and invalid) from anonymous and every role at a county and the
province, on the real PostgreSQL and Kafka, get no 5xx, no stack trace or SQL, and only answers the description
documents (`hrss.testing.fuzzing`).

The description is OpenAPI 3.1 (request bodies are pydantic's JSON Schema); schemathesis 4 reads 3.1 as it is, with
no flag to enable.
"""

from __future__ import annotations

import pytest
from planning.entrypoints.openapi import OPENAPI
from planning.entrypoints.service import PlanningService
from planning_testkit import COUNTY, PROVINCE, Running

from hrss.testing.fuzzing import every_role, fuzz_service, operations
from hrss.testing.routes import documented_routes, served_routes

pytestmark = pytest.mark.integration

EXAMPLES = 4  # per caller, operation and mode: 13 callers × 4 stay within 1.5× the time 3 callers × 15 took


def test_the_openapi_description_names_exactly_the_routes_the_service_serves() -> None:
    served = served_routes(PlanningService)  # /metrics and /health: operations, not the API
    assert ("put", "/plans/{plan_id}/draft") in served and ("get", "/openapi.json") in served
    assert served - documented_routes(OPENAPI) == set(), "served but not described"
    assert documented_routes(OPENAPI) - served == set(), "described but not served"


def test_every_operation_survives_generated_requests_from_every_kind_of_caller(planning: Running) -> None:
    served = planning.call("GET", "/openapi.json", None)
    assert served.status_code == 200 and served.json() == OPENAPI
    assert served.json()["openapi"] == "3.1.0"
    fuzzed = {(o.method.lower(), o.path) for o in operations(planning.url)}
    assert fuzzed == documented_routes(OPENAPI) - {
        ("get", "/openapi.json")
    }  # schemathesis skips the document it was read from
    callers = every_role(planning.token, COUNTY, PROVINCE)
    assert len(callers) == 13
    problems = fuzz_service(planning.url, callers, examples=EXAMPLES)
    assert not problems, f"{len(problems)} problems:\n\n" + "\n\n".join(dict.fromkeys(problems))
