"""The assignment in the auditor package (docs/draw-assignment.md §9): the verifier re-runs it, and each kind of
tampering is named by the check that catches it; the public record holds none of it."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hrss.drawkit import log as draw_log
from hrss.drawkit.assignment import (
    AUDIT_CHECKS,
    reason_commitment,
    requirement,
    ticket,
)
from hrss.drawkit.encoding import SHA256, profile
from hrss.drawkit.package import public_record
from hrss.drawkit.seed import assign_key
from hrss.drawkit.vectors.assignment_case import BASE, DAY, SOCIAL, joint, salt, scenario
from hrss.drawkit.verify import verify, verify_auditor


@pytest.fixture(scope="module")
def honest() -> dict[str, Any]:
    """A draw, its teams, a chain of two replacements on one team, and a replaced entity with its own team."""
    return scenario().package()


def fresh(package: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(package)


def failing(package: dict[str, Any]) -> set[str]:
    return set(verify_auditor(package).names(passing=False))


def rechain(package: dict[str, Any]) -> None:
    """What a forger who controls everything but the published commitments does: re-hash the log."""
    previous = ""
    chosen = profile(package["profile"])
    for entry in package["log"]:
        entry["hash"] = draw_log.entry_hash(chosen, previous, entry["seq"], entry["kind"], entry["at"], entry["body"])
        previous = entry["hash"]


def test_the_world_has_what_the_checks_are_about(honest: dict[str, Any]) -> None:
    runs = honest["assignment"]["runs"]
    assert len(runs) == 2 and len(runs[1]["entities"]) == 1
    assert [e["kind"] for e in honest["log"]].count("team_replaced") == 2
    first = next(e for e in honest["log"] if e["kind"] == "assigned")
    assert first["body"]["infeasible"], "a B entity drawn for social insurance has too few after recusal"
    assert all(isinstance(u, str) for u in first["body"]["infeasible"])


def test_an_honest_package_passes_every_named_assignment_check(honest: dict[str, Any]) -> None:
    report = verify(honest)
    assert report.ok, [c for c in report.checks if not c.ok]
    assert set(AUDIT_CHECKS) <= set(report.names())
    detail = {c.name: c.detail for c in report.checks}
    assert "2 replacements replayed" in detail["assignment.replacements"]
    assert "by the committed rule" in detail["assignment.inputs"]


def test_a_package_without_the_assignment_section_runs_no_assignment_check(honest: dict[str, Any]) -> None:
    package = fresh(honest)
    del package["assignment"]
    report = verify(package)
    assert report.ok and not set(AUDIT_CHECKS) & {c.name for c in report.checks}


def other_eligible(package: dict[str, Any], uscc: str, team: list[str]) -> dict[str, Any]:
    """A roster inspector eligible for the entity (available, of its node, qualified, not recused), not on `team`."""
    return next(
        r for r in package["assignment"]["roster"] if r["inspector_id"] not in team and _eligible_for(package, r, uscc)
    )


def swap_member(package: dict[str, Any], *, rewrite_log: bool) -> None:
    """Put another eligible inspector, with its true ticket, on an entity's team (one never replaced)."""
    run = package["assignment"]["runs"][0]
    changed = {e["body"]["uscc"] for e in package["log"] if e["kind"] == "team_replaced"}
    uscc = next(u for u in sorted(run["teams"]) if u not in changed)
    team = run["teams"][uscc]
    new = other_eligible(package, uscc, [m["inspector_id"] for m in team])
    key = assign_key(SHA256, bytes.fromhex(package["seed"]))
    team[0] = {
        "inspector_id": new["inspector_id"],
        "credential_no": new["credential_no"],
        "ticket": ticket(SHA256, key, uscc, new["inspector_id"]).hex(),
    }
    team.sort(key=lambda m: (m["ticket"], m["inspector_id"]))
    if rewrite_log:
        from hrss.drawkit.assignment import teams_hash

        entry = next(e for e in package["log"] if e["seq"] == run["seq"])
        entry["body"]["teams_hash"] = teams_hash(SHA256, run["teams"])
        rechain(package)


def test_a_changed_team_member_is_caught_by_the_teams_hash(honest: dict[str, Any]) -> None:
    package = fresh(honest)
    swap_member(package, rewrite_log=False)
    assert "assignment.teams_hash" in failing(package)


