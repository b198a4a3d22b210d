"""A finished example on a fresh local platform, made by the people who would do the work (`make run` calls it).

Zhejiang (330000) plans and draws a unified labour-inspection task for two districts of Hangzhou: 上城区 (330102)
works on the central platform, 西湖区 (330106) runs its own inspection and evidence. Every account is created by
an administrator through the identity service and enrolled with its own password and TOTP secret; then the staff
plan, draw, inspect, review, follow up, publish and archive, all through the services' HTTP APIs.

The logins are written once to a file only root can read (local demo only: a deployment never has such a file).
A second run finds the file and only says where it is.

    infra/local/services exec .venv/bin/python infra/local/demo.py
"""

from __future__ import annotations

import contextlib
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from hrss.testing import journey
from hrss.testing.people import Person, credential_line, enrol, first_admin

ROOT = Path(__file__).resolve().parents[2]
STATE = Path(os.environ.get("HRSS_STATE", "/var/tmp/hrss-stack")) / "services"
LOGINS = STATE / "demo-logins.tsv"
PROVINCE, CITY, CENTRAL = "330000", "330100", "330102"
FEDERATED = os.environ.get("HRSS_FEDERATED_COUNTY", "330106")
BODIES = {CENTRAL: "杭州市上城区人力资源和社会保障局", FEDERATED: "杭州市西湖区人力资源和社会保障局"}
PORTS = {"identity": 8100, "registry": 8101, "planning": 8102, "draw": 8103, "inspection": 8104, "evidence": 8105}
FEDERATED_OFFSET = 10


def urls(county: str | None = None) -> dict[str, str]:
    found = {name: f"http://127.0.0.1:{port}" for name, port in PORTS.items()}
    if county == FEDERATED:
        for name in ("inspection", "evidence"):
            found[name] = f"http://127.0.0.1:{PORTS[name] + FEDERATED_OFFSET}"
    return found


def labour_inspectors(root: Person, county: str) -> list[str]:
    """The credential numbers of the county's active labour inspectors, from the registry."""
    params = {"node": county, "line": "labour_inspection", "status": "active"}
    items = root.call("registry", "GET", "/inspectors", params=params)["items"]
    return [i["credential_no"] for i in items if i.get("node") == county]


def run() -> list[Person]:
    root = first_admin(urls(), os.environ, PROVINCE, "root", "省厅管理员", ROOT / "services" / "identity")
    province = enrol(root, f"planner-{PROVINCE}", "省厅监督处计划员", PROVINCE, ["planner"])
    city = enrol(root, f"planner-{CITY}", "杭州市局计划科员", CITY, ["planner"])
    auditor = enrol(root, f"auditor-{PROVINCE}", "省厅审计人员", PROVINCE, ["auditor"])
    offices = {
        county: journey.open_office(root, urls(county), county, labour_inspectors(root, county)) for county in BODIES
    }
    people = [root, province, city, auditor]
    for office in offices.values():
        people += [office.admin, office.planner, office.head, office.leader, office.keeper, *office.inspectors.values()]
    print(f"    demo: {len(people)} accounts enrolled with their own passwords and TOTP secrets")

    today = journey.china_today()
    province.call(
        "planning",
        "PUT",
        f"/settings/{PROVINCE}",
        {"plan_deadline": "01-31", "general_minimum": "3%", "task_number_template": "浙人社抽〔{year}〕{seq}号"},
    )
    for county, body in BODIES.items():
        settings = {"issuing_body": body, "document_prefix": f"{body[3:5]}人社监", "contact_phone": "0571-87000000"}
        offices[county].admin.call("inspection", "PUT", f"/nodes/{county}/settings", settings)
        plan = journey.file_plan(offices[county].planner, county, today.year)
        city.call("planning", "POST", f"/plans/{plan['plan_id']}/accept", {"comment": "同意备案"})
    plan = journey.file_plan(province, PROVINCE, today.year)
    items = [i for i in journey.checklist(province, PROVINCE) if i["line"] == "labour_inspection"]
    task = province.call(
        "planning",
        "POST",
        "/tasks",
        {
            "node": PROVINCE,
            "title": f"{today.year}年杭州市劳动用工统一抽查（示例）",
            "year": today.year,
            "plan_id": plan["plan_id"],
            "items": [{"item_id": items[0]["item_id"]}],  # at the checklist's own ratio
            "lines": ["劳动保障监察"],
            "start": (today - timedelta(days=5)).isoformat(),
            "end": (today + timedelta(days=40)).isoformat(),
            "implementing_nodes": list(BODIES),
            "scope": {"region_codes": list(BODIES)},
            "unified": True,
        },
    )
    task_id = task["task_id"]
    province.call("planning", "POST", f"/tasks/{task_id}/publish")
    province.call("planning", "POST", f"/tasks/{task_id}/freeze", {"reason": "公示期满"})
    draw_id = journey.freeze_in_draw(province, task_id, "省厅、公证员各掷骰 20 位")
    witnesses = (("省人社厅 张三", "31415926535897932384"), ("公证处 李四", "27182818284590452353"))
    drawn = journey.draw(province, draw_id, witnesses)
    print(f"    demo: task {task_id} drawn (draw {draw_id}): {drawn['picks_by_node']}")

    for county, office in offices.items():
        inspect(office, drawn["picks_by_node"].get(county, 0))
    print(f"    demo: every visit inspected, approved and published; task status: {status(province, task_id)}")
    return people


