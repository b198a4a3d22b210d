"""The whole job, done by the people who do it, through nothing but what they use: accounts created and enrolled
through identity (password + TOTP), logins, the services' HTTP APIs and the operators' command lines. No token is
minted and no row is written behind a service's back.

Hebei (130000) runs the central platform; its city 石家庄 (130100) and two of its districts take part:
- 长安区 (130102) works on the central platform (how most provinces run today): its staff log into the province's
  inspection and evidence services with county-scoped accounts;
- 桥西区 (130104) runs its own inspection, evidence, publication and notification (a federated node, database of its
  own).

The journey: node settings → each county's plan filed with the city and accepted → the province plan filed → a
unified task from the province plan, published and frozen → the draw ceremony → each county receives its entities
→ every inspector of each team logs in, sees the visit and finds the assignment in their inbox → the prior notice
(PDF) → evidence and the record → the review returns the result once, then approves it → follow-up: correction,
re-check, closure → publication record
→ the archive is filed → an access request approved by the department head and the leader in charge → the filed
version read → the registry knows the entity was inspected → the province sees the progress per county, and the
task reaches "results published" only through the publication records. Both counties go through the same steps.
At the end anyone, with no account, finds each entity's published result at the publication service of the node
that inspected it (the central platform's for 长安区, 桥西区's own), personal data on the form masked, and each
node's chain of publication receipts whole, its drawn list with teams by credential number only, every result
published within its 20-working-day deadline; a county's keeper finds its archive by a phrase of a scanned page.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from platform_cluster import PROVINCE, ROOT, Platform, platform_for
from registry_files import credential, labour_inspectors, write_entities, write_inspectors

from hrss.contracts.masking import id_check_character
from hrss.testing.documents import pdf_document
from hrss.testing.journey import (
    Office,
    approve,
    checklist,
    china_today,
    correct_and_close,
    draw,
    file_plan,
    filed_archive,
    freeze_in_draw,
    grant_to_read,
    issue_notice,
    open_office,
    publish,
    submit,
    team_of,
    upload,
    visits,
)
from hrss.testing.people import Mailbox, Person, address_of, enrol, first_admin
from hrss.testing.processes import wait_until
from hrss.testing.scans import scanned_page

pytestmark = pytest.mark.e2e

CITY, CENTRAL, FEDERATED = "130100", "130102", "130104"
SIBLING = "130105"  # 新华区: a county of the same city on the central platform, not in the task
SCANNED_PHRASE = "用人单位未按时足额支付劳动者工资"
SCANNED_FORM = (
    "劳动保障监察检查记录",
    "检查事项：工资支付情况",
    f"检查发现：{SCANNED_PHRASE}",
    "处理意见：责令限期改正",
)
COUNTIES = {CENTRAL: "石家庄市长安区人力资源和社会保障局", FEDERATED: "石家庄市桥西区人力资源和社会保障局"}
TODAY = china_today()
YEAR = TODAY.year
LABOUR = "劳动保障监察"
INSPECTORS_PER_COUNTY = 3
# personal data an inspector might write into the findings (检查情况): never in a public answer
MOBILE = "13912345678"
RESIDENT_ID = "13010219850307123" + id_check_character("13010219850307123")
CONTACT = f"（企业联系人手机 {MOBILE}，身份证号 {RESIDENT_ID}）"


def write_registry(folder: Path) -> tuple[Path, Path]:
    """12 entities in each county of the task, 5 in a county outside it; 3 labour inspectors in each county."""
    entities = write_entities(folder / "entities.csv", ((CENTRAL, 12), (FEDERATED, 12), ("130203", 5)), "A", "旅程")
    rows = labour_inspectors(COUNTIES, INSPECTORS_PER_COUNTY, TODAY + timedelta(days=900))
    return entities, write_inspectors(folder / "inspectors.csv", rows)


@pytest.fixture(scope="module")
def platform(servers, tmp_path_factory) -> Iterator[Platform]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("journey-e2e")
    entities, inspectors = write_registry(folder)
    with platform_for(servers, folder) as platform:
        cli = ("--node", PROVINCE, "--actor", "省厅运维")
        platform.load_seed_checklist(*cli, "--lines-from-units", "--qualification", "行政执法资格")
        for kind, path in (("entities", entities), ("inspectors", inspectors)):
            report = platform.registry_cli(f"import-{kind}", str(path), *cli)
            assert '"rejected": 0' in report, report
        platform.env["HRSS_DELEGATED_NODES"] = FEDERATED  # the central platform leaves 桥西区 to its own deployment
        platform.env["HRSS_AUDIT_CHECKPOINT_SECONDS"] = "10"  # every chain checkpointed while the journey runs
        platform.start(
            "identity", "registry", "planning", "draw", "inspection", "evidence", "publication", "notification"
        )
        platform.start_county(FEDERATED, "inspection", "evidence", "publication", "notification")
        yield platform


def urls_for(platform: Platform, county: str) -> dict[str, str]:
    """What the county's people log into: the central services, with the federated county's own inspection and
    evidence, publication and notification where it runs them."""
    names = ("identity", "registry", "planning", "draw", "inspection", "evidence", "publication", "notification")
    own = ("inspection", "evidence", "publication", "notification")
    urls = {name: platform.urls[name] for name in names}
    urls["mail"] = platform.urls["mail"]  # where each person reads their own mail (their enrolment code)
    if county == FEDERATED:
        urls |= {name: platform.urls[f"{name}-{county}"] for name in own}
    return urls


def test_the_whole_job_by_the_people_who_do_it_central_and_federated(platform: Platform) -> None:
    identity_dir = ROOT / "services" / "identity"
    identity_env = platform.as_service("identity", platform.dsn)  # the operator CLI runs as the service's own role
    root = first_admin(urls_for(platform, PROVINCE), identity_env, PROVINCE, "root", "省厅管理员", identity_dir)
    province = enrol(root, "planner-province", "省厅计划处", PROVINCE, ["planner"])
    city = enrol(root, "planner-city", "市局计划科", CITY, ["planner"])
    offices = {
        county: open_office(
            root, urls_for(platform, county), county, [credential(county, n) for n in range(INSPECTORS_PER_COUNTY)]
        )
        for county in COUNTIES
    }

    # -- settings ---------------------------------------------------------------------------------------------
    province.call(
        "planning",
        "PUT",
        f"/settings/{PROVINCE}",
        {"plan_deadline": "01-31", "general_minimum": "3%", "task_number_template": "冀人社抽〔{year}〕{seq}号"},
    )
    for county, body in COUNTIES.items():
        settings = {"issuing_body": body, "document_prefix": f"{county[-2:]}人社监", "contact_phone": "0311-86000000"}
        offices[county].admin.call("inspection", "PUT", f"/nodes/{county}/settings", settings)

    # -- plans: each county files with the city, which accepts; the province files its own ------------------
    wait_until(lambda: len(checklist(province, PROVINCE)) == 9, 90, "the checklist at planning")
    for county, office in offices.items():
        plan = file_plan(office.planner, county, YEAR)
        assert plan["status"] == "filed" and plan["filed_with"] == CITY
        accepted = city.call("planning", "POST", f"/plans/{plan['plan_id']}/accept", {"comment": "同意备案"})
        assert accepted["status"] == "accepted"
    province_plan = file_plan(province, PROVINCE, YEAR)
    assert province_plan["status"] in ("filed", "accepted")

    # -- the unified task from the province plan, published and frozen -----------------------------------------
    items = checklist(province, PROVINCE)
    labour = [i for i in items if i["line"] == "labour_inspection" and "county" in i["levels"]]
    assert labour, items
    task = province.call(
        "planning",
        "POST",
        "/tasks",
        {
            "node": PROVINCE,
            "title": f"{YEAR}年全省劳动用工统一抽查",
            "year": YEAR,
            "plan_id": province_plan["plan_id"],
            "items": [{"item_id": labour[0]["item_id"], "ratio": "10%"}],
            "lines": [LABOUR],
            "start": (TODAY - timedelta(days=5)).isoformat(),
            "end": (TODAY + timedelta(days=40)).isoformat(),
            "implementing_nodes": list(COUNTIES),
            "unified": True,
        },
    )
    task_id = task["task_id"]
    number = province.call("planning", "POST", f"/tasks/{task_id}/publish")["number"]
    assert number == f"冀人社抽〔{YEAR}〕1号"
    province.call("planning", "POST", f"/tasks/{task_id}/freeze", {"reason": "公示期满"})

    # -- the draw ceremony ----------------------------------------------------------------------------------------
    draw_id = freeze_in_draw(province, task_id, "省厅、公证员各掷骰 20 位")
    drawn = draw(
        province, draw_id, (("省人社厅 张三", "31415926535897932384"), ("公证员 李四", "27182818284590452353"))
    )
    assert set(drawn["picks_by_node"]) == set(COUNTIES)

    # -- each county: the visits, the inspection, the review, the follow-up, the archive -------------------------
    # an archive keeper of a sibling county (新华区) on the central platform, who must not find their archives
    sibling = enrol(root, f"keeper-{SIBLING}", "新华区档案管理员", SIBLING, ["archive_keeper"])
    for county, office in offices.items():
        inspect_every_visit(office, task_id, drawn["picks_by_node"][county], sibling)

    # the central platform never opened the federated county's visits, and 桥西区 holds none of 长安区's
    central_visits = root.call("inspection", "GET", "/visits")["visits"]
    assert {v["node"] for v in central_visits} == {CENTRAL}
    federated = offices[FEDERATED].planner.call("inspection", "GET", "/visits")["visits"]
    assert {v["node"] for v in federated} == {FEDERATED}

    # -- upward: the province sees each county's progress; the task is done when every result is published -------
    def status() -> str:
        return str(province.call("planning", "GET", f"/tasks/{task_id}")["status"])

    wait_until(lambda: status() == "results_published", 120, "the task's results published")
    progress = province.call("planning", "GET", f"/tasks/{task_id}/progress")
    rows = {row["node"]: row for row in progress["nodes"]}
    for county in COUNTIES:
        picked = drawn["picks_by_node"][county]
        assert rows[county]["approved"] == picked and rows[county]["published"] == picked, rows[county]
    own = offices[CENTRAL].planner.call("planning", "GET", f"/tasks/{task_id}/progress")
    assert [row["node"] for row in own["nodes"]] == [CENTRAL]  # a county sees its own row only
    records = province.call("planning", "GET", f"/tasks/{task_id}/history")["records"]
    assert not any(record["override"] for record in records)  # every step after the dispatch followed from facts
    steps = [record["status"] for record in records]
    after = steps[steps.index("dispatched") :]
    assert [s for s in after if s in ("in_progress", "completed", "results_published")] == [
        "in_progress",
        "completed",
        "results_published",
    ]
    automatic = [r for r in records if r["status"] in ("in_progress", "completed", "results_published")]
    assert {r["actor"] for r in automatic} == {"service:planning"}

    # -- no administrator takes over another's account alone, and a reset stops the holder's tokens everywhere ----
    no_administrator_takes_over_another(root, offices[FEDERATED].admin)

    # -- what everyone did is in audit chains checkpointed above them: the province's anchored off the database ----
    audit_chains_are_checkpointed(platform)

    # -- 一公开: anyone finds each result at the node that inspected it, masked, with its receipt chain whole -------
    for county, office in offices.items():
        results_are_public(platform, county, office, task_id)
    announced = requests.get(f"{platform.urls['publication']}/tasks/{task_id}", timeout=30).json()
    assert announced["node"] == PROVINCE and announced["content"]["number"] == number  # the province's 公示

    # -- search: the central county's results found by the entity's name, its item's words and the region facet --
    results_are_searchable(platform, offices[CENTRAL])


def audit_chains_are_checkpointed(platform: Platform) -> None:
    """The operator's verifier finds the province's inspection chain whole against the checkpoints anchored in the
    object store (outside any database), and the federated county's against those the central platform keeps for
    it: what a database superuser might cut off a chain's tail would show."""
    anchor = {
        "HRSS_AUDIT_ANCHOR_BUCKET": platform.env["HRSS_AUDIT_ANCHOR_BUCKET"],
        "HRSS_S3_ENDPOINT": platform.servers.s3_endpoint,
        "HRSS_S3_ACCESS_KEY": platform.servers.s3_access_key,  # the operator reads the anchor
        "HRSS_S3_SECRET_KEY": platform.servers.s3_secret_key,
    }
    [county_dsn] = platform.county_dsns
    chains = {
        "province": ["--dsn", platform.dsn, "--schema", "inspection", "--node", PROVINCE, "--anchor"],
        "county": ["--dsn", county_dsn, "--schema", "inspection", "--node", FEDERATED, "--parent-dsn", platform.dsn],
    }
    reports: dict[str, dict[str, Any]] = {}

    def verified(name: str) -> bool:
        cli = [sys.executable, "-m", "hrss.audit.cli", *chains[name], "--json"]
        done = subprocess.run(cli, env={**os.environ, **anchor}, capture_output=True, text=True, check=False)
        assert done.returncode in (0, 1), done.stderr
        reports[name] = {**json.loads(done.stdout), "exit": done.returncode}
        return int(reports[name]["checkpoints"]) >= 1

    for name in chains:
        wait_until(lambda name=name: verified(name), 90, f"a checkpoint of the {name}'s inspection chain")
        report = reports[name]
        assert report["ok"] and report["exit"] == 0 and report["entries"] > 0, report


