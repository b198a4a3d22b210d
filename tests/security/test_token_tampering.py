"""Every documented operation of every service, called with every kind of bad token the probe tried (none, expired,
signature flipped or dropped, alg "none", HS256 keyed with the public key, payload widened under the old
signature, another key, another audience or issuer, not yet valid, garbage): 401 with a JSON code, never 2xx,
never 5xx, no stack trace, exception name, SQL or file path in the answer (issue 17)."""

from __future__ import annotations

import pytest
import requests
from owned_world import Replay
from replay_kit import COUNTY, CREDENTIALS_IN_BODY, Operation, body_of, call, operations, path_values, url_of

pytestmark = pytest.mark.integration

OPERATIONS = operations()


@pytest.mark.parametrize("op", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_a_tampered_token_is_refused_as_401_with_a_code_and_nothing_leaks(replay: Replay, op: Operation) -> None:
    session = requests.Session()
    url = url_of(op, replay.urls[op.service], path_values(op))
    problems: list[str] = []
    for name, make in replay.minter.tampered({"county_admin", "planner"}, COUNTY).items():
        token = make()
        data = b"%PDF-1.4 tampered" if op.streams else None
        answer = call(session, op.method, url, f"{op.label} [{name}]", token=token, body=body_of(op), data=data)
        problems += answer.faults(authenticated=token is not None)
        if (op.service, op.method, op.path) in CREDENTIALS_IN_BODY:
            # the credentials are in the body; whatever the header says, made-up ones open nothing
            if not 400 <= answer.status < 500:
                problems.append(f"{answer.what}: {answer.status} for made-up credentials {answer.response.text[:200]}")
        elif name == "no_token" and op.anonymous:
            if answer.status >= 500 or answer.status == 401:
                problems.append(f"{answer.what}: the public operation answered {answer.status} without a token")
        elif answer.status != 401 or not str(answer.code).startswith("auth."):
            problems.append(f"{answer.what}: {answer.status} {answer.response.text[:200]} (want 401 auth.*)")
        elif "Bearer" not in answer.response.headers.get("WWW-Authenticate", ""):
            problems.append(f"{answer.what}: a 401 without a WWW-Authenticate: Bearer challenge")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_a_token_longer_than_a_header_line_gets_no_5xx_and_no_leak(replay: Replay) -> None:
    """Past eventlet's 8 KiB header line the web server answers before the platform's code runs."""
    token = "A" * 20_000
    for service, url in replay.urls.items():
        answer = requests.get(f"{url}/openapi.json", headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert answer.status_code in (400, 431), f"{service}: {answer.status_code}"
        assert "Traceback" not in answer.text and "eventlet" not in answer.text.lower(), answer.text


def test_the_running_services_describe_exactly_the_operations_replayed(replay: Replay) -> None:
    """The cases come from the openapi modules; each running service serves the same document."""
    replayed = {(op.service, op.method, op.path) for op in OPERATIONS}
    served = set()
    for service, url in replay.urls.items():
        document = requests.get(f"{url}/openapi.json", timeout=30).json()
        served |= {(service, m, p) for p, item in document["paths"].items() for m in item if p != "/openapi.json"}
    assert served == replayed and len(replayed) > 100
