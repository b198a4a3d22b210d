"""The draw's use cases: freeze and commit, ceremony contributions, draw and dispatch, replacement, expansion,
team member replacement, void. Each step loads the draw from its records, takes the step on the `Draw` aggregate,
and appends the new log entries and picks, the events and the audit entry in one transaction
(docs/draw-spec.md §1). `COMMAND_HANDLERS` and `EVENT_HANDLERS` at the bottom; entrypoints call `handle`."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta, timezone
from typing import Any

from draw.domain import errors
from draw.domain.draw import Draw, check_entity_replacement_reason, check_member_replacement
from draw.domain.records import DrawRun, ReadyTask, ReplacementOpening
from draw.service_layer import commands, requirements
from draw.service_layer.context import Context
from draw.service_layer.dispatch import dispatch_picks, team_members
from draw.service_layer.frames import build_frame, draw_plan, region_prefixes, target_node
from draw.service_layer.records import load, save_log, snapshot, summary
from draw.service_layer.roster import freeze_roster
from draw.service_layer.teams import assigned_on, assignment_input, form_teams
from hrss.auth.roles import ADMIN_ROLES
from hrss.contracts.events.draw import DrawCommitted, DrawCompleted, DrawVoided, Roots, TeamChanged
from hrss.contracts.events.planning import TaskReadyForDraw
from hrss.contracts.events.registry import CheckItemChanged, EntityChanged, InspectorChanged, InterestsChanged
from hrss.drawkit import canonical_json
from hrss.drawkit import log as chain
from hrss.drawkit.assignment import Assignment, Member, Replacement, replace_inspector
from hrss.drawkit.package import plan_json
from hrss.drawkit.seed import assign_key

CST = timezone(timedelta(hours=8))


def _group(ctx: Context, task_id: str) -> list[ReadyTask]:
    """The task and the tasks drawn with it, all frozen for draw."""
    ready = ctx.repo.ready_task(task_id)
    if ready is None:
        raise errors.TaskNotReady(task_id=task_id)
    members = sorted(ready.group_members)
    found = ctx.repo.ready_tasks(members)
    missing = [m for m in members if m not in found]
    if missing:
        raise errors.GroupIncomplete(missing="、".join(missing))
    return [found[m] for m in members]


def freeze(command: commands.Freeze, ctx: Context) -> dict[str, Any]:
    """Freeze the frame, roster and recusal list of the task (and its draw group) and commit to them (T0)."""
    repo = ctx.repo
    tasks = [t.task for t in _group(ctx, command.task_id)]
    first = tasks[0]
    role = ctx.authorize(first["node"])
    ctx.serving(first["node"])
    task_ids = [str(t["task_id"]) for t in tasks]
    repo.lock_tasks(task_ids)
    if (existing := repo.open_draw_of(task_ids)) is not None:
        raise errors.DrawExists(draw_id=existing)
    needs = requirements.item_needs(repo, tasks)  # before the frame: a missing item refuses at once
    now = ctx.components.clock()
    entries, _ = build_frame(repo.entities_in(region_prefixes(tasks)), tasks, now.astimezone(CST).date())
    plan = draw_plan(tasks, entries, command.batch_size)
    regions = {e.region_code for e in entries}
    nodes = sorted(
        {target_node(t, region) for t in tasks for region in regions}
        | {node for t in tasks for node in t["implementing_nodes"]}
    )
    committed_tasks = requirements.with_checklist_lines(tasks, needs)
    grants = requirements.line_grants(committed_tasks)
    roster_commitment, recusal_commitment, roster_snapshot = freeze_roster(ctx, nodes, grants)
    draw_id = str(uuid.uuid4())
    rule = requirements.rule(ctx.components.required_qualifications, committed_tasks, needs)
    committed_task = {"tasks": committed_tasks, "qualifications": rule}
    profile = ctx.components.profile
    draw = Draw(
        profile,
        draw_id,
        committed_task,
        entries,
        plan,
        ctx.now_iso,
        roster_commitment,
        recusal_commitment,
        command.randomness_plan,
    )
    key = f"draws/{draw_id}/frame.json"
    data = canonical_json({"frame": [e.to_json() for e in draw.frame], **roster_snapshot})
    digest = ctx.components.snapshots.put(key, data)
    repo.add_run(
        DrawRun(
            draw_id=draw_id,
            node=first["node"],
            task_ids=task_ids,
            profile=profile.name,
            plan=plan_json(plan),
            task=committed_task,
            snapshot_key=key,
            snapshot_sha256=digest,
            frame_size=len(draw.frame),
            created_by=ctx.principal.account_id,
            created_at=now,
        )
    )
    save_log(ctx, draw_id, draw, 0)
    ctx.uow.publish(
        DrawCommitted(
            draw_id=uuid.UUID(draw_id),
            task_ids=[uuid.UUID(t) for t in task_ids],
            node=first["node"],
            algorithm="hrss-draw/v1",
            profile=profile.name,
            commitments=Roots(**{k: v for k, v in vars(draw.commitments).items() if k != "draw_id"}),
            frame_size=len(draw.frame),
            eligible=sum(1 for e in draw.frame if e.eligible),
            randomness_plan=command.randomness_plan,
            committed_at=now,
        ),
        subject=draw_id,
        node=ctx.serving(first["node"]),
    )
    _audit(ctx, role, "draw.freeze", draw_id, first["node"], None)
    return summary(ctx, draw_id)


def contribute(command: commands.Contribute, ctx: Context) -> dict[str, Any]:
    """A witness's random value, revealed in public, before the draw."""
    run, draw = load(ctx, command.draw_id)
    role = ctx.authorize(run.node)
    known = len(draw.log)
    draw.contribute(command.witness, command.value)
    save_log(ctx, run.draw_id, draw, known)
    _audit(ctx, role, "draw.contribute", run.draw_id, run.node, command.witness)
    return summary(ctx, run.draw_id)


