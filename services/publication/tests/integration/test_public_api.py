"""The publication service on PostgreSQL and Kafka: events in, the anonymous public API out — the entity page by
USCC, one record with its versions, task announcements, the receipt chain and its check, ETag and 304, the rate
limit, the withheld list for auditors, and masking in what is answered."""

from __future__ import annotations

import pytest
from publication.entrypoints.openapi import OPENAPI
from publication.entrypoints.service import PublicationService
from publication_testkit import (
    BODY,
    COUNTY_A,
    COUNTY_B,
    MOBILE,
    PROVINCE,
    RESIDENT_ID,
    approved,
    decision,
    result_id,
    send,
    task_published,
    uscc,
    wait_for,
)

from hrss.testing.routes import documented_routes, served_routes

pytestmark = pytest.mark.integration


def test_a_published_result_is_found_anonymously_by_uscc_with_body_category_and_a_verified_receipt(
    publication_service,
) -> None:
    s = publication_service
    noisy = f"杭州测试1号有限公司（联系人手机{MOBILE}，身份证{RESIDENT_ID}）"
    send(s.broker, task_published(), approved(1, name=noisy), decision(1), approved(2, COUNTY_B), decision(2, COUNTY_B))
    send(s.broker, approved(3, public=False), decision(3, public=False, reason="涉及国家秘密"))
    page = wait_for(lambda: (r := s.get(f"/entities/{uscc(1)}/results")).json()["results"] and r, what="the result")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "public, max-age=60"
    [found] = page.json()["results"]
    content = found["content"]
    assert content["inspecting_body"]["name"] == BODY and content["result_category"] == "未发现问题"
    assert content["tasks"][0]["number"] == "浙人社抽〔2026〕12号"
    assert MOBILE not in page.text and RESIDENT_ID not in page.text and uscc(1) in page.text

    again = s.get(f"/entities/{uscc(1)}/results", headers={"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""

    one = s.get(f"/results/{result_id(1)}").json()
    assert one["version"] == 1 and len(one["versions"]) == 1
    assert s.get(f"/results/{result_id(3)}").json()["code"] == "public.not_found"  # withheld: never public
    assert s.get(f"/entities/{uscc(2, COUNTY_B)}/results").json()["results"] == []  # the federated county's own
    assert s.get("/entities/not-a-uscc/results").json()["code"] == "request.invalid_uscc"

    chain = s.get(f"/nodes/{COUNTY_A}/receipts").json()["receipts"]
    assert [r["seq"] for r in chain] == [1] and chain[0]["record_id"] == str(result_id(1))
    check = s.get(f"/nodes/{COUNTY_A}/receipts/verification").json()
    assert check["valid"] and check["length"] == 1 and check["head_sha256"] == chain[0]["receipt_sha256"]
    tasks = s.get("/tasks", node=PROVINCE, year="2026").json()["records"]
    assert [t["content"]["title"] for t in tasks] == ["劳动用工专项"]

    assert s.get("/withheld").status_code == 401
    auditor = {"Authorization": f"Bearer {s.token({'auditor'}, COUNTY_A)}"}
    [row] = wait_for(lambda: s.get("/withheld", headers=auditor).json()["withheld"], what="the withheld result")
    assert row["reason"] == "涉及国家秘密" and row["result_id"] == str(result_id(3))
    assert s.rows("SELECT count(*) FROM publication.public_record")[0][0] == 2  # the task and result 1


def test_a_federated_county_publishes_its_own_results_naming_the_province_task(county_publication_service) -> None:
    s = county_publication_service
    send(s.broker, task_published(), approved(1, COUNTY_B), decision(1, COUNTY_B), approved(2), decision(2))
    page = wait_for(lambda: s.get(f"/entities/{uscc(1, COUNTY_B)}/results").json()["results"], what="the result")
    assert page[0]["node"] == COUNTY_B and page[0]["content"]["tasks"][0]["title"] == "劳动用工专项"
    assert s.get(f"/nodes/{COUNTY_B}/receipts/verification").json()["length"] == 1
    assert s.get(f"/entities/{uscc(2)}/results").json()["results"] == []  # another county's: not its to publish
    assert s.get("/tasks").json()["records"] == []  # the province announces its own task


def test_approval_and_decision_arriving_together_publish_every_result_once(publication_service) -> None:
    s = publication_service  # the two consumers run side by side: neither may miss the other's uncommitted row
    for n in range(1, 31):
        send(s.broker, approved(n), decision(n))
    wait_for(lambda: s.rows("SELECT count(*) FROM publication.publication_decision")[0][0] == 30, what="decisions")
    wait_for(lambda: s.rows("SELECT count(*) FROM publication.approved_result")[0][0] == 30, what="approvals")
    published = wait_for(
        lambda: (n := s.rows("SELECT count(*) FROM publication.public_record")[0][0]) == 30 and n, 20, "30 results"
    )
    assert published == 30 and s.get(f"/nodes/{COUNTY_A}/receipts/verification").json()["length"] == 30


def test_too_many_requests_from_one_address_are_refused_with_retry_after(publication_service) -> None:
    s = publication_service
    [provider] = [d for d in s.container.dependencies if type(d).__name__ == "ComponentProvider"]
    limiter = provider.components.limiter
    limiter.burst, limiter.per_minute = 2, 1
    answers = [s.get("/tasks") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json()["code"] == "public.rate_limited" and int(answers[2].headers["Retry-After"]) >= 1


def test_served_routes_are_the_documented_ones(publication_service) -> None:
    s = publication_service
    assert s.get("/openapi.json").json() == OPENAPI
    assert served_routes(PublicationService) == documented_routes(OPENAPI)