def results_are_public(platform: Platform, county: str, office: Office, task_id: str) -> None:
    """Anonymously (no token): each of the county's inspected entities, by its USCC, at the publication service of
    the node that inspected it — the inspecting body, the items and the result category, the findings without the
    mobile and ID numbers written into them, the USCC in clear — and not at the other deployment's; the county's
    receipt chain verifies over every result. (The journey withholds no result, so no not-public one is checked.)"""
    mine = platform.urls["publication" if county == CENTRAL else f"publication-{county}"]
    other = platform.urls[f"publication-{FEDERATED}" if county == CENTRAL else "publication"]
    inspected = office.planner.call("inspection", "GET", "/visits")["visits"]
    labels = {"未发现问题", "发现问题已责令改正"}
    for visit in inspected:
        uscc = visit["uscc"]
        answer = published_page(mine, uscc)
        [result] = answer.json()["results"]
        content = result["content"]
        assert result["node"] == county and content["inspecting_body"]["node"] == county, content
        assert content["uscc"] == uscc and uscc in answer.text
        assert content["result_category"] in labels and [t["task_id"] for t in content["tasks"]] == [task_id]
        assert content["items"] and all(i["item"] and i["result"] in labels for i in content["items"]), content
        assert all("联系人手机 139****5678" in i["findings"] for i in content["items"]), content
        assert MOBILE not in answer.text and RESIDENT_ID not in answer.text
        assert answer.headers["Cache-Control"] == "public, max-age=60" and answer.headers["ETag"]
        elsewhere = requests.get(f"{other}/entities/{uscc}/results", timeout=30)
        assert elsewhere.status_code == 200 and elsewhere.json()["results"] == []  # 谁检查、谁公开
    drawn_list_is_public(mine, county, inspected)
    check = requests.get(f"{mine}/nodes/{county}/receipts/verification", timeout=30).json()
    receipts = requests.get(f"{mine}/nodes/{county}/receipts", params={"limit": "1000"}, timeout=30).json()
    kinds = {(r["kind"], r["record_id"]) for r in receipts["receipts"]}
    assert check["valid"] and check["length"] == len(receipts["receipts"]), check  # the whole chain, verified
    assert len({record for kind, record in kinds if kind == "result"}) == len(inspected), kinds
    # each result public within 20 working days of the task's completion, as the county's planner sees it
    deadlines = office.planner.call("publication", "GET", "/deadlines", params={"node": county})["deadlines"]
    assert {d["result_id"] for d in deadlines} == {record for kind, record in kinds if kind == "result"}, deadlines
    assert {d["state"] for d in deadlines} == {"met"}, deadlines


