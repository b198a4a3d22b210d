"""nameko's `http` for endpoints that do not write, with platform errors answered as their status and JSON."""

from __future__ import annotations

from typing import Any

from hrss.observability.web import PlatformHttp


class ReadHttp(PlatformHttp):
    """Read-only endpoints; writing ones use `hrss.web.write_http`, which answers the same way after committing."""


http: Any = ReadHttp.decorator
