"""The inspection API under generated requests (schemathesis, valid and invalid) from anonymous and every role at
the county and the province (its inspectors linked to a team member), a city administrator and a sibling county's
planner, on the real PostgreSQL and Kafka: no 5xx, no stack trace or SQL, only documented answers
(`hrss.testing.fuzzing`)."""

from __future__ import annotations

import pytest
from inspection.entrypoints.openapi import OPENAPI
from inspection_testkit import CITY, COUNTY_A, COUNTY_B, PROVINCE, assignment, envelope, member, send, task, uscc

from hrss.testing.fuzzing import every_role, fuzz_service, operations
from hrss.testing.routes import documented_routes

pytestmark = pytest.mark.integration

EXAMPLES = 4  # per caller, operation and mode: 16 callers × 4 stay within 1.5× the time 5 callers × 10 took


def test_every_operation_survives_generated_requests_from_every_kind_of_caller(inspection_service):
    s = inspection_service
    dispatch = assignment(1, [task("劳动用工专项", [("wages", "工资支付")])], [member(1), member(2)])
    send(s.broker, envelope(dispatch, str(dispatch.assignment_id), COUNTY_A))
    s.visit_of(uscc(1))
    served = s.call("GET", "/openapi.json", None)
    assert served.status_code == 200 and served.json() == OPENAPI
    fuzzed = {(o.method.lower(), o.path) for o in operations(s.url)}
    assert fuzzed == documented_routes(OPENAPI) - {("get", "/openapi.json")}
    lead = str(member(1).inspector_id)  # the visit's team leader: an inspector reaches past "not yours"
    callers = {
        **every_role(
            lambda roles, node: s.token(roles, node, inspector=lead if "inspector" in roles else None),
            COUNTY_A,
            PROVINCE,
        ),
        "county approver and admin": s.token({"approver", "county_admin"}, COUNTY_A),
        "city_admin@" + CITY: s.token({"city_admin"}, CITY),
        "planner@" + COUNTY_B: s.token({"planner"}, COUNTY_B),
    }
    assert len(callers) == 16
    problems = fuzz_service(s.url, callers, examples=EXAMPLES)
    assert not problems, f"{len(problems)} problems:\n\n" + "\n\n".join(dict.fromkeys(problems))
