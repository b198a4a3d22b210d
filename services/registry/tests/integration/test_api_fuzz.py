"""API fuzzing from the registry's own OpenAPI description (schemathesis), on the real PostgreSQL.

Every operation gets generated requests (valid and invalid) without a token, as the province administrator and
as a county planner: no 5xx, no stack trace or SQL, every answer as documented (`hrss.testing.fuzzing`).
"""

from __future__ import annotations

import pytest
from registry_testkit import COUNTY, PROVINCE, Running

from hrss.testing.fuzzing import fuzz_service, operations

pytestmark = pytest.mark.integration


def test_every_operation_survives_generated_requests_from_every_kind_of_caller(registry: Running) -> None:
    callers = {
        "anonymous": None,
        "province admin": registry.token({"province_admin"}, PROVINCE),
        "county planner": registry.token({"planner"}, COUNTY),
    }
    assert len(operations(registry.url)) == 20
    problems = fuzz_service(registry.url, callers, examples=15)
    assert not problems, f"{len(problems)} problems:\n\n" + "\n\n".join(dict.fromkeys(problems))
