"""API fuzzing from the identity service's own OpenAPI description (schemathesis), on the real PostgreSQL.

Every operation gets generated requests (valid and invalid) per mode, without a token and as every staff role at a
county and the province (the administrators as real accounts): no 5xx, no stack trace or SQL, every answer as
documented (`hrss.testing.fuzzing`).
"""

from __future__ import annotations

import pytest
from identity.entrypoints.openapi import OPENAPI
from identity_testkit import PROVINCE, Running

from hrss.testing.fuzzing import every_role, fuzz_service, operations

pytestmark = pytest.mark.integration

COUNTY = "330102"
EXAMPLES = 5  # per caller, operation and mode: 13 callers × 5 stay within 1.5× the time 2 callers × 25 took


def test_every_operation_survives_generated_requests_with_and_without_a_token(identity: Running) -> None:
    admins = {
        "province_admin": identity.create_admin()[0],
        "county_admin": identity.create_admin(COUNTY, login="county-admin", name="县管理员")[0],
    }

    def token_for(roles: set[str], node: str) -> str:
        (role,) = roles
        return identity.token(roles, node, admins.get(role))  # the other roles: accounts identity does not hold

    callers = every_role(token_for, COUNTY, PROVINCE)
    fuzzed = {(o.method.lower(), o.path) for o in operations(identity.url)}
    described = {(method, path) for path, ops in OPENAPI["paths"].items() for method in ops}
    assert fuzzed == described - {("get", "/openapi.json")} and len(fuzzed) == 15  # every route but the description
    assert len(callers) == 13
    problems = fuzz_service(identity.url, callers, examples=EXAMPLES)
    assert not problems, f"{len(problems)} problems:\n\n" + "\n\n".join(dict.fromkeys(problems))
