"""OpenAPI 3.1 documents built from a service's route table: request bodies are the JSON Schemas of the pydantic
models that parse them, so a description cannot drift from what the service accepts."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

# `{name}` in a path template; text around it in the same segment (`{notice_id}.pdf`) stays literal
_PARAMETER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

NODE_SCHEMA = {"type": "string", "pattern": "^[1-9][0-9]{5}$", "example": "130102"}

# (method, path, summary, body model, success status, query parameters)
Route = tuple[str, str, str, type[BaseModel] | None, int, list[dict[str, Any]]]

_ERROR = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}


def query(name: str, description: str, schema: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A query parameter (a node code unless `schema` says otherwise)."""
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema or NODE_SCHEMA}


def path_parameters(path: str) -> list[str]:
    """The names of the parameters in the path template `path`, in order (`/a/{x}/b/{y}.pdf` → x, y)."""
    return _PARAMETER.findall(path)


def _path_schema(name: str) -> dict[str, Any]:
    if name == "node":
        return dict(NODE_SCHEMA)
    if name.endswith("_id"):
        return {"type": "string", "format": "uuid"}
    return {"type": "string"}


def _success(path: str) -> dict[str, Any]:
    """What a successful answer carries: a PDF for a path ending in `.pdf`, else a JSON object."""
    if path.endswith(".pdf"):
        return {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
    return {"application/json": {"schema": {"type": "object"}}}


def _operation(
    path: str,
    summary: str,
    body: type[BaseModel] | None,
    status: int,
    parameters: list[dict[str, Any]],
    errors: Mapping[str, str],
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "security": [{"bearer": []}],
        "parameters": parameters,
        "responses": {
            str(status): {"description": "成功", "content": _success(path)},
            **{
                code: {
                    "description": text,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                }
                for code, text in errors.items()
            },
        },
    }
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{body.__name__}"}}},
        }
    return operation


def build_openapi(title: str, routes: Sequence[Route], errors: Mapping[str, str]) -> dict[str, Any]:
    """The document for `routes`, with `errors` (status → description) on every operation, and /openapi.json."""
    paths: dict[str, Any] = {}
    components: dict[str, Any] = {"Error": _ERROR}
    for method, path, summary, body, status, extra in routes:
        parameters = [
            {"name": n, "in": "path", "required": True, "schema": _path_schema(n)} for n in path_parameters(path)
        ] + extra
        paths.setdefault(path, {})[method.lower()] = _operation(path, summary, body, status, parameters, errors)
        if body is not None:
            schema = body.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(schema.pop("$defs", {}))
            components[body.__name__] = schema
    paths["/openapi.json"] = {"get": {"summary": "本说明", "responses": {"200": {"description": "OpenAPI 3 文档"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": "1"},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }
