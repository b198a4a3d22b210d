"""Every documented operation of every service, called on county 130102's things by every role of a sibling county
(130104) and of another city (130200), and by a sibling county's own service: never 2xx on what is not theirs,
never 5xx, nothing of 130102's in the answer, and "not yours" answered exactly like "does not exist" (issue 17)."""

from __future__ import annotations

import re
import uuid

import pytest
import requests
from owned_world import ATTACKERS, Replay
from replay_kit import COUNTY, SIBLING_COUNTY, Answer, Operation, body_of, call, operations, path_values, url_of

pytestmark = pytest.mark.integration

OPERATIONS = operations()
NODE_QUERIES = frozenset({"node", "region", "parent", "implementing"})  # query parameters that name a node
# Reference data every signed-in person may read, whichever node: the region table.
REFERENCE = frozenset({("registry", "get", "/regions/{code}")})
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _addresses_owned(op: Operation, owned: dict[str, str]) -> bool:
    """True if the path names one of 130102's things or 130102 itself. (A list filtered by `?node=130102` may answer
    200 with nothing of 130102's in it: the markers say whether it did.)"""
    return any(name in owned or name in ("node", "code") for name in op.path_names)


def _shape(answer: Answer, sent: dict[str, str]) -> tuple[int, str | None, str]:
    """Status, code and message with what the caller sent blanked: what tells "not yours" from "does not exist"."""
    body = answer.json if isinstance(answer.json, dict) else {}
    message = str(body.get("message", ""))
    for name, value in sent.items():
        message = message.replace(value, f"<{name}>")
    return answer.status, answer.code, _UUID.sub("<id>", message)


def _attackers(replay: Replay) -> list[tuple[str, str]]:
    """(who, token): every role of both nodes, an inspector linked to an inspector record, and a county's service."""
    minter, found = replay.minter, []
    for node, role in ATTACKERS:
        inspector = str(uuid.uuid4()) if role == "inspector" else None
        found.append((f"{role}@{node}", minter.token({role}, node, inspector=inspector)))
    found.append((f"service:draw@{SIBLING_COUNTY}", minter.service_token(SIBLING_COUNTY)))
    return found


@pytest.mark.parametrize("op", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_no_role_of_another_node_reaches_the_countys_things(replay: Replay, op: Operation) -> None:
    session, world = requests.Session(), replay.world
    values = path_values(op, world.owned)
    url = url_of(op, replay.urls[op.service], values)
    params = {q["name"]: COUNTY for q in op.query_parameters if q["name"] in NODE_QUERIES}
    body = body_of(op)
    data = b"%PDF-1.4 cross-node" if op.streams else None
    sent = url + str(params) + str(body)
    secrets = [m for m in world.markers if m not in sent]  # what the attacker did not already know
    owned = [name for name in op.path_names if name in world.owned]
    nobody_values = path_values(op)
    nobody_url = url_of(op, replay.urls[op.service], nobody_values) if owned else None
    problems: list[str] = []
    for who, token in _attackers(replay):
        answer = call(session, op.method, url, f"{op.label} [{who}]", token=token, body=body, params=params, data=data)
        problems += answer.faults(authenticated=True)
        if found := [m for m in secrets if m in answer.response.text]:
            problems.append(f"{answer.what} -> {answer.status}: shows 130102's {found}")
        reference = (op.service, op.method, op.path) in REFERENCE
        if 200 <= answer.status < 300 and _addresses_owned(op, world.owned) and not reference:
            problems.append(f"{answer.what} -> {answer.status}: reached 130102's {answer.response.text[:200]}")
        if 200 <= answer.status < 300 and op.writes and not _all_refused(answer):
            problems.append(f"{answer.what} -> {answer.status}: a write of another node went through")
        if nobody_url is not None and answer.status < 500:
            nobody = call(session, op.method, nobody_url, answer.what, token=token, body=body, params=params, data=data)
            theirs, no_such = _shape(answer, values), _shape(nobody, nobody_values)
            if theirs != no_such:
                problems.append(f"{answer.what}: 'not yours' {theirs} differs from 'no such' {no_such}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def _all_refused(answer: Answer) -> bool:
    """A batch answered entry by entry (inspection's field batches): every entry refused."""
    entries = answer.json.get("answers") if isinstance(answer.json, dict) else None
    return isinstance(entries, list) and bool(entries) and all(e.get("status") == "refused" for e in entries)


def test_the_owner_sees_what_the_attackers_may_not(replay: Replay) -> None:
    """The markers are real: 130102's administrator finds them where the attackers found nothing."""
    token = replay.minter.token({"county_admin", "planner"}, COUNTY)
    owned = replay.world.owned
    for service, path in (
        ("identity", f"/accounts?node={COUNTY}"),
        ("registry", f"/entities/{owned['entity_id']}"),
        ("registry", f"/inspectors/{owned['inspector_id']}"),
        ("registry", f"/checklist/{owned['item_id']}"),
        ("planning", f"/plans?node={COUNTY}"),
        ("planning", f"/plans/{owned['plan_id']}"),
        ("inspection", f"/nodes/{COUNTY}/settings"),
    ):
        answer = requests.get(replay.urls[service] + path, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert answer.status_code == 200, f"{service} {path}: {answer.status_code} {answer.text[:200]}"
        assert any(m in answer.text for m in replay.world.markers), f"{service} {path}: {answer.text[:200]}"