def drawn_list_is_public(base: str, county: str, inspected: list[dict[str, Any]]) -> None:
    """The county's drawn list, anonymously: every entity it inspects by name and USCC, each team by credential
    number only (no inspector's name anywhere), and the link to the draw's public verification record."""
    listed: list[dict[str, Any]] = []

    def complete() -> bool:
        answer = requests.get(f"{base}/drawn-lists", params={"node": county}, timeout=30)
        listed[:] = answer.json()["records"] if answer.status_code == 200 else []
        return len(listed) == 1 and len(listed[0]["content"]["entities"]) == len(inspected)

    wait_until(complete, 90, f"the drawn list of {county}", interval=1.0)
    content = listed[0]["content"]
    teams = {visit["uscc"]: {m["credential_no"] for m in visit["team"]} for visit in inspected}
    assert {e["uscc"]: set(e["team"]) for e in content["entities"]} == teams, content
    assert "检查员" not in json.dumps(content, ensure_ascii=False), content  # the registry's names: 检查员<county><n>
    assert content["verification"].endswith(f"/draws/{content['draw_id']}/public"), content


def published_page(base: str, uscc: str) -> requests.Response:
    """The entity page of `uscc` at the publication service `base`, asked with no token, once it lists a result."""
    found: list[requests.Response] = []

    def listed() -> bool:
        found[:] = [requests.get(f"{base}/entities/{uscc}/results", timeout=30)]
        return found[0].status_code == 200 and bool(found[0].json()["results"])

    wait_until(listed, 90, f"the published result of {uscc} at {base}", interval=1.0)  # within the rate limit
    return found[0]


