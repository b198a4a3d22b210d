"""What the attack replay needs to know about the services: every documented operation (from each service's own
OpenAPI module), a minimal valid request for it, and what a refusal must look like (no 5xx, no leak, the headers).

The operations are read from the documents, not listed by hand, so a new endpoint is attacked the day it is
described; `test_documents` checks that the running services describe exactly these operations.
"""

from __future__ import annotations

import importlib
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from hrss.contracts.uscc import uscc_with_check

SERVICES = ("identity", "registry", "planning", "draw", "inspection", "evidence")
METHODS = ("get", "post", "put", "patch", "delete")

PROVINCE = "130000"  # 河北省, served by the central platform
CITY = "130100"  # 石家庄市
COUNTY = "130102"  # 长安区: owns the resources the attackers go after
SIBLING_COUNTY = "130104"  # 桥西区, same city
OTHER_CITY = "130200"  # 唐山市

# Operations a caller uses before holding an access token (the credentials are in the body), and the public
# draw list, which anyone may read without a token (a presented token is still checked).
ANONYMOUS = frozenset(
    {
        ("identity", "post", "/auth/login"),
        ("identity", "post", "/auth/refresh"),
        ("identity", "post", "/auth/enrol"),
        ("identity", "post", "/auth/enrol/confirm"),
        ("draw", "get", "/draws/{draw_id}/public"),
    }
)
CREDENTIALS_IN_BODY = frozenset(key for key in ANONYMOUS if key[0] == "identity")

# The tell-tales of a fault shown to a caller: a stack, an exception's name, SQL, a driver, a source file.
_LEAKS = re.compile(
    r"Traceback|File \"|\.py\b|site-packages|/work/|/home/|sqlalchemy|psycopg|asyncpg|werkzeug|nameko|eventlet"
    r"|\b(?:SELECT|INSERT|UPDATE|DELETE)\s+\S+\s+(?:FROM|INTO|SET)\b|\b[A-Z][A-Za-z]+(?:Error|Exception)\b",
)


def leaks(text: str) -> list[str]:
    """What of a stack trace, exception name, SQL or file path an answer shows (empty when nothing)."""
    return sorted({m.group(0) for m in _LEAKS.finditer(text)})


@dataclass(frozen=True)
class Operation:
    service: str
    method: str
    path: str
    spec: Mapping[str, Any]
    components: Mapping[str, Any]

    @property
    def label(self) -> str:
        return f"{self.service} {self.method.upper()} {self.path}"

    @property
    def anonymous(self) -> bool:
        return (self.service, self.method, self.path) in ANONYMOUS

    @property
    def writes(self) -> bool:
        return self.method != "get"

    @property
    def body_schema(self) -> Mapping[str, Any] | None:
        content = self.spec.get("requestBody", {}).get("content", {})
        return content.get("application/json", {}).get("schema")

    @property
    def streams(self) -> bool:
        """True for an upload whose body is the file itself (evidence)."""
        return "application/octet-stream" in self.spec.get("requestBody", {}).get("content", {})

    @property
    def path_names(self) -> list[str]:
        return re.findall(r"{([^{}]+)}", self.path)

    @property
    def query_parameters(self) -> list[Mapping[str, Any]]:
        return [p for p in self.spec.get("parameters", []) if p.get("in") == "query"]

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        while "$ref" in schema:
            schema = self.components[schema["$ref"].rsplit("/", 1)[1]]
        return schema


def documents() -> dict[str, dict[str, Any]]:
    """Each service's OpenAPI document, from its own module (what `/openapi.json` serves)."""
    return {s: importlib.import_module(f"{s}.entrypoints.openapi").OPENAPI for s in SERVICES}


def operations() -> list[Operation]:
    """Every documented operation of every service, less the description itself."""
    found = []
    for service, document in documents().items():
        schemas = document.get("components", {}).get("schemas", {})
        for path, item in document["paths"].items():
            for method, spec in item.items():
                if method in METHODS and path != "/openapi.json":
                    found.append(Operation(service, method, path, spec, schemas))
    return found


# ---- minimal valid requests ---------------------------------------------------------------------------------------

_KNOWN = {  # a field's name says more than its schema
    "node": COUNTY,
    "region_code": COUNTY,
    "year": 2026,
    "version": 1,
    "uscc": uscc_with_check(f"91{COUNTY}000000001"[:17]),
    "login": "attacker",
    "code": COUNTY,
}
_PATTERNS = {
    r"^[1-9][0-9]{5}$": COUNTY,
    r"^[a-z][a-z0-9_]*$": "attack",
    r"^[0-9A-Za-z]+$": "A1",
    r"^(recheck|closed)$": "recheck",
    r"\S": "x",
}


