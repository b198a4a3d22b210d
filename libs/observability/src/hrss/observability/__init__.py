"""Observability: Prometheus metrics for every entrypoint, JSON logs with trace ids."""

from hrss.observability import metrics
from hrss.observability.dependency import Observed, ObservedService
from hrss.observability.logs import JsonFormatter, configure_logging, current_trace_id

__all__ = ["JsonFormatter", "Observed", "ObservedService", "configure_logging", "current_trace_id", "metrics"]
