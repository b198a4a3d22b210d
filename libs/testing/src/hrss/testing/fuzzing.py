"""API fuzzing from a service's own OpenAPI description (schemathesis) against the running service.

For every operation, a bounded, seeded number of generated requests (valid and invalid) per caller: no 5xx, no
stack trace or SQL in any answer, and every answer has a status code, content type and body the description
documents. The same cases run every time (the seed is the operation, mode and caller). The callers are anonymous
and every staff role at the service's county and province (`every_role`), so a refusal path of one role cannot
hide a fault another role's path reaches.
"""

from __future__ import annotations

import itertools
import tempfile
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from hrss.auth.roles import STAFF_ROLES, Role, allowed_at
from hrss.contracts import Node

LEAKS = ("Traceback", "sqlalchemy", "psycopg2", "SELECT ", "INSERT ")


def leaked(text: str) -> list[str]:
    """The tell-tales of a stack trace or of SQL in an answer (case-insensitive)."""
    return [leak for leak in LEAKS if leak.lower() in text.lower()]


def every_role(
    token_for: Callable[[set[str], str], str], county: str, province: str, *others: str
) -> dict[str, str | None]:
    """Anonymous, and one caller per staff role each node may hold (its level's administrator, planner, inspector,
    approver, archive keeper, auditor) at `county`, `province` and `others`: caller name → token (None: no token).

    `token_for(roles, node)` mints the token; a service whose inspectors are linked to a registry inspector gives
    the inspector's token its inspector_id and credential_no there.
    """
    callers: dict[str, str | None] = {"anonymous": None}
    for node in (county, province, *others):
        for role in sorted(STAFF_ROLES, key=list(Role).index):
            if allowed_at(role, Node(node)):
                callers[f"{role.value}@{node}"] = token_for({role.value}, node)
    return callers


def operations(base_url: str) -> list[Any]:
    """The operations `base_url/openapi.json` describes."""
    import schemathesis

    schema = schemathesis.openapi.from_url(base_url + "/openapi.json", timeout=30)
    return [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]


def fuzz_service(base_url: str, callers: Mapping[str, str | None], examples: int = 25) -> list[str]:
    """Problems found over every operation, generation mode and caller (name → token or None), `examples`
    generated requests per caller for each operation and mode."""
    from schemathesis import GenerationMode

    problems: list[str] = []
    for operation in operations(base_url):
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            problems += fuzz(operation, mode, base_url, callers, examples)
    return problems


def fuzz(operation: Any, mode: Any, base_url: str, callers: Mapping[str, str | None], examples: int) -> list[str]:
    """The problems found for one operation and mode (empty when none), the callers taking the cases in turn.

    One Hypothesis run per operation and mode, not per caller: building a run and its strategy costs more than a
    request, and with a dozen roles that cost would dominate. The caller index is drawn too, so an operation
    with nothing to generate (no parameters, no body) still runs at least once per caller before Hypothesis finds
    its space exhausted; the turn, not the draw, picks the caller, so each gets its share.
    """
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
    names = list(callers)
    cases = operation.as_strategy(generation_mode=mode)
    turn = itertools.count()

    @seed(zlib.crc32(f"{operation.label} {mode.value}".encode()))
    @settings(
        max_examples=examples * len(names),
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        data.draw(st.integers(0, len(names) - 1))
        case = data.draw(cases)
        caller = names[next(turn) % len(names)]
        headers = {"Authorization": f"Bearer {callers[caller]}"} if callers[caller] else None
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
    if (sent := next(turn)) < len(names):
        problems.append(f"{operation.label} [{mode.value}]: only {sent} cases, so not every caller had one")
    return problems
