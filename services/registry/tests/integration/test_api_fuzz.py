"""API fuzzing from the registry's own OpenAPI description (schemathesis), on the real PostgreSQL.

Every operation gets generated requests (valid and invalid) without a token and as every staff role at a county
and at the province: no 5xx, no stack trace or SQL, every answer as documented (`hrss.testing.fuzzing`).
"""

from __future__ import annotations

import pytest
from registry_testkit import COUNTY, PROVINCE, Running

from hrss.testing.fuzzing import every_role, fuzz_service, operations

pytestmark = pytest.mark.integration

EXAMPLES = 4  # per caller, operation and mode: 13 callers × 4 stay within 1.5× the time 3 callers × 15 took


def test_every_operation_survives_generated_requests_from_every_kind_of_caller(registry: Running) -> None:
    callers = every_role(registry.token, COUNTY, PROVINCE)
    assert len(callers) == 13 and len(operations(registry.url)) == 20
    problems = fuzz_service(registry.url, callers, examples=EXAMPLES)
    assert not problems, f"{len(problems)} problems:\n\n" + "\n\n".join(dict.fromkeys(problems))
