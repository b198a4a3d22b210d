"""The planning API against its own OpenAPI description: the description names exactly the routes the service
serves, and generated requests (schemathesis, valid and invalid) from every kind of caller, on the real PostgreSQL
and Kafka, get no 5xx, no stack trace or SQL, and only answers the description documents (`hrss.testing.fuzzing`).

The description is OpenAPI 3.1 (request bodies are pydantic's JSON Schema); schemathesis 4 reads 3.1 as it is, with
no flag to enable.
"""

from __future__ import annotations

import inspect
import re

import pytest
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from planning.entrypoints.openapi import OPENAPI
from planning.entrypoints.service import PlanningService
from planning_testkit import COUNTY, PROVINCE, Running

from hrss.observability import ObservedService
from hrss.testing.fuzzing import fuzz_service, operations

pytestmark = pytest.mark.integration

_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")  # werkzeug's <node> or <int:year> → OpenAPI's {node}


def routes(service: type) -> set[tuple[str, str]]:
    """(method, path template) of every nameko HTTP entrypoint declared on `service` or inherited by it."""
    found = set()
    for _, member in inspect.getmembers(service, inspect.isfunction):
        for entrypoint in getattr(member, ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if hasattr(entrypoint, "url"):
                found.add((entrypoint.method.lower(), _PARAMETER.sub(r"{\1}", entrypoint.url)))
    return found


def documented() -> set[tuple[str, str]]:
    """(method, path template) of every operation OPENAPI describes."""
    return {(method, path) for path, operations in OPENAPI["paths"].items() for method in operations}


def test_the_openapi_description_names_exactly_the_routes_the_service_serves() -> None:
    served = routes(PlanningService) - routes(ObservedService)  # /metrics and /health: operations, not the API
    assert ("put", "/plans/{plan_id}/draft") in served and ("get", "/openapi.json") in served
    assert served - documented() == set(), "served but not described"
    assert documented() - served == set(), "described but not served"


def test_every_operation_survives_generated_requests_from_every_kind_of_caller(planning: Running) -> None:
    served = planning.call("GET", "/openapi.json", None)
    assert served.status_code == 200 and served.json() == OPENAPI
    assert served.json()["openapi"] == "3.1.0"
    fuzzed = {(o.method.lower(), o.path) for o in operations(planning.url)}
    assert fuzzed == documented() - {("get", "/openapi.json")}  # schemathesis skips the document it was read from
    callers = {
        "anonymous": None,
        "province planner": planning.token({"planner"}, PROVINCE),
        "county planner": planning.token({"planner"}, COUNTY),
    }
    problems = fuzz_service(planning.url, callers, examples=15)
    assert not problems, f"{len(problems)} problems:\n\n" + "\n\n".join(dict.fromkeys(problems))
