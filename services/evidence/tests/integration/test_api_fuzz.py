"""The evidence API against its own OpenAPI description: the description names exactly the routes served, and
generated requests (schemathesis, valid and invalid) from every kind of caller, on the real PostgreSQL, Kafka and
MinIO, get no 5xx, no stack trace or SQL, and only answers the description documents (`hrss.testing.fuzzing`)."""

from __future__ import annotations

import inspect
import re

import pytest
from evidence.entrypoints.openapi import OPENAPI
from evidence.entrypoints.service import EvidenceService
from evidence_testkit import COUNTY, INSPECTOR_1, PROVINCE, Running
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from hrss.observability import ObservedService
from hrss.testing.fuzzing import fuzz_service, operations

pytestmark = pytest.mark.integration

_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def routes(service: type) -> set[tuple[str, str]]:
    found = set()
    for _, member in inspect.getmembers(service, inspect.isfunction):
        for entrypoint in getattr(member, ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if hasattr(entrypoint, "url"):
                found.add((entrypoint.method.lower(), _PARAMETER.sub(r"{\1}", entrypoint.url)))
    return found


def documented() -> set[tuple[str, str]]:
    return {(method, path) for path, ops in OPENAPI["paths"].items() for method in ops}


def test_the_openapi_description_names_exactly_the_routes_the_service_serves() -> None:
    served = routes(EvidenceService) - routes(ObservedService)
    assert ("post", "/evidence") in served and ("get", "/openapi.json") in served
    assert served - documented() == set(), "served but not described"
    assert documented() - served == set(), "described but not served"


def test_every_operation_survives_generated_requests_from_every_kind_of_caller(evidence_service: Running) -> None:
    served = evidence_service.call("GET", "/openapi.json", None)
    assert served.status_code == 200 and served.json() == OPENAPI
    fuzzed = {(o.method.lower(), o.path) for o in operations(evidence_service.url)}
    assert fuzzed == documented() - {("get", "/openapi.json")}
    callers = {
        "anonymous": None,
        "county inspector": evidence_service.token({"inspector"}, COUNTY),
        "county inspector of a team": evidence_service.token({"inspector"}, COUNTY, inspector=INSPECTOR_1),
        "province approver": evidence_service.token({"approver", "archive_keeper"}, PROVINCE),
    }
    problems = fuzz_service(evidence_service.url, callers, examples=10)
    assert not problems, f"{len(problems)} problems:\n\n" + "\n\n".join(dict.fromkeys(problems))
