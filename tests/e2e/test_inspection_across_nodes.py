"""From the draw to the archive across nodes: a unified task of the province is drawn there; each county's own
inspection service (a federated node, database of its own) opens a visit for each entity drawn in its territory
and for no other; the team enters the result with evidence uploaded to the county's evidence service; the result
is approved and the county's evidence service files the archive bundling the result, the record and the evidence.

Processes: the registry's relay, planning and draw with their relays at the province; inspection and evidence with
their relays in each of two counties. Real PostgreSQL, Kafka and MinIO; every step goes through HTTP or Kafka.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from platform_cluster import PROVINCE, Platform, platform_for
from registry_files import labour_inspectors, write_entities, write_inspectors

from hrss.auth import Principal, Role, TokenIssuer
from hrss.testing.documents import pdf_document
from hrss.testing.processes import wait_until

pytestmark = pytest.mark.e2e

COUNTY_A, COUNTY_B, ELSEWHERE = "130102", "130104", "130203"
TODAY = (datetime.now(UTC) + timedelta(hours=8)).date()  # the calendar date in China Standard Time


def write_registry(folder: Path) -> tuple[Path, Path]:
    """60 entities in each of the two counties and 20 outside the task; 4 inspectors in each county."""
    entities = write_entities(folder / "entities.csv", ((COUNTY_A, 60), (COUNTY_B, 60), (ELSEWHERE, 20)))
    rows = labour_inspectors((COUNTY_A, COUNTY_B), 4, TODAY + timedelta(days=900))
    return entities, write_inspectors(folder / "inspectors.csv", rows)


@pytest.fixture(scope="module")
def platform(servers, tmp_path_factory) -> Iterator[Platform]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("inspection-e2e")
    entities, inspectors = write_registry(folder)
    with platform_for(servers, folder) as platform:
        platform.load_seed_checklist("--node", PROVINCE, "--actor", "e2e")
        platform.registry_cli("import-entities", str(entities), "--node", PROVINCE, "--actor", "e2e")
        platform.registry_cli("import-inspectors", str(inspectors), "--node", PROVINCE, "--actor", "e2e")
        platform.start("planning", "draw")
        for county in (COUNTY_A, COUNTY_B):
            platform.start_county(county, "inspection", "evidence")
        yield platform


def call(platform: Platform, service: str, node: str, roles: set[Role], method: str, path: str, **kw: Any) -> Any:
    account = kw.pop("account", f"{sorted(roles)[0]}@{node}")
    member = kw.pop("member", None)  # the team member the account is linked to (identity's inspector link)
    link = {"inspector_id": member["inspector_id"], "credential_no": member["credential_no"]} if member else {}
    token = TokenIssuer(platform.key, issuer="hrss-identity", audience="hrss").issue(
        Principal(account, "测试用户", node, frozenset(roles), **link)
    )
    headers = {"Authorization": f"Bearer {token}", **kw.pop("headers", {})}
    return requests.request(method, platform.urls[service] + path, headers=headers, timeout=60, **kw)


def draw_unified_task(platform: Platform) -> tuple[str, dict[str, int]]:
    """The province's unified task over both counties, published, frozen, drawn; returns its number and the
    picks per county."""
    planning, draw = platform.as_(PROVINCE), platform.as_(PROVINCE, "draw")
    wait_until(lambda: len(planning.call("GET", "/checklist", node=PROVINCE)["items"]) == 9, 90, "the checklist")
    items = planning.call("GET", "/checklist", node=PROVINCE)["items"]
    start, end = TODAY - timedelta(days=5), TODAY + timedelta(days=60)
    task = planning.call(
        "POST",
        "/tasks",
        {
            "node": PROVINCE,
            "title": "全省劳务派遣统一抽查",
            "year": start.year,
            "items": [{"item_id": items[4]["item_id"], "ratio": "10%"}],
            "lines": ["劳动保障监察"],
            "start": start.isoformat(),
            "end": end.isoformat(),
            "implementing_nodes": [COUNTY_A, COUNTY_B],
            "unified": True,
            "ad_hoc_reason": "省厅统一部署",
        },
    )
    task_id = task["task_id"]
    number = planning.call("POST", f"/tasks/{task_id}/publish")["number"]
    planning.call("POST", f"/tasks/{task_id}/freeze", {"reason": "公示期满"})
    found: dict[str, str] = {}

    def frozen_in_draw() -> bool:
        answer = requests.post(
            platform.urls["draw"] + "/draws",
            json={"task_id": task_id, "randomness_plan": "省厅、公证员各掷骰 20 位"},
            headers={"Authorization": f"Bearer {platform.token(PROVINCE)}"},
            timeout=60,
        )
        if answer.status_code == 404:  # the ready event has not reached the draw service yet
            return False
        assert answer.status_code == 200, answer.text
        found["draw_id"] = answer.json()["draw_id"]
        return True

    wait_until(frozen_in_draw, 90, "the task ready for draw at the draw service")
    draw_id = found["draw_id"]
    for witness, digits in (("省人社厅 张三", "31415926535897932384"), ("公证员 李四", "27182818284590452353")):
        draw.call("POST", f"/draws/{draw_id}/contributions", {"witness": witness, "value": digits})
    result = draw.call("POST", f"/draws/{draw_id}/draw")
    return number, result["picks_by_node"]


def visits_at(platform: Platform, county: str) -> list[dict[str, Any]]:
    answer = call(platform, f"inspection-{county}", county, {Role.PLANNER}, "GET", "/visits")
    assert answer.status_code == 200, answer.text
    return list(answer.json()["visits"])


def test_drawn_entities_become_visits_at_their_county_and_an_approved_result_is_archived_there(
    platform: Platform,
) -> None:
    number, expected = draw_unified_task(platform)
    assert set(expected) == {COUNTY_A, COUNTY_B}

    # each county opens one visit per entity drawn in its territory, and sees no other county's
    for county in (COUNTY_A, COUNTY_B):
        wait_until(lambda c=county: len(visits_at(platform, c)) >= expected[c], 120, f"the visits at {county}")
        visits = visits_at(platform, county)
        assert len(visits) == expected[county]
        assert {v["region_code"] for v in visits} == {county} and {v["node"] for v in visits} == {county}
        assert {t["number"] for v in visits for t in v["tasks"]} == {number}
        for v in visits:
            members = [m["credential_no"] for m in v["team"]]
            assert len(members) >= 2 and all(c.startswith(f"HE-{county}-") for c in members)

    visit = visits_at(platform, COUNTY_A)[0]
    elsewhere = call(
        platform, f"inspection-{COUNTY_B}", COUNTY_B, {Role.PLANNER}, "GET", f"/visits/{visit['visit_id']}"
    )
    assert elsewhere.status_code in (403, 404)
    pre = call(
        platform, f"inspection-{COUNTY_A}", COUNTY_A, {Role.PLANNER}, "GET", f"/visits/{visit['visit_id']}/pre-check"
    )
    assert pre.status_code == 200 and pre.json()["registry_record"]["status"] == "active"

    # the team uploads evidence to the county's evidence service and enters the result
    lead, second = visit["team"][0], visit["team"][1]
    document = pdf_document("工资支付台账 2026 年 1-11 月")
    answers: list[Any] = []

    def uploaded() -> bool:
        """The county's evidence service learns of the visit from its event, which may still be on its way."""
        answer = call(
            platform,
            f"evidence-{COUNTY_A}",
            COUNTY_A,
            {Role.INSPECTOR},
            "POST",
            "/evidence",
            account="account-of-lead",
            member=lead,
            params={"node": COUNTY_A, "visit_id": visit["visit_id"], "kind": "documentary", "filename": "工资台账.pdf"},
            data=document,
            headers={"Content-Type": "application/octet-stream"},
        )
        if answer.status_code == 404 and answer.json().get("code") == "evidence.visit_unknown":
            return False
        answers.append(answer)
        return True

    wait_until(uploaded, 60, "the county's evidence service to know the visit")
    assert answers[0].status_code in (200, 201), answers[0].text
    evidence = answers[0].json()
    assert evidence["algorithm"] == "sha256" and evidence["digest"] == hashlib.sha256(document).hexdigest()
    assert evidence["version_id"] and evidence["after_filing"] is False

    form = {
        "inspected_on": TODAY.isoformat(),
        "present": [lead["inspector_id"], second["inspector_id"]],
        "items": [
            {"task_id": t["task_id"], "item_id": i["item_id"], "category": "no_problem", "methods": ["on_site"]}
            for t in visit["tasks"]
            for i in t["items"]
        ],
        "overall": "no_problem",
        "methods": ["on_site", "documentary"],
        "entity_signed": True,
    }
    submitted = call(
        platform,
        f"inspection-{COUNTY_A}",
        COUNTY_A,
        {Role.INSPECTOR},
        "POST",
        f"/visits/{visit['visit_id']}/results",
        account="account-of-lead",
        member=lead,
        json=form,
    )
    assert submitted.status_code == 200, submitted.text
    result_id = submitted.json()["result_id"]
    approved = call(
        platform,
        f"inspection-{COUNTY_A}",
        COUNTY_A,
        {Role.APPROVER},
        "POST",
        f"/results/{result_id}/approve",
        json={"version": 1, "opinion": "同意"},
    )
    assert approved.status_code == 200, approved.text

    # the county's evidence service files the archive from the approved result, with the evidence in it
    def archive() -> Any:
        answer = call(
            platform,
            f"evidence-{COUNTY_A}",
            COUNTY_A,
            {Role.ARCHIVE_KEEPER},
            "GET",
            f"/visits/{visit['visit_id']}/archive",
        )
        return answer.json() if answer.status_code == 200 else None

    wait_until(lambda: archive() is not None, 90, "the archive at the county's evidence service")
    filed = archive()
    assert [v["version"] for v in filed["versions"]] == [1]
    assert filed["versions"][0]["evidence_count"] == 1

    # reading it needs the approval of the department head and the leader in charge (004 §12.4)
    keeper = f"evidence-{COUNTY_A}"
    version_path = f"/archives/{filed['archive_id']}/versions/1"
    refused = call(platform, keeper, COUNTY_A, {Role.INSPECTOR}, "GET", version_path, account="reader-zhang")
    assert refused.status_code == 403
    until = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    asked = call(
        platform,
        keeper,
        COUNTY_A,
        {Role.INSPECTOR},
        "POST",
        f"/archives/{filed['archive_id']}/access-requests",
        account="reader-zhang",
        json={"versions": [1], "mode": "read", "purpose": "复核检查结果", "valid_until": until},
    )
    assert asked.status_code == 201, asked.text
    decided: dict[str, Any] = {}
    for position, user in (("department_head", "head-li"), ("leader_in_charge", "leader-wang")):
        answer = call(
            platform,
            keeper,
            COUNTY_A,
            {Role.APPROVER},
            "POST",
            f"/access-requests/{asked.json()['request_id']}/decisions",
            account=user,
            json={"position": position, "decision": "approve", "approver_name": user, "comment": "同意"},
        )
        assert answer.status_code in (200, 201), answer.text
        decided = answer.json()
    assert decided["status"] == "granted"
    grant = {"grant_id": decided["grant_id"]}
    read = call(platform, keeper, COUNTY_A, {Role.INSPECTOR}, "GET", version_path, account="reader-zhang", params=grant)
    assert read.status_code == 200, read.text
    assert evidence["evidence_id"] in str(read.json())
    assert approved.json()["record_sha256"] in str(read.json())
    content = call(
        platform,
        keeper,
        COUNTY_A,
        {Role.INSPECTOR},
        "GET",
        f"{version_path}/evidence/{evidence['evidence_id']}",
        account="reader-zhang",
        params=grant,
    )
    assert content.status_code == 200 and content.content == document
    other = call(
        platform,
        f"evidence-{COUNTY_B}",
        COUNTY_B,
        {Role.ARCHIVE_KEEPER},
        "GET",
        f"/visits/{visit['visit_id']}/archive",
    )
    assert other.status_code in (403, 404)
    assert date.fromisoformat(visit["due"]) <= TODAY + timedelta(days=60)  # results are due by the task's end
