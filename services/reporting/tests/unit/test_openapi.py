"""The OpenAPI description names every route the service serves, and nothing it does not."""

from __future__ import annotations

import re

from reporting.entrypoints.openapi import OPENAPI
from reporting.entrypoints.service import ReportingService


def test_the_openapi_names_every_route() -> None:
    served = set()
    for name in dir(ReportingService):
        for entrypoint in getattr(getattr(ReportingService, name), "nameko_entrypoints", ()):
            if hasattr(entrypoint, "url"):
                served.add((entrypoint.method, re.sub(r"<(\w+)>", r"{\1}", entrypoint.url)))
    described = {(m.upper(), p) for p, ops in OPENAPI["paths"].items() for m in ops}
    assert served - {("GET", "/metrics"), ("GET", "/health")} == described
