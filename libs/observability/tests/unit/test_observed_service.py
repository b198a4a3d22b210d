"""A nameko service with the Observed mixin exports metrics for every entrypoint."""

from __future__ import annotations

import pytest
import requests
from nameko.containers import ServiceContainer
from nameko.web.handlers import http

from hrss.observability import ObservedService
from hrss.testing.processes import free_port


class Greeter(ObservedService):
    name = "greeter"

    @http("GET", "/hello")
    def hello(self, request):  # type: ignore[no-untyped-def]
        return 200, "你好"

    @http("GET", "/broken")
    def broken(self, request):  # type: ignore[no-untyped-def]
        raise KeyError("nope")


@pytest.fixture
def base_url():  # type: ignore[no-untyped-def]
    port = free_port()
    container = ServiceContainer(Greeter, {"WEB_SERVER_ADDRESS": f"127.0.0.1:{port}"})
    container.start()
    yield f"http://127.0.0.1:{port}"
    container.stop()


def sample(body: str, name: str, **labels: str) -> float:
    for line in body.splitlines():
        if line.startswith(name) and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_calls_errors_and_latency_are_counted_per_entrypoint(base_url):
    for _ in range(3):
        assert requests.get(f"{base_url}/hello", timeout=5).text == "你好"
    assert requests.get(f"{base_url}/broken", timeout=5).status_code == 500
    assert requests.get(f"{base_url}/health", timeout=5).json() == {"status": "ok"}
    body = requests.get(f"{base_url}/metrics", timeout=5).text
    assert sample(body, "hrss_entrypoint_calls_total", service="greeter", entrypoint="hello", outcome="ok") >= 3
    assert sample(body, "hrss_entrypoint_calls_total", service="greeter", entrypoint="broken", outcome="error") >= 1
    assert sample(body, "hrss_entrypoint_errors_total", service="greeter", entrypoint="broken", error="KeyError") >= 1
    assert sample(body, "hrss_entrypoint_latency_seconds_count", service="greeter", entrypoint="hello") >= 3