def example(op: Operation, schema: Mapping[str, Any], name: str = "") -> Any:
    """A small value `schema` accepts (required fields only), with known names filled as the platform expects."""
    schema = op.resolve(schema)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema or "oneOf" in schema:
        options = [op.resolve(s) for s in schema.get("anyOf", schema.get("oneOf", []))]
        usable = [s for s in options if s.get("type") != "null"] or options
        return example(op, usable[0], name)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        required = schema.get("required", [])
        value = {k: example(op, s, k) for k, s in schema.get("properties", {}).items() if k in required}
        if not value and schema.get("minProperties"):
            value = {"k": "v"}
        return value
    if kind == "array":
        return [example(op, schema.get("items", {}), name) for _ in range(schema.get("minItems", 0))]
    if kind == "integer" or kind == "number":
        known = _KNOWN.get(name)
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1 if "exclusiveMinimum" in schema else 0)
        return known if isinstance(known, int) and known >= low and known <= schema.get("maximum", known) else low
    if kind == "boolean":
        return False
    if kind == "string" or kind is None:
        return _string(schema, name)
    return None


def _string(schema: Mapping[str, Any], name: str) -> str:
    fmt = schema.get("format")
    if fmt == "uuid":
        return str(uuid.uuid4())
    if fmt == "date":
        return "2026-06-01"
    if fmt == "date-time":
        return "2026-06-01T00:00:00+08:00"
    if name in _KNOWN and isinstance(_KNOWN[name], str):
        return str(_KNOWN[name])
    if "pattern" in schema:
        return _PATTERNS.get(schema["pattern"], "x")
    return "x" * max(1, schema.get("minLength", 1))


def path_values(op: Operation, given: Mapping[str, str] | None = None) -> dict[str, str]:
    """A value for every path parameter: `given` first, else what its name suggests (ids: fresh UUIDs)."""
    values = {}
    for name in op.path_names:
        if given and name in given:
            values[name] = given[name]
        elif name.endswith("_id"):
            values[name] = str(uuid.uuid4())
        else:
            values[name] = str(_KNOWN.get(name, "1"))
    return values


def url_of(op: Operation, base: str, values: Mapping[str, str]) -> str:
    path = op.path
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    return base + path


def body_of(op: Operation) -> Any:
    schema = op.body_schema
    return example(op, schema) if schema is not None else None


@dataclass
class Answer:
    """One request and its response, and what is wrong with it in general (5xx, leaks, headers, shape)."""

    what: str
    response: requests.Response

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def json(self) -> Any:
        try:
            return self.response.json()
        except ValueError:
            return None

    @property
    def code(self) -> str | None:
        body = self.json
        return body.get("code") if isinstance(body, dict) else None

    def faults(self, authenticated: bool) -> Iterator[str]:
        """Server errors, leaks, a refusal without a JSON code, missing nosniff or no-store."""
        text = self.response.text
        where = f"{self.what} -> {self.status}"
        if self.status >= 500:
            yield f"{where}: server error {text[:300]}"
        if found := leaks(text if self.status >= 400 else text[:0]):
            yield f"{where}: leaks {found}: {text[:300]}"
        if self.status >= 400 and not self.code:
            yield f"{where}: a refusal without a JSON code: {self.response.headers.get('Content-Type')} {text[:200]}"
        if self.response.headers.get("X-Content-Type-Options") != "nosniff":
            yield f"{where}: no X-Content-Type-Options: nosniff"
        if authenticated and "no-store" not in self.response.headers.get("Cache-Control", ""):
            yield f"{where}: an answer to a caller with credentials without Cache-Control: no-store"


def call(
    session: requests.Session,
    method: str,
    url: str,
    what: str,
    *,
    token: str | None = None,
    body: Any = None,
    data: bytes | None = None,
    params: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Answer:
    """One request with a bearer token (if any): JSON `body`, or raw `data`."""
    sent = dict(headers or {})
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    if data is None and body is not None:
        response = session.request(method, url, json=body, params=params, headers=sent, timeout=60)
    else:
        response = session.request(method, url, data=data, params=params, headers=sent, timeout=60)
    return Answer(what, response)
