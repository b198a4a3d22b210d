"""The platform's Prometheus metrics, defined once so every service exports the same names."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

ENTRYPOINT_CALLS = Counter(
    "hrss_entrypoint_calls_total", "Entrypoint invocations by outcome", ["service", "entrypoint", "outcome"]
)
ENTRYPOINT_ERRORS = Counter(
    "hrss_entrypoint_errors_total", "Entrypoint invocations that raised", ["service", "entrypoint", "error"]
)
ENTRYPOINT_LATENCY = Histogram(
    "hrss_entrypoint_latency_seconds",
    "Entrypoint latency",
    ["service", "entrypoint"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)

CONSUMER_EVENTS = Counter("hrss_consumer_events_total", "Events applied by a consumer", ["consumer", "topic"])
CONSUMER_DUPLICATES = Counter(
    "hrss_consumer_duplicates_total", "Events ignored because the inbox already held them", ["consumer", "topic"]
)
CONSUMER_RETRIES = Counter(
    "hrss_consumer_retries_total", "Handler attempts that failed and were retried", ["consumer", "topic"]
)
CONSUMER_DEAD_LETTERS = Counter(
    "hrss_consumer_dead_letters_total", "Records sent to the dead-letter topic", ["consumer", "topic", "reason"]
)
CONSUMER_LOOP_FAILURES = Counter(
    "hrss_consumer_loop_failures_total", "Poll loop failures that were caught and restarted", ["consumer"]
)
CONSUMER_LAG = Gauge("hrss_consumer_lag", "Records behind the partition end", ["consumer", "topic", "partition"])

OUTBOX_BACKLOG = Gauge("hrss_outbox_backlog", "Outbox events not yet acknowledged by Kafka", ["service"])
OUTBOX_PUBLISHED = Counter("hrss_outbox_published_total", "Outbox events acknowledged by Kafka", ["service"])
OUTBOX_FAILURES = Counter("hrss_outbox_failures_total", "Relay batches that failed and will be retried", ["service"])
