"""The evidence API against its own OpenAPI description: the description names exactly the routes served, and
generated requests (schemathesis, valid and invalid) from every kind of caller, on the real PostgreSQL, Kafka and
MinIO, get no 5xx, no stack trace or SQL, and only answers the description documents (`hrss.testing.fuzzing`)."""

from __future__ import annotations

import pytest
from evidence.entrypoints.openapi import OPENAPI
from evidence.entrypoints.service import EvidenceService
from evidence_testkit import COUNTY, INSPECTOR_1, PROVINCE, Running

from hrss.testing.fuzzing import fuzz_service, operations
from hrss.testing.routes import documented_routes, served_routes

pytestmark = pytest.mark.integration


def test_the_openapi_description_names_exactly_the_routes_the_service_serves() -> None:
    served = served_routes(EvidenceService)
    assert ("post", "/evidence") in served and ("get", "/openapi.json") in served
    assert served - documented_routes(OPENAPI) == set(), "served but not described"
    assert documented_routes(OPENAPI) - served == set(), "described but not served"


def test_every_operation_survives_generated_requests_from_every_kind_of_caller(evidence_service: Running) -> None:
    served = evidence_service.call("GET", "/openapi.json", None)
    assert served.status_code == 200 and served.json() == OPENAPI
    fuzzed = {(o.method.lower(), o.path) for o in operations(evidence_service.url)}
    assert fuzzed == documented_routes(OPENAPI) - {("get", "/openapi.json")}
    callers = {
        "anonymous": None,
        "county inspector": evidence_service.token({"inspector"}, COUNTY),
        "county inspector of a team": evidence_service.token({"inspector"}, COUNTY, inspector=INSPECTOR_1),
        "province approver": evidence_service.token({"approver", "archive_keeper"}, PROVINCE),
    }
    problems = fuzz_service(evidence_service.url, callers, examples=10)
    assert not problems, f"{len(problems)} problems:\n\n" + "\n\n".join(dict.fromkeys(problems))
