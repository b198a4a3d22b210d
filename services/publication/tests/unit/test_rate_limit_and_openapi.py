"""The per-address token bucket, and the OpenAPI document: every public operation takes no credentials."""

from __future__ import annotations

from publication.domain.ratelimit import RateLimiter
from publication.entrypoints.openapi import OPENAPI, STAFF


def test_a_burst_is_allowed_then_the_caller_waits_and_others_do_not() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=60, burst=3, clock=lambda: now[0])
    assert [limiter.take("a") for _ in range(3)] == [0, 0, 0]
    assert limiter.take("a") == 1  # one token a second
    assert limiter.take("b") == 0
    now[0] += 1.0
    assert limiter.take("a") == 0


def test_public_operations_need_no_token_and_the_staff_ones_do() -> None:
    for path, operations in OPENAPI["paths"].items():
        for operation in operations.values():
            assert ("security" in operation and operation["security"] == []) or path in (*STAFF, "/openapi.json")
    for path in STAFF:
        for operation in OPENAPI["paths"][path].values():
            assert operation["security"] == [{"bearer": []}]
    assert "429" in OPENAPI["paths"]["/results"]["get"]["responses"]
