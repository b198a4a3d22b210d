"""Metrics and trace ids for every entrypoint, and the /metrics endpoint."""

from __future__ import annotations

import time
from typing import Any
from weakref import WeakKeyDictionary

from nameko.extensions import DependencyProvider
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from werkzeug.wrappers import Response

from hrss.contracts import current_trace_id, new_trace_id
from hrss.observability.metrics import ENTRYPOINT_CALLS, ENTRYPOINT_ERRORS, ENTRYPOINT_LATENCY
from hrss.observability.web import http


class Observed(DependencyProvider):
    """Counts, times and traces every worker of the service it is declared on."""

    def __init__(self) -> None:
        self._started: WeakKeyDictionary[Any, float] = WeakKeyDictionary()

    def get_dependency(self, worker_ctx: Any) -> str:
        return str(worker_ctx.data.get("trace_id"))

    def worker_setup(self, worker_ctx: Any) -> None:
        trace_id = worker_ctx.data.setdefault("trace_id", new_trace_id())
        current_trace_id.set(trace_id)
        self._started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx: Any, result: Any = None, exc_info: Any = None) -> None:
        started = self._started.pop(worker_ctx, None)
        service = self.container.service_name
        name = worker_ctx.entrypoint.method_name
        if started is not None:
            ENTRYPOINT_LATENCY.labels(service, name).observe(time.perf_counter() - started)
        outcome = "error" if exc_info is not None else "ok"
        ENTRYPOINT_CALLS.labels(service, name, outcome).inc()
        if exc_info is not None:
            ENTRYPOINT_ERRORS.labels(service, name, exc_info[0].__name__).inc()

    def worker_teardown(self, worker_ctx: Any) -> None:
        current_trace_id.set(None)


class ObservedService:
    """Mixin: declares the metrics dependency and serves `/metrics` and `/health`."""

    trace_id = Observed()  # the worker's trace id (and its metrics)

    @http("GET", "/metrics")
    def metrics(self, request: Any) -> Response:
        return Response(generate_latest(), content_type=CONTENT_TYPE_LATEST)

    @http("GET", "/health")
    def health(self, request: Any) -> Response:
        return Response('{"status":"ok"}', content_type="application/json")
