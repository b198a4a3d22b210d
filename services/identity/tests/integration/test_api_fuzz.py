"""API fuzzing from the identity service's own OpenAPI description (schemathesis), on the real PostgreSQL.

Every operation gets 25 generated requests (valid and invalid) per mode, without a token and with a province
administrator's token: no 5xx, no stack trace or SQL, every answer as documented (`hrss.testing.fuzzing`).
"""

from __future__ import annotations

import pytest
from identity.entrypoints.openapi import OPENAPI
from identity_testkit import PROVINCE, Running

from hrss.testing.fuzzing import fuzz_service, operations

pytestmark = pytest.mark.integration


def test_every_operation_survives_generated_requests_with_and_without_a_token(identity: Running) -> None:
    account_id, _ = identity.create_admin()
    admin = identity.token({"province_admin"}, PROVINCE, account_id)
    fuzzed = {(o.method.lower(), o.path) for o in operations(identity.url)}
    described = {(method, path) for path, ops in OPENAPI["paths"].items() for method in ops}
    assert fuzzed == described - {("get", "/openapi.json")} and len(fuzzed) == 15  # every route but the description
    problems = fuzz_service(identity.url, {"anonymous": None, "admin": admin})
    assert not problems, f"{len(problems)} problems:\n\n" + "\n\n".join(dict.fromkeys(problems))