def exchange_members(package: dict[str, Any]) -> None:
    """Swap two inspectors between two teams where each is eligible for the other's entity: every load stays the
    same, so the result is valid and balanced, only not the one the seed gives. The log is rewritten to match."""
    from hrss.drawkit.assignment import teams_hash

    run = package["assignment"]["runs"][0]
    changed = {e["body"]["uscc"] for e in package["log"] if e["kind"] == "team_replaced"}
    key = assign_key(SHA256, bytes.fromhex(package["seed"]))
    teams = {u: t for u, t in run["teams"].items() if u not in changed}
    ok = {
        (r["inspector_id"], u) for u in teams for r in package["assignment"]["roster"] if _eligible_for(package, r, u)
    }
    for u, v in ((u, v) for u in sorted(teams) for v in sorted(teams) if u < v):
        for x in [m["inspector_id"] for m in teams[u]]:
            for y in [m["inspector_id"] for m in teams[v]]:
                ids_u, ids_v = [m["inspector_id"] for m in teams[u]], [m["inspector_id"] for m in teams[v]]
                if x in ids_v or y in ids_u or (y, u) not in ok or (x, v) not in ok:
                    continue
                roster = {r["inspector_id"]: r for r in package["assignment"]["roster"]}
                for uscc, old, new in ((u, x, y), (v, y, x)):
                    team = [m for m in run["teams"][uscc] if m["inspector_id"] != old]
                    team.append(
                        {
                            "inspector_id": new,
                            "credential_no": roster[new]["credential_no"],
                            "ticket": ticket(SHA256, key, uscc, new).hex(),
                        }
                    )
                    run["teams"][uscc] = sorted(team, key=lambda m: (m["ticket"], m["inspector_id"]))
                entry = next(e for e in package["log"] if e["seq"] == run["seq"])
                entry["body"]["teams_hash"] = teams_hash(SHA256, run["teams"])
                rechain(package)
                return
    raise AssertionError("no exchange possible in this world")


def _eligible_for(package: dict[str, Any], r: dict[str, Any], uscc: str) -> dict[str, Any] | None:
    run = package["assignment"]["runs"][0]
    entity = next(e for e in run["entities"] if e["uscc"] == uscc)
    pick = next(p for p in package["picks"] if p["uscc"] == uscc)
    need = set(requirement(pick["items"], package["assignment"]["qualifications"]))
    pairs = {(p["inspector_id"], p["uscc"]) for p in package["assignment"]["recusal"]}
    fits = (
        r["node"] == entity["node"]
        and r["active"]
        and r["credential_expires"] >= DAY.isoformat()
        and need <= set(r["qualifications"])
        and (r["inspector_id"], uscc) not in pairs
        and uscc not in r["former_employers"]
    )
    return r if fits else None


def test_a_valid_balanced_but_hand_picked_assignment_is_caught_only_by_the_re_run(honest: dict[str, Any]) -> None:
    package = fresh(honest)
    exchange_members(package)
    found = verify_auditor(package)
    assert found.names(passing=False) == ["assignment.rerun"]


def test_a_recused_member_with_a_rewritten_log_is_caught_by_the_check_and_the_re_run(honest: dict[str, Any]) -> None:
    package = fresh(honest)
    run = package["assignment"]["runs"][0]
    pair = next(r for r in package["assignment"]["recusal"] if r["uscc"] in run["teams"])
    team = run["teams"][pair["uscc"]]
    recused = next(r for r in package["assignment"]["roster"] if r["inspector_id"] == pair["inspector_id"])
    key = assign_key(SHA256, bytes.fromhex(package["seed"]))
    team[0] = {
        "inspector_id": recused["inspector_id"],
        "credential_no": recused["credential_no"],
        "ticket": ticket(SHA256, key, pair["uscc"], recused["inspector_id"]).hex(),
    }
    team.sort(key=lambda m: (m["ticket"], m["inspector_id"]))
    from hrss.drawkit.assignment import teams_hash

    entry = next(e for e in package["log"] if e["seq"] == run["seq"])
    entry["body"]["teams_hash"] = teams_hash(SHA256, run["teams"])
    rechain(package)
    report = verify_auditor(package)
    assert {"assignment.check", "assignment.rerun"} <= set(report.names(passing=False))
    detail = next(c.detail for c in report.checks if c.name == "assignment.check")
    assert "recused_declared" in detail


def test_a_dropped_recusal_pair_is_caught_by_the_recusal_root(honest: dict[str, Any]) -> None:
    package = fresh(honest)
    package["assignment"]["recusal"].pop(0)
    assert "assignment.recusal_root" in failing(package)


def test_an_altered_recusal_salt_is_caught_by_the_recusal_root(honest: dict[str, Any]) -> None:
    package = fresh(honest)
    package["assignment"]["recusal"][1]["salt"] = salt(999)
    assert failing(package) == {"assignment.recusal_root"}


def test_an_altered_roster_salt_is_caught_by_the_roster_root(honest: dict[str, Any]) -> None:
    package = fresh(honest)
    package["assignment"]["roster"][3]["salt"] = salt(999)
    assert failing(package) == {"assignment.roster_root"}


