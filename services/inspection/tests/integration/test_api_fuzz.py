"""The inspection API under generated requests (schemathesis, valid and invalid) from every kind of caller, on the
real PostgreSQL and Kafka: no 5xx, no stack trace or SQL, only documented answers (`hrss.testing.fuzzing`)."""

from __future__ import annotations

import pytest
from inspection.entrypoints.openapi import OPENAPI
from inspection_testkit import CITY, COUNTY_A, COUNTY_B, assignment, envelope, member, send, task, uscc

from hrss.testing.fuzzing import fuzz_service, operations
from hrss.testing.routes import documented_routes

pytestmark = pytest.mark.integration


def test_every_operation_survives_generated_requests_from_every_kind_of_caller(inspection_service):
    s = inspection_service
    dispatch = assignment(1, [task("劳动用工专项", [("wages", "工资支付")])], [member(1), member(2)])
    send(s.broker, envelope(dispatch, str(dispatch.assignment_id), COUNTY_A))
    s.visit_of(uscc(1))
    served = s.call("GET", "/openapi.json", None)
    assert served.status_code == 200 and served.json() == OPENAPI
    fuzzed = {(o.method.lower(), o.path) for o in operations(s.url)}
    assert fuzzed == documented_routes(OPENAPI) - {("get", "/openapi.json")}
    callers = {
        "anonymous": None,
        "county inspector": s.token({"inspector"}, COUNTY_A, inspector=str(member(1).inspector_id)),
        "county approver": s.token({"approver", "county_admin"}, COUNTY_A),
        "city admin": s.token({"city_admin"}, CITY),
        "other county planner": s.token({"planner"}, COUNTY_B),
    }
    problems = fuzz_service(s.url, callers, examples=10)
    assert not problems, f"{len(problems)} problems:\n\n" + "\n\n".join(dict.fromkeys(problems))
