"""The routes a nameko service serves and the operations its OpenAPI document describes, to check they agree."""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping
from typing import Any

from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from hrss.observability import ObservedService

_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")  # werkzeug's <node> or <int:year> → OpenAPI's {node}


def _declared(service: type) -> set[tuple[str, str]]:
    found = set()
    for _, member in inspect.getmembers(service, inspect.isfunction):
        for entrypoint in getattr(member, ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if hasattr(entrypoint, "url"):
                found.add((entrypoint.method.lower(), _PARAMETER.sub(r"{\1}", entrypoint.url)))
    return found


def served_routes(service: type) -> set[tuple[str, str]]:
    """(method, path template) of every HTTP entrypoint of `service`, less /metrics and /health (operations,
    not the API)."""
    return _declared(service) - _declared(ObservedService)


def documented_routes(openapi: Mapping[str, Any]) -> set[tuple[str, str]]:
    """(method, path template) of every operation the document describes."""
    return {(method, path) for path, operations in openapi["paths"].items() for method in operations}