def test_a_qualification_added_to_the_roster_is_caught_by_the_roster_root(honest: dict[str, Any]) -> None:
    package = fresh(honest)
    package["assignment"]["roster"][-1]["qualifications"].append(SOCIAL)
    assert "assignment.roster_root" in failing(package)


def test_a_weakened_item_requirement_is_caught_by_the_inputs(honest: dict[str, Any]) -> None:
    package = fresh(honest)
    package["assignment"]["qualifications"]["T1:si"] = [BASE]
    assert "assignment.inputs" in failing(package)


def test_an_entity_moved_to_another_node_is_caught_by_the_inputs(honest: dict[str, Any]) -> None:
    package = fresh(honest)
    package["assignment"]["runs"][0]["entities"][0]["node"] = "330199"
    assert "assignment.inputs" in failing(package)


def test_an_entity_given_to_the_unified_tasks_own_node_is_caught_by_the_territorial_rule(
    honest: dict[str, Any],
) -> None:
    """The city started the task and may be recorded as an implementing body, but an entity of a county among
    the implementing nodes is that county's (属地实施)."""
    package = fresh(honest)
    entity = package["assignment"]["runs"][0]["entities"][0]
    entity["node"] = package["task"]["tasks"][0]["node"]
    report = verify_auditor(package)
    assert set(report.names(passing=False)) >= {"assignment.inputs"}
    detail = dict((c.name, c.detail) for c in report.checks)["assignment.inputs"]
    assert "not the territorial one" in detail and entity["region_code"] in detail


def forge_replacement(package: dict[str, Any], **changes: Any) -> None:
    entry = next(e for e in package["log"] if e["kind"] == "team_replaced")
    entry["body"].update(changes)
    rechain(package)


def test_a_replacement_for_a_reason_not_allowed_is_caught(honest: dict[str, Any]) -> None:
    package = fresh(honest)
    entry = next(e for e in package["log"] if e["kind"] == "team_replaced")
    opening = package["assignment"]["replacement_reasons"][str(entry["seq"])]
    opening["reason"] = "不想去"  # a consistent forgery: the commitment made again for the new reason
    forge_replacement(package, reason_commitment=reason_commitment(SHA256, opening["salt"], "不想去"))
    assert failing(package) == {"assignment.replacements"}


def test_a_reason_that_does_not_open_its_commitment_or_is_not_opened_is_caught(honest: dict[str, Any]) -> None:
    package = fresh(honest)
    entry = next(e for e in package["log"] if e["kind"] == "team_replaced")
    package["assignment"]["replacement_reasons"][str(entry["seq"])]["reason"] = "job_change"  # was health
    assert failing(package) == {"assignment.replacements"}
    package = fresh(honest)
    del package["assignment"]["replacement_reasons"][str(entry["seq"])]
    assert failing(package) == {"assignment.replacements"}


def test_the_public_log_holds_a_replacement_reason_only_as_a_commitment(honest: dict[str, Any]) -> None:
    bodies = [e["body"] for e in honest["log"] if e["kind"] == "team_replaced"]
    assert bodies and all("reason" not in b and len(b["reason_commitment"]) == 64 for b in bodies)
    assert "health" not in json.dumps(public_record(honest), ensure_ascii=False)


def test_a_replacement_without_an_approver_is_caught(honest: dict[str, Any]) -> None:
    package = fresh(honest)
    forge_replacement(package, approver="  ")
    assert failing(package) == {"assignment.replacements"}


def test_a_replacement_that_skips_the_next_eligible_is_caught(honest: dict[str, Any]) -> None:
    package = fresh(honest)
    entry = next(e for e in package["log"] if e["kind"] == "team_replaced")
    body = entry["body"]
    run = package["assignment"]["runs"][0]
    team = [m["inspector_id"] for m in run["teams"][body["uscc"]]]
    other = other_eligible(package, body["uscc"], [*team, body["by"]])
    key = assign_key(SHA256, bytes.fromhex(package["seed"]))
    forge_replacement(
        package,
        by=other["inspector_id"],
        by_credential=other["credential_no"],
        ticket=ticket(SHA256, key, body["uscc"], other["inspector_id"]).hex(),
    )
    assert failing(package) == {"assignment.replacements"}


def test_an_unreadable_section_fails_every_assignment_check_by_name(honest: dict[str, Any]) -> None:
    package = fresh(honest)
    del package["assignment"]["roster"]
    assert failing(package) == set(AUDIT_CHECKS)