def run_draw(command: commands.RunDraw, ctx: Context) -> dict[str, Any]:
    """Derive the seed, draw, and dispatch every pick to the node that inspects it."""
    run, draw = load(ctx, command.draw_id)
    role = ctx.authorize(run.node)
    known = len(draw.log)
    picks = draw.draw()
    teams = form_teams(ctx, run, draw, snapshot(ctx, run), picks)
    save_log(ctx, run.draw_id, draw, known)
    dispatched = dispatch_picks(ctx, run, draw, 0, teams)
    ctx.uow.publish(
        DrawCompleted(
            draw_id=uuid.UUID(run.draw_id),
            task_ids=[uuid.UUID(t) for t in run.task_ids],
            node=run.node,
            seed=draw.seed.hex() if draw.seed else "",
            picks=len(picks),
            dispatched=dispatched,
            completed_at=ctx.components.clock(),
        ),
        subject=run.draw_id,
        node=ctx.serving(run.node),
    )
    _audit(ctx, role, "draw.draw", run.draw_id, run.node, None)
    return summary(ctx, run.draw_id)


def replace(command: commands.ReplaceEntity, ctx: Context) -> dict[str, Any]:
    """Replace a pick found invalid by the next never-picked entity of its stratum (docs/draw-spec.md §7.3)."""
    check_entity_replacement_reason(command.reason)
    run, draw = load(ctx, command.draw_id)
    role = ctx.authorize(run.node)
    known_log, known_picks = len(draw.log), len(draw.picks)
    new = draw.replace(command.uscc, command.reason)
    teams = form_teams(ctx, run, draw, snapshot(ctx, run), [new])
    save_log(ctx, run.draw_id, draw, known_log)
    dispatch_picks(ctx, run, draw, known_picks, teams)
    _audit(ctx, role, "draw.replace", run.draw_id, run.node, command.reason)
    return summary(ctx, run.draw_id)


def expand(command: commands.Expand, ctx: Context) -> dict[str, Any]:
    """Raise the ratios of some items (`task_id:item_id` → '10%'); the next never-picked entities of each stratum
    in ticket order are added as a new batch and dispatched; earlier picks never change (draw-spec §7.4)."""
    run, draw = load(ctx, command.draw_id)
    role = ctx.authorize(run.node)
    plan = draw.raised_plan(command.ratios)
    known_log, known_picks = len(draw.log), len(draw.picks)
    added = draw.expand(plan, command.reason)
    ctx.repo.add_expansion(run.draw_id, len(draw.log), plan_json(plan))
    teams = form_teams(ctx, run, draw, snapshot(ctx, run), added)
    save_log(ctx, run.draw_id, draw, known_log)
    dispatch_picks(ctx, run, draw, known_picks, teams)
    _audit(ctx, role, "draw.expand", run.draw_id, run.node, command.reason)
    return summary(ctx, run.draw_id)


