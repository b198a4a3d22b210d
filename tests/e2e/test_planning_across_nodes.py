"""Planning end to end, through public edges only: the registry's checklist reaches planning over Kafka, two
counties file their plans with their city, which accepts them, and the province starts a unified task covering
both counties, whose `planning.task_ready_for_draw` event is on Kafka for the draw service.

Processes: the registry's outbox relay (the checklist is loaded with the registry's own CLI), the planning
service serving the province with its cities and counties as tenants (the central deployment), and its relay;
real PostgreSQL and Kafka. The planning process is killed with SIGKILL and restarted half way.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from platform_cluster import PROVINCE, Platform, platform_for

from hrss.testing.processes import wait_until

pytestmark = pytest.mark.e2e

CITY, COUNTY_A, COUNTY_B = "130100", "130102", "130104"


@pytest.fixture(scope="module")
def platform(servers, tmp_path_factory) -> Iterator[Platform]:  # type: ignore[no-untyped-def]
    with platform_for(servers, tmp_path_factory.mktemp("planning-e2e")) as platform:
        platform.load_seed_checklist("--node", PROVINCE, "--actor", "e2e")
        platform.start("planning")
        yield platform


def test_counties_file_plans_with_their_city_and_the_province_starts_a_unified_task(platform: Platform) -> None:
    province, city = platform.as_(PROVINCE), platform.as_(CITY)
    wait_until(
        lambda: len(province.call("GET", "/checklist", node=PROVINCE)["items"]) == 9, 90, "the checklist from Kafka"
    )
    province.call(
        "PUT",
        f"/settings/{PROVINCE}",
        {"plan_deadline": "01-31", "general_minimum": "3%", "task_number_template": "冀人社抽〔{year}〕{seq}号"},
    )

    plans = {}
    for county in (COUNTY_A, COUNTY_B):
        planner = platform.as_(county)
        items = planner.call("GET", "/checklist", node=county)["items"]
        plan = planner.call("POST", "/plans", {"node": county, "year": 2027})
        draft = [{"item_id": i["item_id"], "item_version": i["version"]} for i in items]
        planner.call("PUT", f"/plans/{plan['plan_id']}/draft", {"items": draft})
        filed = planner.call("POST", f"/plans/{plan['plan_id']}/file")
        assert filed["status"] == "filed" and filed["filed_with"] == CITY and filed["late"] is False
        plans[county] = plan["plan_id"]

    queue = city.call("GET", "/plans", parent=CITY, status="filed")["items"]
    assert {p["plan_id"] for p in queue} == set(plans.values())

    platform.services["planning"].kill9()  # mid-way: nothing committed may be lost, nothing applied twice
    platform.services["planning"].start()

    for plan_id in plans.values():
        accepted = city.call("POST", f"/plans/{plan_id}/accept", {"comment": "同意备案"})
        assert accepted["status"] == "accepted"

    items = province.call("GET", "/checklist", node=PROVINCE)["items"]
    assert len(items) == 9  # the consumer did not apply the checklist twice after the restart
    task = province.call(
        "POST",
        "/tasks",
        {
            "node": PROVINCE,
            "title": "2027年全省劳动用工和社会保险统一抽查",
            "year": 2027,
            "items": [{"item_id": items[6]["item_id"]}, {"item_id": items[4]["item_id"], "ratio": "10%"}],
            "lines": ["劳动保障监察"],
            "start": "2027-04-01",
            "end": "2027-06-30",
            "implementing_nodes": [COUNTY_A, COUNTY_B],
            "unified": True,
            "scope": {"region_codes": [COUNTY_A, COUNTY_B]},
            "grade_ratios": {"C": "20%", "D": "50%"},
            "exclude_inspected_within_months": 12,
            "ad_hoc_reason": "省厅统一部署",
        },
    )
    task_id = task["task_id"]
    assert province.call("POST", f"/tasks/{task_id}/publish")["number"] == "冀人社抽〔2027〕1号"
    province.call("POST", f"/tasks/{task_id}/freeze", {"reason": "公示期满"})

    for county in (COUNTY_A, COUNTY_B):
        seen = platform.as_(county).call("GET", "/tasks", implementing=county)["items"]
        assert [t["task_id"] for t in seen] == [task_id]

    filed = platform.events("planning.plan_filed.v1", 2)
    assert {e["subject"] for e in filed} == set(plans.values())
    assert {e["payload"]["filed_with"] for e in filed} == {CITY}
    accepted_events = platform.events("planning.plan_accepted.v1", 2)
    assert len(accepted_events) == 2
    assert {e["payload"]["plan"]["plan_id"] for e in accepted_events} == set(plans.values())
    assert {e["payload"]["actor"]["node"] for e in accepted_events} == {CITY}
    ready = platform.events("planning.task_ready_for_draw.v1", 1)
    assert len(ready) == 1
    state = ready[0]["payload"]["task"]
    assert state["task_id"] == task_id and state["number"] == "冀人社抽〔2027〕1号"
    assert state["implementing_nodes"] == [COUNTY_A, COUNTY_B] and state["unified"] is True
    assert [i["item_version"] for i in state["items"]] == [1, 1]
    ratio = state["items"][1]["ratio"]
    assert (ratio["kind"], ratio["numerator"], ratio["denominator"]) == ("fraction", 1, 10)
    assert state["kpi"] == {"joint": False, "credit_differentiated": True, "major_items": 0, "minor_items": 2}
    assert ready[0]["producer"] == {"service": "planning", "node": PROVINCE}