def no_administrator_takes_over_another(root: Person, holder: Person) -> None:
    """The province's administrator asks to reset a county administrator's enrolment; a second province
    administrator approves, and the new code goes to the holder's own mailbox (neither administrator sees it); the
    holder's access token, still within its 10 minutes, is refused at once by the central registry and by the
    federated county's own inspection service."""
    held = holder.log_in().access_token
    assert held is not None

    def answers() -> list[requests.Response]:
        headers = {"Authorization": f"Bearer {held}"}
        return [
            requests.get(holder.urls["inspection"] + "/visits", headers=headers, timeout=30),
            requests.get(holder.urls["registry"] + "/entities", headers=headers, timeout=30),
        ]

    assert all(a.status_code != 401 for a in answers())  # the token works before the reset
    deputy = enrol(root, "deputy-province", "省厅副管理员", PROVINCE, ["province_admin"])
    path = f"/accounts/{holder.account['id']}/enrolment"
    mail, address = Mailbox.of(holder.urls), address_of(holder.login, holder.node)
    before = mail.seen(address)
    asked = root.call("identity", "POST", path, {"reason": "本人手机丢失，电话申请重置"}, expect=202)
    assert asked["enrolment"] is None and asked["approval_required"] is True
    alone = root.request("identity", "POST", f"{path}/approve", json={})
    assert alone.status_code == 403 and alone.json()["code"] == "access.second_admin_required"
    approved = deputy.call("identity", "POST", f"{path}/approve", {})
    assert approved["status"] == "pending" and "code" not in approved["enrolment"] and approved["enrolment"]["sent_to"]
    code = mail.enrolment_code(address, before)  # the holder's, in their own mailbox
    assert code not in json.dumps([asked, approved]) and approved["enrolment"]["sent_to"]["email"] != address

    def refused_everywhere() -> bool:
        return all(a.status_code == 401 and a.json()["code"] == "auth.token_revoked" for a in answers())

    wait_until(refused_everywhere, 30, "the holder's access token refused after the reset")
    body = {"refresh_token": holder.refresh_token}
    again = requests.post(holder.urls["identity"] + "/auth/refresh", json=body, timeout=30)
    assert again.status_code == 401