def replace_member(command: commands.ReplaceMember, ctx: Context) -> dict[str, Any]:
    """Replace one member of a drawn entity's team (004 §9.2.2): a reason from the allowed list, approved by the
    head of the implementing body (an administrator of the target node calls this, naming the approver); the
    next eligible inspector in the entity's assignment-ticket order joins (docs/draw-assignment.md)."""
    uscc, draw_id = command.uscc, command.draw_id
    run, draw = load(ctx, draw_id)
    draw.require_drawn("更换检查人员")
    row = next((p for p in reversed(ctx.repo.picks(draw_id)) if p.uscc == uscc), None)
    if row is None or not row.team:
        raise errors.NoTeam(uscc=uscc[:18])
    role = ctx.authorize(row.target_node, ADMIN_ROLES)
    opened = ctx.repo.replacement_openings(draw_id)
    history = [
        Replacement(
            **{k: e.body[k] for k in Replacement.__dataclass_fields__ if k != "reason"},
            reason=str(e.body.get("reason") or (opened[e.seq].reason if e.seq in opened else "")),
        )
        for e in draw.log
        if e.kind == "team_replaced" and e.body["uscc"] == uscc
    ]
    team = {m["inspector_id"]: Member(m["inspector_id"], m["ticket"]) for m in row.team}
    for done in history:
        team = {
            (done.by if k == done.replaced else k): (Member(done.by, done.ticket) if k == done.replaced else m)
            for k, m in team.items()
        }
    pick = next(p for p in reversed(draw.picks) if p.uscc == uscc)
    inputs = assignment_input(ctx, run, draw, snapshot(ctx, run), [pick], assigned_on(draw, uscc))
    current = Assignment(teams={uscc: tuple(team.values())}, loads={}, infeasible=())
    assert draw.seed is not None
    profile = ctx.components.profile
    check_member_replacement(command.reason, command.approver)
    try:
        done = replace_inspector(
            profile,
            assign_key(profile, draw.seed),
            inputs,
            current,
            uscc,
            command.inspector_id,
            command.reason,
            command.approver,
            history,
        )
    except LookupError:
        raise errors.NoTeamReplacement() from None
    credentials = {i.inspector_id: i.credential_no for i in inputs.roster}
    salt = secrets.token_hex(16)
    body = {
        **done.logged(profile, salt),
        "replaced_credential": credentials[done.replaced],
        "by_credential": credentials[done.by],
    }
    known = len(draw.log)
    draw.log.append(chain.append(profile, draw.log, "team_replaced", ctx.now_iso(), body))
    save_log(ctx, draw_id, draw, known)
    ctx.repo.add_replacement_opening(draw_id, ReplacementOpening(draw.log[-1].seq, command.reason, salt))
    new_team = [done.by if k == done.replaced else k for k in team]
    members = team_members(ctx, [*dict.fromkeys([*new_team, done.replaced])], credentials)
    ctx.uow.publish(
        TeamChanged(
            assignment_id=uuid.UUID(row.assignment_id),
            draw_id=uuid.UUID(draw_id),
            uscc=uscc,
            target_node=row.target_node,
            replaced=members[done.replaced],
            by=members[done.by],
            reason=command.reason,
            approver=command.approver,
            team=[members[i] for i in new_team],
            changed_at=ctx.components.clock(),
        ),
        subject=row.assignment_id,
        target_node=row.target_node,
        node=ctx.serving(run.node),
    )
    _audit(ctx, role, "draw.replace_member", draw_id, row.target_node, f"{command.reason}（批准：{command.approver}）")
    return {"uscc": uscc, "replaced": done.replaced, "by": done.by, "rank": done.rank, "team": new_team}


def void(command: commands.Void, ctx: Context) -> dict[str, Any]:
    """End the draw with a logged reason; a new draw of the tasks needs a new freeze."""
    run, draw = load(ctx, command.draw_id)
    role = ctx.authorize(run.node)
    known = len(draw.log)
    draw.void(command.reason)
    save_log(ctx, run.draw_id, draw, known)
    ctx.uow.publish(
        DrawVoided(
            draw_id=uuid.UUID(run.draw_id),
            task_ids=[uuid.UUID(t) for t in run.task_ids],
            node=run.node,
            reason=command.reason,
            voided_at=ctx.components.clock(),
        ),
        subject=run.draw_id,
        node=ctx.serving(run.node),
    )
    _audit(ctx, role, "draw.void", run.draw_id, run.node, command.reason)
    return summary(ctx, run.draw_id)


def _audit(ctx: Context, role: str, action: str, draw_id: str, node: str, reason: str | None) -> None:
    ctx.audit(role=role, action=action, object_type="draw", object_id=draw_id, node=node, reason=reason)


def handle(command: object, ctx: Context) -> Any:
    """Run the handler registered for the command's type."""
    return COMMAND_HANDLERS[type(command)](command, ctx)


def handle_events(ctx: Context, events: Sequence[Any]) -> None:
    """Apply a batch of events of one type to the read models."""
    if events:
        EVENT_HANDLERS[type(events[0])](ctx, events)


COMMAND_HANDLERS: dict[type, Callable[[Any, Context], Any]] = {
    commands.Freeze: freeze,
    commands.Contribute: contribute,
    commands.RunDraw: run_draw,
    commands.ReplaceEntity: replace,
    commands.Expand: expand,
    commands.ReplaceMember: replace_member,
    commands.Void: void,
}

EVENT_HANDLERS: dict[type, Callable[[Context, Sequence[Any]], None]] = {
    TaskReadyForDraw: lambda ctx, events: ctx.repo.apply_ready_tasks(events),
    EntityChanged: lambda ctx, events: ctx.repo.apply_entities(events),
    InspectorChanged: lambda ctx, events: ctx.repo.apply_inspectors(events),
    InterestsChanged: lambda ctx, events: ctx.repo.apply_interests(events),
    CheckItemChanged: lambda ctx, events: ctx.repo.apply_check_items(events),
}
