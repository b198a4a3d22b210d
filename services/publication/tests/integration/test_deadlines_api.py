"""The publication deadline on PostgreSQL and Kafka: a task's completion (planning.task_completed) sets the deadline,
each result gets its confirmation (publication.result_confirmed, sent through the outbox) with its receipt and
whether it came in time, and staff read what is due and late in their subtree at GET /deadlines; the run records
what is missed (publication.deadline_missed)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import requests
from publication_testkit import (
    COUNTY_A,
    approved,
    decision,
    result_id,
    send,
    task_completed,
    wait_for,
)

from hrss.contracts import Envelope, utcnow
from hrss.workdays import CHINA_TZ, provisional_calendar

pytestmark = pytest.mark.integration


def sent(s: Any, event_type: str) -> list[dict[str, Any]]:
    rows = s.rows("SELECT value FROM publication.outbox ORDER BY id")
    envelopes = [Envelope.from_bytes(bytes(r[0])) for r in rows]
    return [e.payload for e in envelopes if e.type == event_type]


def test_results_are_confirmed_with_their_receipts_and_staff_see_what_is_due_and_late(publication_service) -> None:
    s = publication_service
    completed = utcnow() - timedelta(days=60)  # long enough ago for its 20 working days to be over
    due = provisional_calendar().deadline(completed.astimezone(CHINA_TZ).date(), 20)
    send(s.broker, task_completed(completed), approved(1), decision(1), approved(2))
    send(s.broker, approved(3, public=False), decision(3, public=False, reason="涉及国家秘密"))
    wait_for(lambda: len(sent(s, "publication.result_confirmed")) == 2, what="two confirmations")
    by_result = {c["result_id"]: c for c in sent(s, "publication.result_confirmed")}
    published, withheld = by_result[str(result_id(1))], by_result[str(result_id(3))]
    [receipt] = s.get(f"/nodes/{COUNTY_A}/receipts").json()["receipts"]
    assert published["receipt"]["receipt_sha256"] == receipt["receipt_sha256"] and published["public"] is True
    assert published["content_sha256"] == receipt["content_sha256"]
    assert (published["due"], published["on_time"]) == (due.isoformat(), False)  # confirmed after the deadline
    assert (withheld["public"], withheld["receipt"], withheld["withheld_reason"]) == (False, None, "涉及国家秘密")

    assert s.get("/deadlines").status_code == 401
    staff = {"Authorization": f"Bearer {s.token({'approver'}, COUNTY_A)}"}
    answer = s.get("/deadlines", headers=staff).json()
    states = {r["result_id"]: r["state"] for r in answer["deadlines"]}
    assert states == {str(result_id(1)): "met_late", str(result_id(2)): "late", str(result_id(3)): "met_late"}
    [late] = s.get("/deadlines", headers=staff, state="late").json()["deadlines"]
    assert late["result_id"] == str(result_id(2)) and late["task_title"] is None
    before = s.get("/deadlines", headers=staff, on=(due - timedelta(days=1)).isoformat()).json()["deadlines"]
    assert {r["state"] for r in before} == {"due"}
    sibling = {"Authorization": f"Bearer {s.token({'approver'}, '330108')}"}
    assert s.get("/deadlines", headers=sibling).json()["deadlines"] == []
    assert s.get("/deadlines", headers=sibling, node=COUNTY_A).status_code == 403
    assert s.get("/deadlines", headers=staff, state="soon").json()["code"] == "request.invalid_state"

    admin = {"Authorization": f"Bearer {s.token({'province_admin'}, '330000')}"}
    run = requests.post(s.url + "/deadlines/run", headers=admin, timeout=30)
    assert run.status_code == 200 and run.json()["newly_missed"] == 1
    assert requests.post(s.url + "/deadlines/run", headers=admin, timeout=30).json()["newly_missed"] == 0
    [missed] = sent(s, "publication.deadline_missed")
    assert (missed["result_id"], missed["due"], missed["supervisor"]) == (str(result_id(2)), due.isoformat(), "330100")
    refused = requests.post(s.url + "/deadlines/run", headers=staff, timeout=30)
    assert refused.status_code == 403
    later = (date.today() + timedelta(days=2)).isoformat()
    assert requests.post(s.url + "/deadlines/run", headers=admin, params={"on": later}, timeout=30).status_code == 400