def inspect_every_visit(office: Office, task_id: str, expected: int, sibling: Person) -> None:
    county, planner = office.county, office.planner
    found = visits(planner, expected)
    assert len(found) == expected and {v["node"] for v in found} == {county}
    assert all(task_id in {t["task_id"] for t in v["tasks"]} for v in found)

    # every inspector sees exactly the visits whose team they are on, on login
    for number, inspector in office.inspectors.items():
        seen = {v["visit_id"] for v in inspector.call("inspection", "GET", "/visits")["visits"]}
        teams = {v["visit_id"] for v in found if number in {m["credential_no"] for m in v["team"]}}
        assert seen == teams, (number, seen, teams)
        assignments_in_inbox(inspector, [v for v in found if v["visit_id"] in teams])

    first, *others = found
    inspect_with_follow_up(office, first, sibling)
    for visit in others:
        lead, _ = team_of(office, visit)
        result = submit(lead, visit, "no_problem", f"查阅劳动合同、工资支付台账，未发现问题{CONTACT}")
        approve(office.head, result["result_id"], 1)
        check_published(publish(planner, result["result_id"]))


def check_published(record: dict[str, Any]) -> None:
    assert record["public"] is True and len(record["content_sha256"]) == 64


def assignments_in_inbox(inspector: Person, assigned: list[dict[str, Any]]) -> None:
    """The inspector's own inbox, at the notification service of their deployment, tells them of each entity they
    were matched to (004 §9.2.1: entity, USCC, task), unread until they read it."""
    notes: list[dict[str, Any]] = []

    def arrived() -> bool:
        inbox = inspector.call("notification", "GET", "/inbox", params={"limit": "200"})["notifications"]
        notes[:] = [n for n in inbox if n["template_id"] == "assignment"]
        return len(notes) >= len(assigned)

    wait_until(arrived, 90, f"{inspector.login}'s assignments in the inbox", interval=1.0)
    assert len(notes) == len(assigned), notes  # once each, no more
    for visit in assigned:
        assert any(visit["uscc"] in n["body"] and visit["entity_name"] in n["body"] for n in notes), (visit, notes)
    if notes:
        unread = inspector.call("notification", "GET", "/inbox/unread-count")["unread"]
        assert inspector.call("notification", "POST", f"/inbox/{notes[0]['id']}/read")["read"] is True
        assert inspector.call("notification", "GET", "/inbox/unread-count")["unread"] == unread - 1


