"""API fuzzing from a service's own OpenAPI description (schemathesis) against the running service.

For every operation, a bounded, seeded number of generated requests (valid and invalid) per caller: no 5xx, no
stack trace or SQL in any answer, and every answer has a status code, content type and body the description
documents. The same cases run every time (the seed is the operation, mode and caller).
"""

from __future__ import annotations

import tempfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

LEAKS = ("Traceback", "sqlalchemy", "psycopg2", "SELECT ", "INSERT ")


def leaked(text: str) -> list[str]:
    """The tell-tales of a stack trace or of SQL in an answer (case-insensitive)."""
    return [leak for leak in LEAKS if leak.lower() in text.lower()]


def operations(base_url: str) -> list[Any]:
    """The operations `base_url/openapi.json` describes."""
    import schemathesis

    schema = schemathesis.openapi.from_url(base_url + "/openapi.json", timeout=30)
    return [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]


def fuzz_service(base_url: str, callers: Mapping[str, str | None], examples: int = 25) -> list[str]:
    """Problems found over every operation, caller (name → token or None) and generation mode."""
    from schemathesis import GenerationMode

    problems: list[str] = []
    for operation in operations(base_url):
        for caller, token in callers.items():
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                problems += fuzz(operation, mode, base_url, caller, token, examples)
    return problems


def fuzz(operation: Any, mode: Any, base_url: str, caller: str, token: str | None, examples: int) -> list[str]:
    """The problems found for one operation, caller and mode (empty when none)."""
    from hypothesis import HealthCheck, Phase, given, seed, settings
    from hypothesis import strategies as st
    from hypothesis.configuration import set_hypothesis_home_dir
    from schemathesis.checks import not_a_server_error
    from schemathesis.errors import FailureGroup
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "hrss-hypothesis")  # not .hypothesis/ in the checkout
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    problems: list[str] = []
    headers = {"Authorization": f"Bearer {token}"} if token else None

    @seed(zlib.crc32(f"{operation.label} {mode.value} {caller}".encode()))
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(operation.as_strategy(generation_mode=mode))
        response = case.call(base_url=base_url, headers=headers, timeout=30)
        where = f"{operation.label} [{mode.value}, {caller}] -> {response.status_code}"
        if response.status_code >= 500:
            problems.append(f"{where}: server error {response.text[:300]}\n{case.as_curl_command(headers=headers)}")
        if found := leaked(response.text):
            problems.append(f"{where}: leaks {found}: {response.text[:300]}\n{case.as_curl_command(headers=headers)}")
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except (AssertionError, FailureGroup) as failure:  # one failure, or a group naming each failed check
            problems.append(f"{where}: {str(failure).strip()[:600]}")

    run()
    return problems