def inspect(office: journey.Office, expected: int) -> None:
    """The first visit in full (notice, evidence, a returned then approved result, follow-up, archive read under two
    approvals); the others entered, approved and published."""
    found = journey.visits(office.planner, expected)
    first, *others = found
    lead, second = journey.team_of(office, first)
    journey.issue_notice(office.planner, first, "监察科 0571-87000000")
    document = "工资支付台账（示例）".encode()
    evidence = journey.upload(lead, office.county, first["visit_id"], document, "工资支付台账.txt")
    result_id = journey.submit(lead, first, "corrected", "未按月足额支付工资")["result_id"]
    office.head.call("inspection", "POST", f"/results/{result_id}/return", {"version": 1, "opinion": "请补充金额"})
    journey.submit(second, first, "corrected", "未按月足额支付工资，涉及 3 人共 12,000 元")
    journey.approve(office.head, result_id, 2)
    journey.correct_and_close(office.head, lead, result_id)
    journey.publish(office.planner, result_id)
    archive = journey.filed_archive(office.keeper, first["visit_id"])
    grant = journey.grant_to_read(office, office.keeper, archive["archive_id"], "示例：复核检查结果")
    office.keeper.call("evidence", "GET", f"/archives/{archive['archive_id']}/versions/1", params={"grant_id": grant})
    print(f"    demo: {office.county} visit {first['visit_id']} archived with evidence {evidence['evidence_id']}")
    for visit in others:
        member, _ = journey.team_of(office, visit)
        other = journey.submit(member, visit, "no_problem", "查阅劳动合同、工资支付台账，未发现问题")
        journey.approve(office.head, other["result_id"], 1)
        journey.publish(office.planner, other["result_id"])


def status(person: Person, task_id: str) -> str:
    from hrss.testing.processes import wait_until

    found: dict[str, Any] = {}

    def published() -> bool:
        found.update(person.call("planning", "GET", f"/tasks/{task_id}"))
        return found.get("status") == "results_published"

    with contextlib.suppress(TimeoutError):  # say what it reached instead
        wait_until(published, 60, "the task's results published")
    return str(found.get("status"))


def write_logins(people: list[Person]) -> None:
    STATE.mkdir(parents=True, exist_ok=True)
    LOGINS.touch(mode=0o600)
    os.chmod(LOGINS, 0o600)
    lines = ["# node\tlogin\tpassword\ttotp_secret\troles\tname  (local demo only; never in a deployment)"]
    LOGINS.write_text("\n".join(lines + [credential_line(p) for p in people]) + "\n", encoding="utf-8")


def explain() -> None:
    print(f"  示例账号 / demo logins  {LOGINS}（仅 root 可读，含密码与动态口令密钥；本地演示专用）")
    rows = [line.split("\t") for line in LOGINS.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    for node, login, _password, _secret, roles, name in rows:
        print(f"    {node}  {login:<24} {roles:<16} {name}")
    print("    登录：POST http://127.0.0.1:8100/auth/login {login, password, totp}；当前动态口令：")
    print("    .venv/bin/python -m hrss.testing.people totp <totp_secret>")
    print("    上手指南 / first hour: docs/first-hour.md")


def wait_for_services() -> None:
    import requests

    from hrss.testing.processes import wait_until

    def healthy(url: str) -> bool:
        try:
            return requests.get(url + "/health", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    for county in (None, FEDERATED):
        for name, url in urls(county).items():
            wait_until(lambda url=url: healthy(url), 120, f"{name} at {url}")


def still_valid() -> bool:
    """The logins file belongs to this platform's data: its first account still logs in (after `stack reset` the
    accounts are gone and the file is stale)."""
    from hrss.testing.people import Authenticator, Refused

    first = next(line for line in LOGINS.read_text(encoding="utf-8").splitlines() if not line.startswith("#"))
    node, login, password, secret, *_ = first.split("\t")
    try:
        Person(login, password, Authenticator(secret), urls(), node=node).log_in()
    except Refused:
        return False
    return True


def main() -> int:
    try:
        wait_for_services()
        if LOGINS.exists():
            if still_valid():
                explain()
                return 0
            LOGINS.rename(LOGINS.with_suffix(".stale"))
        print("==> demo: a finished example (accounts, plans, a unified task drawn, inspected, approved, archived)")
        people = run()
    except Exception as error:  # the platform is up all the same; say what did not work and how to retry
        print(f"  示例数据未能完成 / demo not finished: {error}", file=sys.stderr)
        print("  平台仍在运行。示例只在空平台上生成：清空数据后重来 make stop && infra/local/stack reset && make run")
        return 0
    write_logins(people)
    explain()
    return 0


if __name__ == "__main__":
    sys.exit(main())
