"""The daily jobs and the archive events against the real servers: evidence's events over Kafka reach the keepers'
and the requester's inboxes; borrowing and escalation through their endpoints; the timer runs them by itself at the
configured time, once, with two replicas on one database making every notification once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
import requests
from notification_archive_events import REQUESTER, granted, lent, requested
from notification_testkit import (
    CITY,
    COUNTY_A,
    COUNTY_B,
    PROVINCE,
    Running,
    overdue,
    send,
    submitted,
    token,
    wait_for,
)

from hrss.contracts.events.inspection import ResultPublished
from hrss.workdays import CHINA_TZ

pytestmark = pytest.mark.integration


def count(s: Running, query: str, **params: object) -> int:
    return int(s.rows(query, **params)[0][0])


def kinds(s: Running, kind: str) -> list[str]:
    rows = s.rows("SELECT recipient FROM notification.notification WHERE kind = :k AND channel = 'inbox'", k=kind)
    return sorted(r.recipient for r in rows)


def test_keepers_hear_of_requests_and_borrowers_of_due_dates_and_open_overdues_go_up(
    notification_service: Running,
) -> None:
    s = notification_service
    late = overdue(COUNTY_A, supervisor=CITY).model_copy(update={"detected_on": date(2026, 7, 1)})
    published_late = late.model_copy(update={"subject_id": submitted(2).result_id, "kind": "publication"})
    published = ResultPublished(
        result_id=submitted(2).result_id, visit_id=submitted(2).visit_id, node=COUNTY_A,
        task_ids=[submitted(2).visit_id], public=True, content_sha256="a" * 64, published_at=datetime.now(CHINA_TZ),
    )  # fmt: skip
    send(s.broker, requested(), granted(), lent(1, date(2026, 6, 30)), late, published_late, published)
    wait_for(lambda: count(s, "SELECT count(*) FROM notification.borrowing_watch") == 1, what="the loan")
    wait_for(lambda: count(s, "SELECT count(*) FROM notification.overdue_watch WHERE closed") == 1, what="closed")
    wait_for(lambda: len(kinds(s, "access_granted")) == 1, what="the decision")
    keeper = token(s.key, {"archive_keeper"}, COUNTY_A)
    inbox = s.call("GET", "/inbox", keeper).json()["notifications"]
    assert [n["kind"] for n in inbox] == ["access_requested"] and "案件复查" in inbox[0]["body"]
    mine = s.call("GET", "/inbox", token(s.key, {"auditor"}, COUNTY_A, account=REQUESTER)).json()["notifications"]
    assert [n["kind"] for n in mine] == ["access_granted"]

    admin = token(s.key, {"province_admin"}, PROVINCE)
    due = s.call("POST", "/reminders/run?on=2026-07-01", admin)
    assert due.status_code == 200 and (due.json()["borrowings"], due.json()["made"]) == (1, 2), due.text
    assert kinds(s, "borrowing_overdue") == [f"account:{REQUESTER}", f"role:{COUNTY_A}:archive_keeper"]

    assert s.call("POST", "/escalations/run?on=2026-07-07", admin).json()["made"] == 0
    up = s.call("POST", "/escalations/run?on=2026-07-08", admin)
    assert up.status_code == 200 and (up.json()["escalated"], up.json()["made"]) == (1, 1), up.text
    assert kinds(s, "overdue_escalated") == [f"role:{CITY}:city_admin"]  # not the published one
    assert s.call("POST", "/escalations/run?on=2026-07-09", admin).json()["made"] == 0
    ahead = s.call("POST", "/escalations/run?on=2999-01-01", admin)
    assert ahead.status_code == 400 and ahead.json()["code"] == "reminders.future_date"
    assert s.call("POST", "/escalations/run", token(s.key, {"planner"}, PROVINCE)).status_code == 403


def test_a_federated_countys_overdue_reaches_the_city_in_the_centre(
    notification_service: Running, county_notification_service: Running
) -> None:
    central, county = notification_service, county_notification_service
    send(central.broker, overdue(COUNTY_B, supervisor=CITY))
    wait_for(lambda: len(kinds(county, "overdue")) == 2, what="the county's own")
    wait_for(lambda: len(kinds(central, "overdue")) == 1, what="the city's, centrally")
    assert kinds(central, "overdue") == [f"role:{CITY}:city_admin"]
    assert kinds(county, "overdue") == [f"role:{COUNTY_B}:county_admin", f"role:{COUNTY_B}:planner"]
    city = token(central.key, {"city_admin"}, CITY)
    assert [n["kind"] for n in central.call("GET", "/inbox", city).json()["notifications"]] == ["overdue"]


@pytest.fixture
def two_timed_replicas(fresh_database, kafka_bootstrap, kafka_namespace, kafka_broker) -> Iterator[list[Running]]:  # type: ignore[no-untyped-def]
    """Two notification services on one database whose daily jobs are due at once (daily_at 00:00 CST)."""
    from nameko.containers import ServiceContainer
    from notification.entrypoints.service import NotificationService
    from notification_testkit import ensure_topics, migrate, service_config

    from hrss.auth import SigningKey
    from hrss.testing.processes import free_port

    migrate(fresh_database)
    ensure_topics(kafka_broker)
    key = SigningKey.generate("test")
    running, containers = [], []
    for _ in range(2):
        port = free_port()
        config = {**service_config(fresh_database, port, key, kafka_bootstrap, kafka_namespace), "DAILY_AT": "00:00"}
        container = ServiceContainer(NotificationService, config)
        container.start()
        containers.append(container)
        running.append(Running(f"http://127.0.0.1:{port}", key, fresh_database, kafka_broker))
    try:
        yield running
    finally:
        for container in containers:
            container.stop()


def runs(s: Running, outcome: str) -> float:
    """hrss_daily_runs_total{service="notification", outcome=…} as /metrics says (one registry per process)."""
    text = requests.get(f"{s.url}/metrics", timeout=10).text
    line = rf'^hrss_daily_runs_total{{outcome="{outcome}",service="notification"}} (\S+)$'
    found = re.search(line, text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def test_the_timer_runs_the_daily_jobs_by_itself_once_with_two_replicas(two_timed_replicas: list[Running]) -> None:
    one, two = two_timed_replicas
    today = datetime.now(CHINA_TZ).date()
    send(one.broker, lent(1, today + timedelta(days=1)))  # due back tomorrow: within the three working days' lead
    wait_for(lambda: count(one, "SELECT count(*) FROM notification.borrowing_watch") == 1, what="the loan")
    # the first tick comes a minute after the start; each replica runs today's jobs once (a replica finding the
    # other's lock taken tries again at its next tick, and then makes nothing new)
    wait_for(lambda: runs(one, "ran") >= 2, timeout=200, what="both replicas' runs")
    assert kinds(one, "borrowing_due") == [f"account:{REQUESTER}"]  # made once, by whichever ran first
    assert runs(two, "failed") == 0