def inspect_with_follow_up(office: Office, visit: dict[str, Any], sibling: Person) -> None:
    county, planner, head = office.county, office.planner, office.head
    lead, second = team_of(office, visit)
    visit_id = visit["visit_id"]

    # the prior notice, as the entity receives it: issuing body, number, date, items, inspectors' credentials
    _notice, pdf = issue_notice(planner, visit, "监察科 0311-86000000")
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert COUNTIES[county] in text and "本机关" not in text
    for member in visit["team"]:
        assert member["credential_no"] in text

    # the team files evidence and enters the record; an inspector of another team cannot add to this visit
    document = pdf_document(f"{county} 工资支付台账 {TODAY.year} 年")
    uploaded = upload(lead, county, visit_id, document, "工资台账.pdf")
    upload(lead, county, visit_id, scanned_page(SCANNED_FORM), "检查记录扫描件.png")  # the signed form, scanned
    team = {m["credential_no"] for m in visit["team"]}
    outsider = next((p for n, p in office.inspectors.items() if n not in team), None)
    if outsider is not None:
        refused = outsider.request(
            "evidence",
            "POST",
            "/evidence",
            params={"node": county, "visit_id": visit_id, "kind": "documentary", "filename": "x.pdf"},
            data=document,
            headers={"Content-Type": "application/octet-stream"},
        )
        assert refused.status_code == 403, refused.text

    # the record, returned once by the reviewer, entered again by the other member, approved
    categories = {c["code"] for c in lead.call("inspection", "GET", "/categories")["categories"]}
    ordered = next(c for c in categories if "correct" in c)
    result_id = submit(lead, visit, ordered, "未按月足额支付工资")["result_id"]
    head.call("inspection", "POST", f"/results/{result_id}/return", {"version": 1, "opinion": "请补充欠薪人数与金额"})
    again = submit(second, visit, ordered, f"未按月足额支付工资，涉及 3 人共 12,000 元{CONTACT}")
    assert again["result_id"] == result_id and again["version"] == 2
    approved = approve(head, result_id, 2)

    # follow-up: a correction ordered, re-checked, closed (follow-up rate 100 %); then the publication record
    correct_and_close(head, lead, result_id)
    check_published(publish(planner, result_id))

    # the archive, filed by the evidence service that serves the county, read only with two approvals
    keeper = office.keeper
    filed = filed_archive(keeper, visit_id)
    assert filed["versions"][0]["evidence_count"] == 2
    archive_found_by_its_scanned_page(office, filed, sibling)
    version = f"/archives/{filed['archive_id']}/versions/1"
    assert keeper.request("evidence", "GET", version).status_code == 403
    grant = {"grant_id": grant_to_read(office, keeper, filed["archive_id"], "复核检查结果")}
    read = keeper.call("evidence", "GET", version, params=grant)
    assert uploaded["evidence_id"] in str(read) and approved["record_sha256"] in str(read)
    content = keeper.request("evidence", "GET", f"{version}/evidence/{uploaded['evidence_id']}", params=grant)
    assert content.status_code == 200 and content.content == document

    # the registry records the inspection, so the next draw can leave the entity alone (无事不扰)
    def last_inspected() -> str | None:
        return office.admin.call("registry", "GET", f"/entities/by-uscc/{visit['uscc']}").get("last_inspected")

    wait_until(lambda: last_inspected() == TODAY.isoformat(), 90, "the registry's last inspection")


