"""A nameko service with the Observed mixin exports metrics for every entrypoint."""

from __future__ import annotations

import pytest
import requests
from nameko.containers import ServiceContainer

from hrss.observability import ObservedService
from hrss.observability.web import http
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


class Echo(ObservedService):
    name = "echo"

    @http("POST", "/echo", max_body=100)
    def echo(self, request):  # type: ignore[no-untyped-def]
        return 200, request.get_data(as_text=True)

    @http("POST", "/json")
    def json_write(self, request):  # type: ignore[no-untyped-def]
        return 200, str(len(request.get_data()))

    @http("POST", "/upload", streams=True)
    def upload(self, request):  # type: ignore[no-untyped-def]
        return 200, str(len(request.environ["wsgi.input"].read()))


@pytest.fixture
def echo_url():  # type: ignore[no-untyped-def]
    port = free_port()
    container = ServiceContainer(Echo, {"WEB_SERVER_ADDRESS": f"127.0.0.1:{port}"})
    container.start()
    yield f"http://127.0.0.1:{port}"
    container.stop()


def test_a_fault_of_ours_answers_json_with_a_trace_id_and_never_the_exception(base_url):
    answer = requests.get(f"{base_url}/broken", timeout=5)
    assert answer.status_code == 500 and answer.headers["Content-Type"].startswith("application/json")
    body = answer.json()
    assert body["code"] == "server.error" and "追踪号" in body["message"]
    assert body["message"].rsplit(" ", 1)[1] not in ("", "-")  # the worker's trace id, to find the logged stack
    assert "KeyError" not in answer.text and "nope" not in answer.text


def test_unknown_paths_and_methods_answer_json_with_a_code(base_url):
    missing = requests.get(f"{base_url}/nowhere", timeout=5)
    assert missing.status_code == 404 and missing.json()["code"] == "request.not_found"
    wrong = requests.delete(f"{base_url}/hello", timeout=5)
    assert wrong.status_code == 405 and wrong.json()["code"] == "request.method_not_allowed"
    assert "GET" in wrong.headers.get("Allow", "")
    assert "<html" not in (missing.text + wrong.text).lower()


def test_a_nul_character_in_the_path_or_the_query_is_refused_before_any_endpoint_runs(base_url):
    for url, field in (
        (f"{base_url}/hello%00", "path"),
        (f"{base_url}/hello?name=a%00b", "name"),
        (f"{base_url}/broken?x=%00", "x"),
    ):
        answer = requests.get(url, timeout=5)
        assert answer.status_code == 400 and answer.json()["code"] == "request.nul_character", url
        assert answer.json()["errors"][0]["field"] == field and "空字符" in answer.json()["message"]
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert requests.get(f"{base_url}/hello?name=%E5%BC%A0", timeout=5).status_code == 200


def test_every_answer_carries_the_security_headers_and_credentialed_ones_are_not_stored(base_url):
    for answer in (
        requests.get(f"{base_url}/hello", timeout=5),
        requests.get(f"{base_url}/nowhere", timeout=5),
        requests.get(f"{base_url}/broken", timeout=5),
    ):
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
    anonymous = requests.get(f"{base_url}/hello", timeout=5)
    assert "no-store" not in anonymous.headers.get("Cache-Control", "")
    signed_in = requests.get(f"{base_url}/hello", headers={"Authorization": "Bearer x"}, timeout=5)
    assert signed_in.headers["Cache-Control"] == "no-store"


def test_a_body_over_the_endpoints_limit_is_refused_before_it_is_read(echo_url):
    assert requests.post(f"{echo_url}/echo", data="x" * 100, timeout=5).text == "x" * 100
    too_big = requests.post(f"{echo_url}/echo", data="x" * 101, timeout=5)
    assert too_big.status_code == 413 and too_big.json()["code"] == "request.too_large"
    chunked = requests.post(f"{echo_url}/echo", data=iter([b"x" * 80, b"x" * 80]), timeout=5)
    assert chunked.status_code == 411 and chunked.json()["code"] == "request.length_required"
    big_get = requests.get(f"{echo_url}/health", data="x" * (64 * 1024 + 1), timeout=5)
    assert big_get.status_code == 413
    # a write says no limit of its own: 1 MB; an upload that streams bounds its body itself
    assert requests.post(f"{echo_url}/json", data=b"x" * 1_000_000, timeout=5).text == "1000000"
    assert requests.post(f"{echo_url}/json", data=b"x" * 1_000_001, timeout=5).status_code == 413
    streamed = requests.post(f"{echo_url}/upload", data=iter([b"x" * 700_000, b"x" * 700_000]), timeout=5)
    assert streamed.status_code == 200 and streamed.text == "1400000"


def test_query_strings_never_reach_the_access_log():
    from hrss.observability.web import redact_query

    line = '127.0.0.1 - - [06/Dec/2026 22:00:00] "GET /draws/1?access_token=secret&x=1 HTTP/1.1" 200 10 0.001'
    assert "secret" not in redact_query(line) and '"GET /draws/1?… HTTP/1.1"' in redact_query(line)
    error = 'client=1.2.3.4 request="POST /login?token=abc HTTP/1.1" error="boom"'
    assert "abc" not in redact_query(error)
