"""Follow-up measures and refusals over Kafka and HTTP: a follow-up opened and closed appears on the result's
public page as new versions (each with its receipt), and a result of 不配合检查 is listed at GET /refusals."""

from __future__ import annotations

import pytest
from publication_testkit import (
    COUNTY_A,
    approved,
    decision,
    follow_up_closed,
    follow_up_opened,
    result_id,
    send,
    wait_for,
)

pytestmark = pytest.mark.integration


def test_follow_ups_are_on_the_result_page_and_refusals_are_listed(publication_service) -> None:
    s = publication_service
    send(s.broker, approved(1, overall="corrected"), decision(1), approved(2, overall="refused"), decision(2))
    wait_for(lambda: s.get(f"/results/{result_id(1)}").status_code == 200, what="the result")
    send(s.broker, follow_up_opened(1))
    wait_for(lambda: s.get(f"/results/{result_id(1)}").json()["version"] == 2, what="the follow-up")
    send(s.broker, follow_up_closed(1))
    page = wait_for(lambda: (p := s.get(f"/results/{result_id(1)}").json())["version"] == 3 and p, what="closing")
    assert [m["state"] for m in page["content"]["follow_ups"]] == ["已办结"]
    assert [v["version"] for v in page["versions"]] == [1, 2, 3]
    assert "follow_ups" not in page["versions"][0]["content"]
    assert s.get(f"/nodes/{COUNTY_A}/receipts/verification").json() | {"head_sha256": None} == {
        "node": COUNTY_A, "length": 4, "valid": True, "first_bad_seq": None, "problem": None, "head_sha256": None,
    }  # fmt: skip
    refusals = s.get("/refusals", node=COUNTY_A).json()["records"]
    assert [r["record_id"] for r in refusals] == [str(result_id(2))]
    assert refusals[0]["content"]["result_category"] == "不配合检查"