def test_the_public_record_holds_no_roster_recusal_grade_or_salt(honest: dict[str, Any]) -> None:
    record = public_record(honest)
    text = json.dumps(record, ensure_ascii=False)
    assert "assignment" not in record and verify(record).ok
    section_ = honest["assignment"]
    for secret in [r["salt"] for r in section_["roster"]] + [r["salt"] for r in section_["recusal"]]:
        assert secret not in text
    for word in ("former_employers", "station_region", "qualifications", "too_few", "recus", "credit"):
        assert word not in text.replace("recusal_root", "")
    assert not any("stratum" in p or "rank" in p for p in record["picks"])
    assert "|企业|A" not in text and "|企业|C" not in text
    declared = {(r["inspector_id"], r["uscc"]) for r in section_["recusal"]}
    for entry in record["log"]:
        for value in entry["body"].values():
            assert not (isinstance(value, dict) and "reason" in value)
        pairs = {(entry["body"].get("replaced"), entry["body"].get("uscc"))}
        assert not pairs & declared


def test_the_cli_names_the_failing_assignment_check(honest: dict[str, Any], tmp_path: Path) -> None:
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(honest, ensure_ascii=False), encoding="utf-8")
    tampered = fresh(honest)
    tampered["assignment"]["recusal"].pop()
    bad.write_text(json.dumps(tampered, ensure_ascii=False), encoding="utf-8")
    run = [sys.executable, "-m", "hrss.drawkit.verify"]
    passed = subprocess.run([*run, str(good)], capture_output=True, text=True, check=False)
    failed = subprocess.run([*run, str(bad), "--json"], capture_output=True, text=True, check=False)
    assert passed.returncode == 0 and "PASS  assignment.rerun" in passed.stdout
    assert failed.returncode == 1
    checks = {c["name"]: c["ok"] for c in json.loads(failed.stdout)}
    assert checks["assignment.recusal_root"] is False and checks["assignment.roster_root"] is True


def test_an_assigned_entry_of_the_earlier_format_still_verifies(honest: dict[str, Any]) -> None:
    """Entries logged before `draw_date` was recorded, with reasons beside the infeasible usccs: the draw date is
    the day of the entry's instant in UTC+8."""
    package = fresh(honest)
    entry = next(e for e in package["log"] if e["kind"] == "assigned")
    del entry["body"]["draw_date"]
    entry["body"]["infeasible"] = [{"uscc": u, "reason": "too_few_after_recusal"} for u in entry["body"]["infeasible"]]
    rechain(package)
    report = verify_auditor(package)
    assert report.ok, [c for c in report.checks if not c.ok]
    assert "too_few" not in json.dumps(public_record(honest))


def test_the_draw_date_of_an_entry_of_the_earlier_format_is_its_day_in_utc_8() -> None:
    from hrss.drawkit.assignment import run_date

    assert run_date({"at": "2027-04-01T16:30:00+00:00", "body": {}}) == date(2027, 4, 2)
    assert run_date({"at": "2027-04-01T15:59:59+00:00", "body": {}}) == date(2027, 4, 1)
    assert run_date({"at": "2027-04-01T23:30:00+00:00", "body": {"draw_date": "2027-04-01"}}) == date(2027, 4, 1)


@pytest.fixture(scope="module")
def joint_package() -> dict[str, Any]:
    """Two tasks of different scopes drawn jointly: the city's unified task implemented by county A, and county B's
    own task (assignment_case.JOINT_TASK)."""
    return joint().package()


def test_a_joint_draw_reaching_a_node_outside_the_first_tasks_scope_passes_every_check(
    joint_package: dict[str, Any],
) -> None:
    first, second = joint_package["task"]["tasks"]
    outside = {second["node"]} - {first["node"], *first["implementing_nodes"]}
    entities = [e for run in joint_package["assignment"]["runs"] for e in run["entities"]]
    teams = joint_package["assignment"]["runs"][0]["teams"]
    by_id = {r["inspector_id"]: r for r in joint_package["assignment"]["roster"]}
    assert outside and any(e["node"] in outside for e in entities), "a pick goes to the second task's county"
    assert any(by_id[m["inspector_id"]]["node"] in outside for team in teams.values() for m in team)
    report = verify_auditor(joint_package)
    assert report.ok, report.names(passing=False)
    assert set(AUDIT_CHECKS) <= set(report.names())


def test_a_joint_draw_still_refuses_a_node_no_task_allows(joint_package: dict[str, Any]) -> None:
    package = fresh(joint_package)
    package["assignment"]["runs"][0]["entities"][0]["node"] = "330199"
    assert "assignment.inputs" in failing(package)
    package = fresh(joint_package)
    package["assignment"]["roster"][0]["node"] = "330199"
    assert "assignment.inputs" in failing(package)
