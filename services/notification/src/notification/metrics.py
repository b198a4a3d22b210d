"""The notification service's Prometheus metrics (the sender exports them on its own port): sent, failed and
retried per channel, and the age of the oldest notification still waiting per channel. No body is ever a label."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

SENT = Counter("notification_sent_total", "Notifications a channel accepted", ["channel"])
FAILED = Counter("notification_failed_total", "Notifications given up (permanent error or attempts spent)", ["channel"])
RETRIED = Counter("notification_retried_total", "Delivery attempts that failed and will be retried", ["channel"])
QUEUE_AGE = Gauge("notification_queue_age_seconds", "Age of the oldest notification waiting", ["channel"])
SENDER_FAILURES = Counter("notification_sender_failures_total", "Sender loop failures (database down…)", ["channel"])
