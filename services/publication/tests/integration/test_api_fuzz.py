"""The public API against its own OpenAPI description: generated requests (schemathesis, valid and invalid) from an
anonymous caller — whom every answer but /withheld is for — and every staff role at a county and the province, with
results, a withheld one and a task announcement kept, on the real PostgreSQL and Kafka, get no 5xx, no stack trace
or SQL, and only answers the description documents (`hrss.testing.fuzzing`). The test config's rate limit (thousands
a minute) is far above the few hundred requests made, so no 429 hides an answer."""

from __future__ import annotations

import pytest
from publication.entrypoints.openapi import OPENAPI
from publication_testkit import COUNTY_A, PROVINCE, Running, approved, decision, send, task_published, uscc, wait_for

from hrss.testing.fuzzing import every_role, fuzz_service, operations
from hrss.testing.routes import documented_routes

pytestmark = pytest.mark.integration

EXAMPLES = 3  # per caller, operation and mode (as evidence and the others since issue 17)


def test_every_operation_survives_generated_requests_from_anyone(publication_service: Running) -> None:
    s = publication_service
    send(s.broker, task_published(), approved(1), decision(1), approved(2, public=False), decision(2, public=False))
    wait_for(lambda: s.get(f"/entities/{uscc(1)}/results").json()["results"], what="a published result")
    fuzzed = {(o.method.lower(), o.path) for o in operations(s.url)}
    assert fuzzed == documented_routes(OPENAPI) - {("get", "/openapi.json")}

    callers = every_role(lambda roles, node: s.token(roles, node), COUNTY_A, PROVINCE)
    assert callers["anonymous"] is None and len(callers) > 10
    problems = fuzz_service(s.url, callers, examples=EXAMPLES)
    assert not problems, f"{len(problems)} problems:\n\n" + "\n\n".join(dict.fromkeys(problems))
    assert s.get("/tasks").status_code == 200  # the limit was never reached: every generated answer was a real one
