"""The draw over HTTP against the real PostgreSQL, Kafka and MinIO: freeze and commit, ceremony, draw, dispatch,
replacement, void, the public and auditor records checked by the standalone verifier, refusals, append-only."""

from __future__ import annotations

import json
from collections import Counter

import pytest
import sqlalchemy as sa
from draw_testkit import (
    BASE_QUALIFICATION,
    COUNTY_A,
    COUNTY_B,
    ITEM_LABOUR,
    ITEM_SOCIAL,
    ITEM_TEXTS,
    LABOUR_QUALIFICATION,
    OTHER_LINE,
    Running,
)
from draw_testkit import uscc as uscc_of

from hrss.drawkit import SHA256, draw_key, merkle, verify
from hrss.drawkit.assignment import AUDIT_CHECKS
from hrss.drawkit.encoding import profile
from hrss.drawkit.frame import FrameEntry
from hrss.drawkit.package import plan_from
from hrss.drawkit.stream import check_stream, ticket_bounds
from hrss.drawkit.verify import verify_streamed

pytestmark = pytest.mark.integration

PLANNER = {"planner"}
OTHER = {COUNTY_A: COUNTY_B, COUNTY_B: COUNTY_A}


def frozen(service: Running) -> dict:
    body = {"task_id": service.world.task["task_id"], "randomness_plan": "省厅、监督处、公证员各掷骰 20 位"}
    answer = service.call("POST", "/draws", PLANNER, body=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def drawn(service: Running) -> dict:
    draw = frozen(service)
    draw_id = draw["draw_id"]
    for witness, digits in (("省人社厅 张三", "31415926535897932384"), ("公证员 李四", "27182818284590452353")):
        answer = service.call(
            "POST", f"/draws/{draw_id}/contributions", PLANNER, body={"witness": witness, "value": digits}
        )
        assert answer.status_code == 200, answer.text
    answer = service.call("POST", f"/draws/{draw_id}/draw", PLANNER)
    assert answer.status_code == 200, answer.text
    return answer.json()


def assert_items_carry_their_points(service: Running) -> None:
    """Every dispatched item carries the inspection points and legal basis of the version its task uses."""
    seen = set()
    for (value,) in service.rows("SELECT value FROM draw.outbox WHERE topic LIKE 'draw.assignment_dispatched%'"):
        for task in json.loads(bytes(value))["payload"]["tasks"]:
            for item in task["item_details"]:
                key = (item["item_id"], item["item_version"])
                assert (item["content"], item["legal_basis"]) == ITEM_TEXTS[key], key
                seen.add(key)
    assert seen == {(ITEM_LABOUR, 1), (ITEM_SOCIAL, 3)}


def test_a_unified_draw_is_committed_seeded_drawn_and_dispatched_to_its_counties(draw_service: Running) -> None:
    draw = frozen(draw_service)
    assert draw["status"] == "committed" and draw["frame_size"] == 600
    assert draw_service.rows("SELECT topic FROM draw.outbox") == [("draw.draw_committed.v1",)]
    early = draw_service.call("POST", f"/draws/{draw['draw_id']}/draw", PLANNER)
    assert early.status_code == 409 and "至少需要一位见证人" in early.json()["message"]

    again = draw_service.call(
        "POST", "/draws", PLANNER, body={"task_id": draw_service.world.task["task_id"], "randomness_plan": "x"}
    )
    assert again.status_code == 409 and again.json()["code"] == "draw.exists"


def test_the_drawn_list_verifies_and_is_dispatched_by_territory(draw_service: Running) -> None:
    result = drawn(draw_service)
    draw_id = result["draw_id"]
    assert result["status"] == "drawn" and len(result["seed"]) == 64
    public = draw_service.call("GET", f"/draws/{draw_id}/public", None)  # anonymous: the task publishes its list
    assert public.status_code == 200
    record = public.json()
    report = verify(record)
    assert report.ok, [c for c in report.checks if not c.ok]
    assert "frame" not in record and all("stratum" not in p for p in record["picks"])
    text = json.dumps(record, ensure_ascii=False)
    assert "|C" not in text and "|D" not in text  # no credit grade leaks into the public record

    package = draw_service.call("GET", f"/draws/{draw_id}/auditor", {"auditor"}).json()
    audit = verify(package)
    assert audit.ok, [c for c in audit.checks if not c.ok]
    assert {"frame.root", "selection", "eligibility", *AUDIT_CHECKS} <= set(audit.names())
    assert_public_holds_no_secret(record, package)
    frame = [FrameEntry.from_json(e) for e in package["frame"]]
    reasons = Counter(e.reason for e in frame)
    assert reasons["closed"] == 24 and reasons["out_of_object_types"] > 0 and reasons["recently_inspected"] > 0
    assert planner_refused(draw_service, f"/draws/{draw_id}/auditor")
    assert_snapshot_file_reverifies(draw_service, draw_id, package, frame)

    by_node = Counter(
        t.rsplit(".", 1)[1]
        for (t,) in draw_service.rows("SELECT topic FROM draw.outbox WHERE topic LIKE 'draw.assignment_dispatched%'")
    )
    assert dict(by_node) == result["picks_by_node"] and set(by_node) == {COUNTY_A, COUNTY_B}
    assert sum(by_node.values()) == len(record["picks"])
    sample = json.loads(
        bytes(
            draw_service.rows("SELECT value FROM draw.outbox WHERE topic LIKE 'draw.assignment_dispatched%' LIMIT 1")[
                0
            ][0]
        )
    )
    assert sample["target_node"] == sample["payload"]["region_code"]
    assert sample["payload"]["tasks"][0]["number"] == "冀人社抽〔2027〕1号"
    details = sample["payload"]["tasks"][0]["item_details"]
    assert [d["item_id"] for d in details] == sample["payload"]["tasks"][0]["items"] and details[0]["name"]
    assert_items_carry_their_points(draw_service)
    assert sample["payload"]["registry_record"]["status"] == "active"
    assert sample["payload"]["team"] and all(m["name"].startswith("检查员") for m in sample["payload"]["team"])
    assert "teams.logged" in report.names()
    assert_teams(draw_service, record)
    # the rule frozen into the committed task comes from the checklist versions the task names (the social
    # insurance item at version 3, without version 2's auditor card), and the verifier re-derived it
    assert package["task"]["qualifications"] == {
        "base": [],
        "by_line": {
            "labour_inspection": ["line:labour_inspection", LABOUR_QUALIFICATION, BASE_QUALIFICATION],
            "social_insurance": ["line:social_insurance", BASE_QUALIFICATION],
        },
    }
    roster = {r["credential_no"]: r for r in package["assignment"]["roster"]}
    other = next(i for i in draw_service.world.inspectors if i["line"] == OTHER_LINE)
    assert not any(q.startswith("line:") for q in roster[other["credential_no"]]["qualifications"])

    proof = draw_service.call("GET", f"/draws/{draw_id}/proofs/{record['picks'][0]['uscc']}", PLANNER).json()
    leaf = FrameEntry.from_json(proof["leaf"]).leaf()
    path = [bytes.fromhex(h) for h in proof["proof"]]
    assert merkle.verify_inclusion(
        SHA256, leaf, proof["index"], proof["size"], path, bytes.fromhex(proof["frame_root"])
    )
    assert proof["picked"] is True and proof["ticket"] <= proof["cutoff"]


def assert_public_holds_no_secret(record: dict, package: dict) -> None:
    """The public record holds no roster, no recusal relation, no salt of the auditor's section, no grade."""
    text = json.dumps(record, ensure_ascii=False)
    section = package["assignment"]
    assert "assignment" not in record and section["recusal"] and section["roster"]
    for row in section["roster"] + section["recusal"]:
        assert row["salt"] not in text
    for word in ("former_employers", "station_region", "too_few", "亲属任职", "credit_grade", "qualifications"):
        assert word not in text
    assert "recusal" not in text.replace("recusal_root", "")


def assert_teams(service: Running, record: dict) -> None:
    """Teams of 2 from the entity's own county, balanced, never a recused pair (declared or former employer), every
    member of a line of the task's items (an inspector of another line never, whatever he holds) and holding what
    the checklist says the entity's items need: the enforcement qualification, and the labour inspector's card for
    an entity drawn for the labour item."""
    inspectors = {i["credential_no"]: i for i in service.world.inspectors}
    items = {p["uscc"]: p["items"] for p in record["picks"]}
    labour_item = f"{service.world.task['task_id']}:{ITEM_LABOUR}"
    assert any(labour_item in i for i in items.values()) and any(labour_item not in i for i in items.values())
    unqualified = {c for c, i in inspectors.items() if LABOUR_QUALIFICATION not in i["qualifications"]}
    assert unqualified
    declared = {
        (service.world.inspectors[n * 6 + 1]["credential_no"], uscc_of(2, county))
        for n, county in enumerate((COUNTY_A, COUNTY_B))
    }
    loads: Counter[str] = Counter()
    teams = record["assignments"][0]["teams"]
    assert set(teams) == {p["uscc"] for p in record["picks"]}
    for uscc, team in teams.items():
        assert len(team) == 2 and len(set(team)) == 2
        for credential in team:
            member = inspectors[credential]
            assert member["node"] == uscc[2:8] and member["line"] != OTHER_LINE
            assert uscc not in member["former_employers"] and (credential, uscc) not in declared
            assert BASE_QUALIFICATION in member["qualifications"]
            if labour_item in items[uscc]:
                assert credential not in unqualified, (uscc, credential)
            loads[credential] += 1
    for county in (COUNTY_A, COUNTY_B):
        mine = [loads[c] for c, i in inspectors.items() if i["node"] == county and i["line"] != OTHER_LINE]
        assert max(mine) - min(mine) <= 1, mine


def assert_snapshot_file_reverifies(service: Running, draw_id: str, package: dict, frame: list[FrameEntry]) -> None:
    """The frame snapshot file (docs/draw-spec.md §4.3) holds the package's leaves as lines, and the streamed
    verifier finds from it the committed root and the initial picks."""
    answer = service.call("GET", f"/draws/{draw_id}/auditor/frame.tsv", {"auditor"})
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/tab-separated-values")
    assert answer.content.decode("utf-8").splitlines() == [e.line() for e in frame]
    chosen = profile(package["profile"])
    key = draw_key(chosen, bytes.fromhex(package["seed"]))
    count = next(e["body"]["picks"] for e in package["log"] if e["kind"] == "drawn")
    initial = package["picks"][:count]
    bounds = ticket_bounds(chosen, key, [(p["uscc"], p["stratum"]) for p in initial])
    found = check_stream(chosen, key, bounds, [answer.content], bytes)
    assert found.root.hex() == package["commitments"]["frame_root"] and found.size == len(frame) and found.ordered
    selection, short = found.selection(chosen, plan_from(package["plan"]))
    assert short == [] and [p.to_json() for p in selection.picks] == initial
    assert planner_refused(service, f"/draws/{draw_id}/auditor/frame.tsv")
    without = service.call("GET", f"/draws/{draw_id}/auditor?frame=none", {"auditor"}).json()
    assert "frame" not in without and without == {k: v for k, v in package.items() if k != "frame"}
    streamed = verify_streamed(without, [answer.content], bytes)
    assert streamed.ok, [c for c in streamed.checks if not c.ok]
    assert streamed.names() == verify(package).names()
    refused = service.call("GET", f"/draws/{draw_id}/auditor?frame=all", {"auditor"})
    assert refused.status_code == 400 and refused.json()["code"] == "request.invalid_frame"


def planner_refused(service: Running, path: str) -> bool:
    answer = service.call("GET", path, PLANNER)
    return answer.status_code == 403 and answer.json()["code"] == "access.role_required"


def test_a_replacement_takes_the_next_in_its_stratum_and_a_void_ends_the_draw(draw_service: Running) -> None:
    result = drawn(draw_service)
    draw_id = result["draw_id"]
    record = draw_service.call("GET", f"/draws/{draw_id}/public", None).json()
    invalid = record["picks"][0]["uscc"]
    bad = draw_service.call(
        "POST", f"/draws/{draw_id}/replacements", PLANNER, body={"uscc": invalid, "reason": "不想查"}
    )
    assert bad.status_code == 400 and bad.json()["code"] == "draw.replacement_reason"
    replaced = draw_service.call(
        "POST", f"/draws/{draw_id}/replacements", PLANNER, body={"uscc": invalid, "reason": "unreachable"}
    )
    assert replaced.status_code == 200, replaced.text
    twice = draw_service.call(
        "POST", f"/draws/{draw_id}/replacements", PLANNER, body={"uscc": invalid, "reason": "closed"}
    )
    assert twice.status_code == 409
    package = draw_service.call("GET", f"/draws/{draw_id}/auditor", {"province_admin"}).json()
    assert verify(package).ok
    assert package["picks"][-1]["replaces"] == invalid
    assert package["picks"][-1]["stratum"] == next(p["stratum"] for p in package["picks"] if p["uscc"] == invalid)

    voided = draw_service.call("POST", f"/draws/{draw_id}/void", PLANNER, body={"reason": "见证人未到场，程序不合规"})
    assert voided.status_code == 200 and voided.json()["status"] == "voided"
    after = draw_service.call(
        "POST", f"/draws/{draw_id}/replacements", PLANNER, body={"uscc": invalid, "reason": "closed"}
    )
    assert after.status_code == 409
    fresh = draw_service.call(
        "POST", "/draws", PLANNER, body={"task_id": draw_service.world.task["task_id"], "randomness_plan": "重新冻结"}
    )
    assert fresh.status_code == 200 and fresh.json()["draw_id"] != draw_id
    topics = [
        t
        for (t,) in draw_service.rows(
            "SELECT topic FROM draw.outbox WHERE topic NOT LIKE 'draw.assignment%' ORDER BY id"
        )
    ]
    assert topics == [
        "draw.draw_committed.v1",
        "draw.draw_completed.v1",
        "draw.draw_voided.v1",
        "draw.draw_committed.v1",
    ]


def test_other_nodes_are_refused_and_the_records_are_append_only(draw_service: Running) -> None:
    body = {"task_id": draw_service.world.task["task_id"], "randomness_plan": "x"}
    county = draw_service.call("POST", "/draws", PLANNER, node=COUNTY_A, body=body)
    assert county.status_code == 403 and county.json()["code"] == "access.out_of_scope"
    assert draw_service.call("POST", "/draws", None, body=body).status_code == 401
    unknown = draw_service.call(
        "POST", "/draws", PLANNER, body={**body, "task_id": "00000000-0000-0000-0000-000000000001"}
    )
    assert unknown.status_code == 404 and unknown.json()["code"] == "draw.task_not_ready"
    drawn(draw_service)
    with draw_service.engine.connect() as connection:
        for statement in ("UPDATE draw.draw_pick SET batch = 2", "DELETE FROM draw.draw_log"):
            with pytest.raises(sa.exc.DBAPIError, match="历史记录只能追加"):
                connection.execute(sa.text(statement))
            connection.rollback()


def test_an_expansion_adds_the_next_in_ticket_order_and_keeps_every_earlier_pick(draw_service: Running) -> None:
    result = drawn(draw_service)
    draw_id = result["draw_id"]
    before = draw_service.call("GET", f"/draws/{draw_id}/public", None).json()["picks"]
    item = f"{draw_service.world.task['task_id']}:{ITEM_LABOUR}"
    lower = draw_service.call(
        "POST", f"/draws/{draw_id}/expansions", PLANNER, body={"ratios": {item: "1%"}, "reason": "x"}
    )
    assert lower.status_code == 400 and lower.json()["code"] == "draw.expansion_not_larger"
    grown = draw_service.call(
        "POST", f"/draws/{draw_id}/expansions", PLANNER, body={"ratios": {item: "40%"}, "reason": "问题较多，扩大比例"}
    )
    assert grown.status_code == 200, grown.text
    record = draw_service.call("GET", f"/draws/{draw_id}/public", None).json()
    assert record["picks"][: len(before)] == before and len(record["picks"]) > len(before)
    assert {p["batch"] for p in record["picks"][len(before) :]} == {2}
    report = verify(record)
    assert report.ok and "teams.logged" in report.names(), [c for c in report.checks if not c.ok]
    package = draw_service.call("GET", f"/draws/{draw_id}/auditor", {"auditor"}).json()
    assert verify(package).ok


def test_a_team_member_is_replaced_only_for_an_allowed_reason_approved_at_the_county(draw_service: Running) -> None:
    result = drawn(draw_service)
    draw_id = result["draw_id"]
    record = draw_service.call("GET", f"/draws/{draw_id}/public", None).json()
    labour_item = f"{draw_service.world.task['task_id']}:{ITEM_LABOUR}"
    labour = {p["uscc"] for p in record["picks"] if labour_item in p["items"]}
    uscc, team = next((u, t) for u, t in record["assignments"][0]["teams"].items() if u in labour)
    county = uscc[2:8]
    by_credential = {i["credential_no"]: i for i in draw_service.world.inspectors}
    leaving = by_credential[team[0]]["inspector_id"]
    body = {"uscc": uscc, "inspector_id": leaving, "reason": "health", "approver": "新华区劳动监察大队 王队长"}
    planner = draw_service.call("POST", f"/draws/{draw_id}/team-replacements", PLANNER, node=county, body=body)
    assert planner.status_code == 403 and planner.json()["code"] == "access.role_required"
    admin = {"county_admin"}
    other = draw_service.call("POST", f"/draws/{draw_id}/team-replacements", admin, node=OTHER[county], body=body)
    assert other.status_code == 403
    bad = draw_service.call(
        "POST", f"/draws/{draw_id}/team-replacements", admin, node=county, body={**body, "reason": "不想去"}
    )
    assert bad.status_code == 400 and bad.json()["code"] == "draw.team_replacement_invalid"
    done = draw_service.call("POST", f"/draws/{draw_id}/team-replacements", admin, node=county, body=body)
    assert done.status_code == 200, done.text
    joined = done.json()["by"]
    member = next(i for i in draw_service.world.inspectors if i["inspector_id"] == joined)
    assert joined != leaving and member["node"] == county and LABOUR_QUALIFICATION in member["qualifications"]
    assert len(set(done.json()["team"])) == 2 and leaving not in done.json()["team"]
    topic = f"draw.team_changed.v1.{county}"
    assert draw_service.rows(f"SELECT count(*) FROM draw.outbox WHERE topic = '{topic}'") == [(1,)]
    report = verify(draw_service.call("GET", f"/draws/{draw_id}/auditor", {"auditor"}).json())
    assert report.ok, [c for c in report.checks if not c.ok]
    detail = {c.name: c.detail for c in report.checks}
    assert detail["assignment.replacements"].startswith("1 replacements replayed")
    public = draw_service.call("GET", f"/draws/{draw_id}/public", None).json()
    logged = next(e["body"] for e in public["log"] if e["kind"] == "team_replaced")
    assert "reason" not in logged and len(logged["reason_commitment"]) == 64  # health is not published
    assert verify(public).ok and "health" not in json.dumps(public)
    assert draw_service.rows("SELECT reason FROM draw.draw_replacement_reason") == [("health",)]


def test_the_cli_runs_a_whole_ceremony_and_saves_a_record_the_verifier_accepts(draw_service: Running, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    from draw import cli

    env = {"HRSS_DRAW_URL": draw_service.url, "HRSS_TOKEN": draw_service.token(PLANNER, "130000")}
    out = tmp_path / "show.json"
    assert cli.main(["freeze", draw_service.world.task["task_id"], "--plan", "两名见证人各掷骰 20 位"], env) == 0
    draw_id = str(draw_service.rows("SELECT draw_id FROM draw.draw_run")[0][0])
    for witness in ("张三", "李四"):
        assert cli.main(["contribute", draw_id, "--witness", witness, "--value", "12345678901234567890"], env) == 0
    assert cli.main(["draw", draw_id], env) == 0
    record = tmp_path / "public.json"
    assert cli.main(["public", draw_id, "--out", str(record)], env) == 0
    checked = subprocess.run([sys.executable, "-m", "hrss.drawkit.verify", str(record)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout
    with pytest.raises(SystemExit) as refused:
        cli.main(["draw", draw_id], env)
    assert "draw.cannot_draw" in str(refused.value) and "本次抽取已完成" in str(refused.value)
    assert cli.main(["show", draw_id, "--out", str(out)], env) == 0 and json.loads(out.read_text())["status"] == "drawn"


@pytest.mark.parametrize("draw_service", ["hrss-draw/sha256-aes/v1"], indirect=True)
def test_a_draw_in_the_fast_profile_has_aes_tickets_and_verifies(draw_service: Running) -> None:
    result = drawn(draw_service)
    record = draw_service.call("GET", f"/draws/{result['draw_id']}/public", None).json()
    assert record["profile"] == "hrss-draw/sha256-aes/v1"
    assert record["picks"] and all(len(p["ticket"]) == 32 for p in record["picks"])  # 16-byte AES tickets
    report = verify(record)
    assert report.ok, [c for c in report.checks if not c.ok]
    package = draw_service.call("GET", f"/draws/{result['draw_id']}/auditor", {"auditor"}).json()
    audit = verify(package)
    assert audit.ok and {"selection", "tickets", *AUDIT_CHECKS} <= set(audit.names())


def test_a_task_naming_an_item_version_the_draw_has_not_seen_is_not_frozen(draw_service: Running, kafka_broker) -> None:  # type: ignore[no-untyped-def]
    """Without the checklist version, the line and qualifications its teams need are unknown: no guess is frozen."""
    import uuid

    from draw_testkit import publish_group, task_state, wait_for

    task = task_state(str(uuid.uuid5(uuid.NAMESPACE_URL, "task-unknown-version")))
    task["items"] = [task["items"][0], {**task["items"][1], "item_version": 9}]
    publish_group(kafka_broker, [task])
    wait_for(lambda: draw_service.count("task_view") == 2, 60, "the task")
    answer = draw_service.call("POST", "/draws", PLANNER, body={"task_id": task["task_id"], "randomness_plan": "掷骰"})
    assert answer.status_code == 409 and answer.json()["code"] == "draw.item_not_known", answer.text
    assert "“社会保险稽核”第 9 版" in answer.json()["message"] and "劳动用工检查" not in answer.json()["message"]
    assert draw_service.count("draw_run") == 0
