"""The teams of a draw's picks (docs/draw-assignment.md): the assignment's input from the frozen snapshot, the
teams formed and logged by hash, and the auditor package's `assignment` section that lets them be re-derived."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta, timezone
from typing import Any

from draw.domain.draw import Draw
from draw.domain.records import DrawRun
from draw.service_layer import requirements
from draw.service_layer.context import Context
from draw.service_layer.frames import pick_target
from draw.service_layer.roster import inspectors
from hrss.drawkit import Pick
from hrss.drawkit import log as chain
from hrss.drawkit.assignment import (
    AssignmentInput,
    PickedEntity,
    assign,
    assigned_body,
    assigned_picks,
    item_requirements,
    requirement,
    run_date,
    section,
    teams_json,
)
from hrss.drawkit.seed import assign_key

CST = timezone(timedelta(hours=8))


def item_needs_of(run: DrawRun) -> dict[str, list[str]]:
    """`task_id:item_id` → the qualifications a member needs for it, by the rule committed in the task (a draw
    frozen before the rule was committed: what every member needed then, for every item)."""
    rule = run.task.get("qualifications") or {"base": list(requirements.LEGACY_BASE), "by_line": {}}
    return item_requirements(run.task["tasks"], rule["base"], rule["by_line"])


def assignment_input(
    ctx: Context,
    run: DrawRun,
    draw: Draw,
    frozen: Mapping[str, Any],
    picks: Sequence[Pick],
    day: date | None = None,
) -> AssignmentInput:
    """The picks with their implementing node and the union of what their items need, the frozen roster, the
    declared recusal pairs, the draw date (today in UTC+8 unless given) and the task's team size."""
    tasks = run.task["tasks"]
    frame = {e.uscc: e for e in draw.frame}
    by_item = item_needs_of(run)
    entities = [
        PickedEntity(
            p.uscc,
            frame[p.uscc].region_code,
            pick_target(tasks, p.items, frame[p.uscc].region_code),
            requirement(p.items, by_item),
        )
        for p in picks
    ]
    declared = frozenset((r["inspector_id"], r["uscc"]) for r in frozen["recusal"])
    return AssignmentInput(
        tuple(entities),
        tuple(inspectors(frozen)),
        day or ctx.components.clock().astimezone(CST).date(),
        declared,
        max(int(t["team_size"]) for t in tasks),
    )


def form_teams(
    ctx: Context, run: DrawRun, draw: Draw, frozen: Mapping[str, Any], picks: Sequence[Pick]
) -> dict[str, list[dict[str, str]]]:
    """Teams for `picks`, deterministic from the seed (docs/draw-assignment.md); the result is logged by hash."""
    if not picks:
        return {}
    inputs = assignment_input(ctx, run, draw, frozen, picks)
    assert draw.seed is not None
    profile = ctx.components.profile
    result = assign(profile, assign_key(profile, draw.seed), inputs)
    credentials = {i.inspector_id: i.credential_no for i in inputs.roster}
    body = assigned_body(profile, inputs, result, credentials)
    draw.log.append(chain.append(profile, draw.log, "assigned", ctx.now_iso(), body))
    return teams_json(result, credentials)


def assigned_on(draw: Draw, uscc: str) -> date:
    """The draw date of the `assigned` entry that gave `uscc` its team: a replacement is judged on it, so that the
    auditor can replay it (docs/draw-assignment.md §7)."""
    records = {"picks": [p.to_json() for p in draw.picks], "log": [e.to_json() for e in draw.log]}
    entry = [e for e, picks in assigned_picks(records) if any(p["uscc"] == uscc for p in picks)][-1]
    return run_date(entry)


def assignment_section(
    ctx: Context, run: DrawRun, frozen: Mapping[str, Any], found: Mapping[str, Any], teams: Mapping[str, Any]
) -> dict[str, Any]:
    """The auditor package's `assignment` (docs/draw-assignment.md §9): the frozen roster and recusal leaves with
    their salts, the qualifications per item, and each `assigned` entry's entities and teams (`teams`: uscc → the
    team stored with its pick, as assigned; replacements of members are log entries)."""
    tasks = run.task["tasks"]
    regions = {e["uscc"]: e["region_code"] for e in found["frame"]}
    runs = []
    for entry, picks in assigned_picks(found):
        entities = [
            {
                "uscc": p["uscc"],
                "region_code": regions[p["uscc"]],
                "node": pick_target(tasks, p["items"], regions[p["uscc"]]),
            }
            for p in picks
        ]
        runs.append(
            {
                "seq": entry["seq"],
                "entities": entities,
                "teams": {p["uscc"]: teams[p["uscc"]] for p in picks if teams.get(p["uscc"])},
            }
        )
    openings = ctx.repo.replacement_openings(run.draw_id)
    reasons = {seq: {"reason": o.reason, "salt": o.salt} for seq, o in openings.items()}
    return section(frozen["roster"], frozen["recusal"], item_needs_of(run), runs, reasons)
