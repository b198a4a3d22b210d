"""API fuzzing from the service's own OpenAPI description (schemathesis), on the real PostgreSQL.

For every operation in /openapi.json, a bounded number of generated requests (valid and invalid), sent without a
token and with a province administrator's token: no 5xx, no stack trace or SQL in any answer, and every answer has
a status code, content type and body the description documents.
"""

from __future__ import annotations

import tempfile
import zlib
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from identity_testkit import PROVINCE, Running
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.integration
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "hrss-hypothesis")  # not .hypothesis/ in the checkout

EXAMPLES = 25  # per operation, caller and generation mode: 1,200 requests, about a minute
LEAKS = ("Traceback", "sqlalchemy", "psycopg2", "SELECT ", "INSERT ")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def leaked(text: str) -> list[str]:
    """The tell-tales of a stack trace or of SQL in an answer (case-insensitive)."""
    return [leak for leak in LEAKS if leak.lower() in text.lower()]


def fuzz(operation: Any, mode: GenerationMode, identity: Running, token: str | None) -> list[str]:
    """The problems found for one operation, caller and mode (empty when none)."""
    problems: list[str] = []
    headers = {"Authorization": f"Bearer {token}"} if token else None
    caller = "admin" if token else "anonymous"

    @seed(zlib.crc32(f"{operation.label} {mode.value} {caller}".encode()))  # the same cases on every run
    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(operation.as_strategy(generation_mode=mode))
        response = case.call(base_url=identity.url, headers=headers, timeout=30)
        where = f"{operation.label} [{mode.value}, {caller}] -> {response.status_code}"
        if response.status_code >= 500:
            problems.append(f"{where}: server error {response.text[:300]}\n{case.as_curl_command(headers=headers)}")
        if found := leaked(response.text):
            problems.append(f"{where}: leaks {found}: {response.text[:300]}\n{case.as_curl_command(headers=headers)}")
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, FailureGroup) as failure:  # one failure, or a group naming each failed check
            problems.append(f"{where}: {str(failure).strip()[:600]}")

    run()
    return problems


def test_every_operation_survives_generated_requests_with_and_without_a_token(identity: Running) -> None:
    account_id, _ = identity.create_admin()
    admin = identity.token({"province_admin"}, PROVINCE, account_id)
    schema = schemathesis.openapi.from_url(identity.url + "/openapi.json", timeout=30)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 12

    problems: list[str] = []
    for operation in operations:
        for token in (None, admin):
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                problems += fuzz(operation, mode, identity, token)

    assert not problems, f"{len(problems)} problems:\n\n" + "\n\n".join(dict.fromkeys(problems))
