"""The steps of the platform's main job as the people who do them take them, through the services' HTTP APIs only.

The journey test (tests/e2e/test_journey.py) walks these steps and checks what each person gets; the local demo
(`make run`, infra/local/demo.py) walks the same steps to leave a finished example behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hrss.testing.people import Person, Refused, enrol
from hrss.testing.processes import wait_until


def china_today() -> date:
    """The calendar date in China Standard Time, which deadlines and records use."""
    return (datetime.now(UTC) + timedelta(hours=8)).date()


@dataclass
class Office:
    """The staff of one county, logged into the deployment that serves it."""

    county: str
    admin: Person
    planner: Person
    head: Person  # 部门负责人: reviews results, approves archive access first
    leader: Person  # 分管领导: approves archive access second
    keeper: Person
    inspectors: dict[str, Person] = field(default_factory=dict)  # by credential number


def open_office(root: Person, urls: Mapping[str, str], county: str, credentials: Iterable[str]) -> Office:
    """The county administrator, made by the province's, makes the county's staff and one account for each of the
    county's registry inspectors (linked by credential number); each person enrols and logs in."""
    admin = enrol(root, f"admin-{county}", "县局管理员", county, ["county_admin"])
    admin.urls = dict(urls)
    office = Office(
        county,
        admin,
        enrol(admin, f"planner-{county}", "计划科员", county, ["planner"]),
        enrol(admin, f"head-{county}", "监察科科长", county, ["approver"]),
        enrol(admin, f"leader-{county}", "分管副局长", county, ["approver"]),
        enrol(admin, f"keeper-{county}", "档案管理员", county, ["archive_keeper"]),
    )
    for n, number in enumerate(credentials):

        def linked(n: int = n, number: str = number) -> bool:  # the registry's record reaches identity by Kafka
            try:
                login = f"inspector-{county}-{n}"
                office.inspectors[number] = enrol(admin, login, f"执法员{n + 1}", county, ["inspector"], number)
            except Refused as refusal:
                if "account.inspector_unknown" not in str(refusal):
                    raise
                return False
            return True

        wait_until(linked, 90, f"the inspector account of {number}")
    return office


def checklist(person: Person, node: str) -> list[dict[str, Any]]:
    """The checklist in force at `node`, as planning knows it."""
    return list(person.call("planning", "GET", "/checklist", params={"node": node})["items"])


def file_plan(planner: Person, node: str, year: int) -> dict[str, Any]:
    """The node's annual plan covering every item in force, filed upward (a province's filing is its record)."""
    plan = planner.call("planning", "POST", "/plans", {"node": node, "year": year})
    draft = [{"item_id": i["item_id"], "item_version": i["version"]} for i in checklist(planner, node)]
    planner.call("planning", "PUT", f"/plans/{plan['plan_id']}/draft", {"items": draft})
    filed = planner.call("planning", "POST", f"/plans/{plan['plan_id']}/file")
    return dict(filed)


def freeze_in_draw(province: Person, task_id: str, randomness_plan: str) -> str:
    """The frame and roster frozen at the draw service, once the task's ready event and its items reached it."""
    found: dict[str, str] = {}
    waiting = ("draw.task_not_ready", "draw.item_not_known")

    def frozen() -> bool:
        answer = province.request(
            "draw", "POST", "/draws", json={"task_id": task_id, "randomness_plan": randomness_plan}
        )
        if answer.status_code in (404, 409) and answer.json().get("code") in waiting:
            return False
        if answer.status_code not in (200, 201):
            raise Refused(f"freeze of {task_id}: {answer.status_code} {answer.text}")
        found["draw_id"] = answer.json()["draw_id"]
        return True

    wait_until(frozen, 90, "the task ready at the draw service")
    return found["draw_id"]


