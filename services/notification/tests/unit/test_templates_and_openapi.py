"""Every template renders in Chinese for every channel it uses with the values its rule gives, names its source
section, and the OpenAPI names every route the service serves."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from notification.domain.model import Channel
from notification.domain.templates import TEMPLATES
from notification.entrypoints.openapi import OPENAPI
from notification.entrypoints.service import NotificationService
from notification.service_layer import routing
from notification_archive_events import granted, refused, requested, returned_archive
from notification_testkit import assignment, notice, overdue, reset, returned, submitted, team_changed

from hrss.contracts.events.identity import AccountLocked, AccountUnlocked
from hrss.contracts.events.inspection import ResultApproved


def account_events(account_id: str) -> list[object]:
    at = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
    return [
        AccountLocked(account_id=account_id, node="330102", login="li", locked_at=at, locked_until=at, client=None),
        AccountUnlocked(
            account_id=account_id,
            node="330102",
            login="li",
            unlocked_by="admin-1",
            reason="本人电话核实",
            was_locked=False,
            unlocked_at=at,
        ),
    ]


def test_every_template_is_versioned_names_its_source_and_renders_from_its_rule() -> None:
    visit = {"entity_name": "杭州测试1号有限公司", "uscc": "x", "inspectors": [{"inspector_id": "i", "name": "甲"}]}
    events = [
        assignment(1),
        team_changed(1, 1, 3, (2, 3)),
        submitted(1),
        returned(1),
        overdue(),
        notice(1),
        reset("8d7f1c2e-0000-4000-8000-000000000001"),
        requested(),
        granted(),
        refused(),
        returned_archive(1, "missing", "缺第 3 页"),
        *account_events("8d7f1c2e-0000-4000-8000-000000000001"),
    ]
    rendered = set()
    for event in events:
        for announcement in routing.ROUTES[type(event)](event, visit):
            template = TEMPLATES[announcement.template_id]
            for channel in template.channels:
                subject, body = template.render(channel, announcement.params)
                assert re.search(r"[\u4e00-\u9fff]", subject + body) and "{" not in body
            rendered.add(template.id)
    by_jobs = {"result_approved", "deadline_approaching", "borrowing_due", "borrowing_overdue", "overdue_escalated"}
    by_jobs.add("enrolment_code")  # made with the holder's sealed code: test_account_messages
    assert rendered | by_jobs == set(TEMPLATES)  # made by the daily jobs: test_reminders, test_archives_and_escalation
    assert ResultApproved in routing.ROUTES
    for template in TEMPLATES.values():
        assert template.version >= 1 and template.seed_section and template.channels


def test_the_openapi_names_every_route() -> None:
    served = set()
    for name in dir(NotificationService):
        for entrypoint in getattr(getattr(NotificationService, name), "nameko_entrypoints", ()):
            if hasattr(entrypoint, "url"):
                served.add((entrypoint.method, re.sub(r"<(\w+)>", r"{\1}", entrypoint.url)))
    described = {(m.upper(), p) for p, ops in OPENAPI["paths"].items() for m in ops}
    assert served and served - {("GET", "/metrics"), ("GET", "/health")} <= described
    assert Channel.INBOX == "inbox"