def archive_found_by_its_scanned_page(office: Office, filed: dict[str, Any], sibling: Person) -> None:
    """The county's archive keeper finds the archive by a phrase of its scanned page (OCR, indexed after filing),
    highlighted; the sibling county's keeper, asking the central platform's evidence service, finds nothing."""
    found: list[dict[str, Any]] = []

    def indexed() -> bool:
        found[:] = [office.keeper.call("evidence", "GET", "/archives/search", params={"q": SCANNED_PHRASE})]
        return any(hit["archive_id"] == filed["archive_id"] for hit in found[0]["hits"])

    wait_until(indexed, 120, "the archive in the archive search (OCR of its scanned page)")
    hit = found[0]["hits"][0]  # ranked first: the phrase itself
    assert hit["archive_id"] == filed["archive_id"] and "检查记录扫描件.png" in hit["document_names"], hit
    assert {h["node_code"] for h in found[0]["hits"]} == {office.county}, found[0]
    assert "<em>" in "".join(hit["highlights"]["text"]), hit
    theirs = sibling.call("evidence", "GET", "/archives/search", params={"q": SCANNED_PHRASE})
    assert theirs["total"] == 0 and theirs["hits"] == [], theirs


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def results_are_searchable(platform: Platform, office: Office) -> None:
    """Anonymously (plain requests), at the central publication service: each of the central county's published
    results found by a search for the entity's name, by the words of its item and by the region facet (node), with
    the mobile and ID numbers written into its findings in no hit and no highlight."""
    base = platform.urls["publication"]
    for visit in office.planner.call("inspection", "GET", "/visits")["visits"]:
        [result] = published_page(base, visit["uscc"]).json()["results"]
        content, record_id = result["content"], result["record_id"]
        searched(base, record_id, q=content["entity_name"])
        searched(base, record_id, q=content["items"][0]["item"], node=CENTRAL, size="50")
        page = searched(base, record_id, node=CENTRAL, size="50")
        assert all(hit["node_code"] == CENTRAL for hit in page["hits"]), page  # the county's own, nothing else
    facet = searched(base, None, node=CITY)["facets"]["region"]
    assert CENTRAL in {bucket["key"] for bucket in facet}, facet  # the region tree one level below the city


def searched(base: str, record_id: str | None, **params: str) -> dict:
    """A public search at `base` with no token, once its hits include `record_id`; nothing personal in it."""
    found: list[requests.Response] = []

    def listed() -> bool:
        found[:] = [requests.get(f"{base}/search", params=params, timeout=30)]
        ids = [hit["record_id"] for hit in found[0].json().get("hits", [])] if found[0].status_code == 200 else []
        return bool(ids) and (record_id is None or record_id in ids)

    wait_until(listed, 90, f"search {params} at {base}", interval=1.0)  # within the rate limit
    answer = found[0]
    assert MOBILE not in answer.text and RESIDENT_ID not in answer.text, answer.text
    assert answer.headers["Cache-Control"] == "public, max-age=60" and answer.headers["ETag"]
    return dict(answer.json())