def draw(province: Person, draw_id: str, contributions: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The witnesses' public contributions, then the draw: entities, teams, dispatch."""
    for witness, digits in contributions:
        province.call("draw", "POST", f"/draws/{draw_id}/contributions", {"witness": witness, "value": digits})
    return dict(province.call("draw", "POST", f"/draws/{draw_id}/draw"))


def visits(person: Person, expected: int) -> list[dict[str, Any]]:
    """The visits the person sees, once there are `expected` of them (dispatches travel by Kafka)."""
    found: list[dict[str, Any]] = []

    def enough() -> bool:
        found[:] = person.call("inspection", "GET", "/visits")["visits"]
        return len(found) >= expected

    wait_until(enough, 120, "the visits")
    return found


def team_of(office: Office, visit: Mapping[str, Any]) -> tuple[Person, Person]:
    """The first two members of the visit's team, as the people they are."""
    members = [office.inspectors[m["credential_no"]] for m in visit["team"]]
    if len(members) < 2:
        raise Refused(f"visit {visit['visit_id']} has a team of {len(members)}")
    return members[0], members[1]


def issue_notice(planner: Person, visit: Mapping[str, Any], contact: str) -> tuple[dict[str, Any], bytes]:
    """The prior notice (事先告知书) and its PDF as the entity receives it."""
    today = china_today()
    notice = planner.call(
        "inspection",
        "POST",
        f"/visits/{visit['visit_id']}/notices",
        {
            "window_start": today.isoformat(),
            "window_end": (today + timedelta(days=10)).isoformat(),
            "materials": ["劳动合同", "工资支付台账", "社会保险缴费记录"],
            "contact": contact,
        },
    )
    pdf = planner.request("inspection", "GET", f"/visits/{visit['visit_id']}/notices/{notice['notice_id']}.pdf")
    if pdf.status_code != 200:
        raise Refused(f"notice PDF: {pdf.status_code} {pdf.text}")
    return dict(notice), pdf.content


def upload(inspector: Person, county: str, visit_id: str, document: bytes, filename: str) -> dict[str, Any]:
    """Evidence uploaded by a team member, once the evidence service knows the visit (its event is on its way)."""
    found: list[dict[str, Any]] = []

    def accepted() -> bool:
        answer = inspector.request(
            "evidence",
            "POST",
            "/evidence",
            params={"node": county, "visit_id": visit_id, "kind": "documentary", "filename": filename},
            data=document,
            headers={"Content-Type": "application/octet-stream"},
        )
        if answer.status_code == 404 and answer.json().get("code") == "evidence.visit_unknown":
            return False
        if answer.status_code not in (200, 201):
            raise Refused(f"upload to {visit_id}: {answer.status_code} {answer.text}")
        found.append(answer.json())
        return True

    wait_until(accepted, 60, "the evidence service to know the visit")
    return found[0]


def submit(inspector: Person, visit: Mapping[str, Any], category: str, findings: str) -> dict[str, Any]:
    """The record form (检查记录表) and result, every item of every task of the visit, both members present."""
    form = {
        "inspected_on": china_today().isoformat(),
        "present": [m["inspector_id"] for m in visit["team"]],
        "items": [
            {
                "task_id": t["task_id"],
                "item_id": i["item_id"],
                "category": category,
                "findings": findings,
                "methods": ["on_site"],
            }
            for t in visit["tasks"]
            for i in t["items"]
        ],
        "overall": category,
        "methods": ["on_site", "documentary"],
        "entity_signed": True,
    }
    return dict(inspector.call("inspection", "POST", f"/visits/{visit['visit_id']}/results", form))


def approve(reviewer: Person, result_id: str, version: int) -> dict[str, Any]:
    body = {"version": version, "opinion": "同意"}
    return dict(reviewer.call("inspection", "POST", f"/results/{result_id}/approve", body))


def publish(planner: Person, result_id: str) -> dict[str, Any]:
    """The node's publication record of an approved result (谁检查、谁公开)."""
    return dict(planner.call("inspection", "POST", f"/results/{result_id}/publication", {"public": True}))


def correct_and_close(handler: Person, inspector: Person, result_id: str) -> dict[str, Any]:
    """A correction ordered, re-checked as done and closed (后续处理)."""
    today = china_today()
    follow_up = handler.call(
        "inspection",
        "POST",
        f"/results/{result_id}/follow-ups",
        {"kind": "correction", "ordered_on": today.isoformat(), "due": (today + timedelta(days=15)).isoformat()},
    )
    path = f"/follow-ups/{follow_up['follow_up_id']}/steps"
    inspector.call(
        "inspection", "POST", path, {"kind": "recheck", "on": today.isoformat(), "passed": True, "note": "已整改"}
    )
    inspector.call("inspection", "POST", path, {"kind": "closed", "on": today.isoformat(), "note": "整改到位，办结"})
    return dict(follow_up)


def filed_archive(keeper: Person, visit_id: str) -> dict[str, Any]:
    """The visit's archive, once the evidence service filed it from the approved result."""
    found: list[dict[str, Any]] = []

    def filed() -> bool:
        answer = keeper.request("evidence", "GET", f"/visits/{visit_id}/archive")
        if answer.status_code == 200:
            found.append(answer.json())
        return bool(found)

    wait_until(filed, 90, "the archive")
    return found[0]


def grant_to_read(office: Office, requester: Person, archive_id: str, purpose: str) -> str:
    """An access request approved by the department head and the leader in charge (004 §12.4); the grant id."""
    until = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    asked = requester.call(
        "evidence",
        "POST",
        f"/archives/{archive_id}/access-requests",
        {"versions": [1], "mode": "read", "purpose": purpose, "valid_until": until},
        expect=201,
    )
    decided: dict[str, Any] = {}
    for position, approver in (("department_head", office.head), ("leader_in_charge", office.leader)):
        decided = approver.call(
            "evidence",
            "POST",
            f"/access-requests/{asked['request_id']}/decisions",
            {"position": position, "decision": "approve", "approver_name": approver.name, "comment": "同意"},
        )
    if decided.get("status") != "granted":
        raise Refused(f"access to {archive_id} not granted: {decided}")
    return str(decided["grant_id"])
