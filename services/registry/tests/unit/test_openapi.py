"""The registry's OpenAPI description is built from its route table and names exactly the routes it serves."""

from __future__ import annotations

from registry.entrypoints.openapi import OPENAPI
from registry.entrypoints.service import RegistryService

from hrss.testing.routes import documented_routes, served_routes


def test_the_openapi_description_names_exactly_the_routes_the_service_serves() -> None:
    served = served_routes(RegistryService)
    assert ("post", "/entities") in served and ("get", "/openapi.json") in served
    assert documented_routes(OPENAPI) == served


def test_every_request_body_is_the_schema_of_the_model_that_parses_it() -> None:
    schemas = OPENAPI["components"]["schemas"]
    post = OPENAPI["paths"]["/checklist"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/CheckItemBody"
    assert set(schemas["CheckItemBody"]["required"]) == {"node", "spec"}
    assert "credential_no" in schemas["RecordBody"]["properties"]["record"]["description"]
    assert schemas["RecordBody"]["additionalProperties"] is False


def test_every_operation_answers_its_errors_with_the_error_schema() -> None:
    for path, operations in OPENAPI["paths"].items():
        if path == "/openapi.json":
            continue
        for operation in operations.values():
            assert operation["responses"]["401"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
