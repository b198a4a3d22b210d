"""The evidence API against its own OpenAPI description: the description names exactly the routes served, and
generated requests (schemathesis, valid and invalid) from anonymous and every role at the county and the province
(inspectors linked to a visit's team, and one not linked), on the real PostgreSQL, Kafka and
MinIO, get no 5xx, no stack trace or SQL, and only answers the description documents (`hrss.testing.fuzzing`)."""

from __future__ import annotations

import pytest
from evidence.entrypoints.openapi import OPENAPI
from evidence.entrypoints.service import EvidenceService
from evidence_testkit import COUNTY, INSPECTOR_1, PROVINCE, Running

from hrss.testing.fuzzing import every_role, fuzz_service, operations
from hrss.testing.routes import documented_routes, served_routes

pytestmark = pytest.mark.integration

EXAMPLES = 3  # per caller, operation and mode: 15 callers × 3 stay within 1.5× the time 4 callers × 10 took


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

    def token_for(roles: set[str], node: str) -> str:
        return evidence_service.token(roles, node, inspector=INSPECTOR_1 if "inspector" in roles else None)

    callers = {
        **every_role(token_for, COUNTY, PROVINCE),
        "inspector@130102 without a registry link": evidence_service.token({"inspector"}, COUNTY),
        "approver and archive keeper@130000": evidence_service.token({"approver", "archive_keeper"}, PROVINCE),
    }
    assert len(callers) == 15
    problems = fuzz_service(evidence_service.url, callers, examples=EXAMPLES)
    assert not problems, f"{len(problems)} problems:\n\n" + "\n\n".join(dict.fromkeys(problems))
