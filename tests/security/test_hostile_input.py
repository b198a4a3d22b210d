"""Every documented operation of every service, fed what the probe fed them, by a signed-in province administrator
(who passes the access checks, so the input itself is what is tested): a body over the limit (413) or without a
length (411), JSON nested past the parser (400), a body of another type, invalid UTF-8, and in every field of an
otherwise valid body a huge string, NUL, a bidi override or a number out of range; hostile path and query values
too. Always a 4xx with a JSON code (naming the field when the schema bounds it), never a 5xx or a leak (issue 17)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import pytest
import requests
from owned_world import Replay
from replay_kit import PROVINCE, Answer, Operation, body_of, call, operations, path_values, url_of

pytestmark = pytest.mark.integration

OPERATIONS = operations()
JSON_WRITES = [op for op in OPERATIONS if op.writes and not op.streams]
WITH_FIELDS = [op for op in JSON_WRITES if op.body_schema is not None]
WITH_INPUT = [op for op in OPERATIONS if op.path_names or op.query_parameters]
ROLES = {"province_admin", "planner", "archive_keeper", "approver"}  # every check but the inspector's passes
HUGE = "x" * 200_000  # under the body limit, over any field's
LIMIT = 1_000_000


Field = tuple[tuple[Any, ...], Any]


def _fields(op: Operation, schema: Any, value: Any, path: tuple[Any, ...] = ()) -> Iterator[Field]:
    """(path in the body, schema) of every string and number the example body carries."""
    schema = op.resolve(schema)
    if "anyOf" in schema:
        usable = [op.resolve(s) for s in schema["anyOf"] if op.resolve(s).get("type") != "null"]
        schema = usable[0] if usable else schema
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _fields(op, schema.get("properties", {}).get(key, {}), item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _fields(op, schema.get("items", {}), item, (*path, index))
    elif isinstance(value, (str, int)) and not isinstance(value, bool):
        yield path, schema


def _with(body: Any, path: tuple[Any, ...], value: Any) -> Any:
    changed = copy.deepcopy(body)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def _names_field(answer: Answer, path: tuple[Any, ...]) -> bool:
    """True if the refusal names the field: in `errors[].field`, or in the message."""
    body = answer.json if isinstance(answer.json, dict) else {}
    named = [str(e.get("field", "")) for e in body.get("errors", []) if isinstance(e, dict)]
    named.append(str(body.get("message", "")))
    dotted = ".".join(str(p) for p in path)
    return any(dotted in text or str(path[-1]) in text for text in named)


@pytest.fixture(scope="module")
def admin(replay: Replay) -> str:
    return replay.minter.token(ROLES, PROVINCE)


@pytest.mark.parametrize("op", JSON_WRITES, ids=[op.label for op in JSON_WRITES])
def test_bodies_that_are_too_big_unbounded_too_deep_or_not_json_are_refused_with_a_code(
    replay: Replay, admin: str, op: Operation
) -> None:
    session = requests.Session()
    url = url_of(op, replay.urls[op.service], path_values(op))
    json_type = {"Content-Type": "application/json"}
    cases: list[tuple[str, bytes | Iterator[bytes], dict[str, str], set[int]]] = [
        ("over the limit", b'{"x": "' + b"a" * LIMIT + b'"}', json_type, {413}),
        ("chunked", iter([b'{"x":', b' "y"}']), json_type, {411}),
    ]
    cases += (
        []
        if op.body_schema is None
        else [  # an operation without a body does not read one
            ("nested 100000 deep", b"[" * 100_000, json_type, {400}),
            ("xml", b"<?xml version='1.0'?><a>1</a>", {"Content-Type": "application/xml"}, {400, 415}),
            ("form", b"reason=x&node=130102", {"Content-Type": "application/x-www-form-urlencoded"}, {400, 415}),
            ("invalid utf-8", b'{"reason": "\xff\xfe\xc3\x28"}', json_type, {400}),
            ("a bare string", b'"x"', json_type, {400}),
        ]
    )
    problems: list[str] = []
    for name, data, headers, wanted in cases:
        what = f"{op.label} [{name}]"
        answer = call(session, op.method, url, what, token=admin, data=data, headers=headers)  # type: ignore[arg-type]
        problems += answer.faults(authenticated=True)
        if answer.status not in wanted:
            problems.append(f"{what}: {answer.status} {answer.response.text[:200]} (want {sorted(wanted)})")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


@pytest.mark.parametrize("op", WITH_FIELDS, ids=[op.label for op in WITH_FIELDS])
def test_hostile_values_in_every_field_get_a_4xx_naming_the_field_never_a_5xx(
    replay: Replay, admin: str, op: Operation
) -> None:
    session = requests.Session()
    url = url_of(op, replay.urls[op.service], path_values(op))
    body = body_of(op)
    problems: list[str] = []
    for path, schema in _fields(op, op.body_schema, body):
        numeric = schema.get("type") in ("integer", "number")
        values: dict[str, Any] = {"huge int": 10**30, "negative": -(2**63) - 1}
        if not numeric:
            values = {"huge": HUGE, "nul": "a\x00b", "bidi": "invoice\u202egnp.pdf", "zero width": "ad\u200bmin"}
        for name, value in values.items():
            what = f"{op.label} [{'.'.join(map(str, path))} {name}]"
            answer = call(session, op.method, url, what, token=admin, body=_with(body, path, value))
            problems += answer.faults(authenticated=True)
            bounded = (name == "huge" and "maxLength" in schema) or name == "nul"
            bounded |= (name == "huge int" and "maximum" in schema) or (name == "negative" and "minimum" in schema)
            if bounded and not (answer.status == 400 and _names_field(answer, path)):
                problems.append(f"{what}: {answer.status} {answer.response.text[:200]} (want 400 naming the field)")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


@pytest.mark.parametrize("op", WITH_INPUT, ids=[op.label for op in WITH_INPUT])
def test_hostile_path_and_query_values_get_a_4xx_never_a_5xx(replay: Replay, admin: str, op: Operation) -> None:
    session = requests.Session()
    base = path_values(op)
    body = body_of(op)
    data = b"%PDF-1.4 hostile" if op.streams else None
    hostile = {"nul": "a%00b", "long": "9" * 4000, "traversal": "..%2F..%2Fetc", "quote": "1'--", "bidi": "%E2%80%AE1"}
    problems: list[str] = []
    for name, value in hostile.items():
        for parameter in op.path_names:
            url = url_of(op, replay.urls[op.service], {**base, parameter: value})
            what = f"{op.label} [{parameter} {name}]"
            answer = call(session, op.method, url, what, token=admin, body=body, data=data)
            problems += answer.faults(authenticated=True)
            if answer.status < 400:
                problems.append(f"{answer.what}: {answer.status} for a {name} path value")
        for parameter in op.query_parameters:
            url = url_of(op, replay.urls[op.service], base)
            params = {parameter["name"]: unquote(value)}
            what = f"{op.label} [?{parameter['name']} {name}]"
            answer = call(session, op.method, url, what, token=admin, body=body, params=params, data=data)
            problems += answer.faults(authenticated=True)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
