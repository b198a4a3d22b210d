"""Corrections and withdrawals over HTTP: a token of the publishing node's staff, a new version with the reason on
the public page, the corrected words in public search, and a withdrawn record gone from search (its history kept)."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from publication_testkit import COUNTY_A, approved, decision, result_id, send, wait_for

pytestmark = pytest.mark.integration

RESULT = str(result_id(1))


def post(s: Any, path: str, body: dict[str, Any], roles: set[str], node: str = COUNTY_A) -> requests.Response:
    headers = {"Authorization": f"Bearer {s.token(roles, node)}"}
    return requests.post(s.url + path, json=body, headers=headers, timeout=30)


def hits(s: Any, words: str) -> list[str]:
    """The records found for words of the entity's name alone (words it shares with others, 贸易, would find any
    trading company: search ranks, it does not only filter)."""
    return [h["record_id"] for h in s.get("/search", q=words).json()["hits"]]


def test_a_correction_and_a_withdrawal_are_versions_with_reasons_and_the_withdrawn_leaves_search(
    publication_service,
) -> None:
    s = publication_service
    send(s.broker, approved(1, name="杭州甲乙丙贸易有限公司"), decision(1))
    wait_for(lambda: RESULT in hits(s, "甲乙丙"), what="the result in search")

    assert requests.post(s.url + f"/records/{RESULT}/corrections", json={}, timeout=30).status_code == 401
    body = {"fields": {"entity_name": "杭州丁戊己贸易有限公司"}, "reason": "企业名称录入有误"}
    assert post(s, f"/records/{RESULT}/corrections", body, {"inspector"}).status_code == 403
    assert post(s, f"/records/{RESULT}/corrections", body, {"city_admin"}, "330100").json()["code"] == (
        "access.not_publishing_node"
    )
    bad = post(s, f"/records/{RESULT}/corrections", {"fields": {"uscc": "x"}, "reason": "r"}, {"approver"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "fields.uscc"
    assert post(s, f"/records/{RESULT}/corrections", {"fields": {}}, {"approver"}).status_code == 400
    unknown = post(s, f"/records/{result_id(7)}/corrections", body, {"approver"})
    assert unknown.status_code == 404

    done = post(s, f"/records/{RESULT}/corrections", body, {"approver"})
    assert done.status_code == 200 and done.json()["version"] == 2
    page = s.get(f"/results/{RESULT}").json()
    assert page["content"]["entity_name"] == "杭州丁戊己贸易有限公司"
    assert page["content"]["changes"][0]["reason"] == "企业名称录入有误" and len(page["versions"]) == 2
    wait_for(lambda: RESULT in hits(s, "丁戊己"), what="the corrected name in search")
    assert RESULT not in hits(s, "甲乙丙")

    gone = post(s, f"/records/{RESULT}/withdrawal", {"reason": "检查结果经复核撤销"}, {"county_admin"})
    assert gone.status_code == 200 and gone.json()["version"] == 3
    wait_for(lambda: RESULT not in hits(s, "丁戊己"), what="the withdrawn result gone from search")
    assert s.get("/search").json()["total"] == 0  # not even when browsing everything
    page = s.get(f"/results/{RESULT}").json()
    assert page["content"]["withdrawn"]["reason"] == "检查结果经复核撤销" and len(page["versions"]) == 3
    again = post(s, f"/records/{RESULT}/withdrawal", {"reason": "再次"}, {"county_admin"})
    assert again.status_code == 409 and again.json()["code"] == "public.withdrawn"
    assert s.get(f"/nodes/{COUNTY_A}/receipts/verification").json()["valid"] is True
    audited = s.rows("SELECT action FROM publication.audit_entry WHERE action LIKE 'publication.%' ORDER BY seq")
    actions = [a[0] for a in audited]
    assert "publication.correct" in actions and "publication.withdraw" in actions
