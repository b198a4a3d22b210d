"""Use cases of a draw: freeze and commit, ceremony contributions, draw and dispatch, replacement, expansion,
void. Each step restores the draw from its records, takes the step with `hrss.drawkit`, and appends the new log
entries and picks, the events and the audit entry in one transaction (docs/draw-spec.md §1)."""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, timedelta, timezone
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from draw.adapters.orm import (
    draw_expansion,
    draw_log,
    draw_pick,
    draw_replacement_reason,
    draw_run,
    entity_view,
    inspector_view,
    interests_view,
    task_view,
)
from draw.domain import errors
from draw.domain.draw import Draw, check_entity_replacement_reason
from draw.service_layer import read_model, requirements
from draw.service_layer.context import Context
from draw.service_layer.frames import build_frame, draw_plan, pick_target, target_node
from hrss.auth.roles import ADMIN_ROLES
from hrss.contracts.events.draw import (
    AssignmentDispatched,
    DrawCommitted,
    DrawCompleted,
    DrawVoided,
    ItemPart,
    RegistryRecord,
    Roots,
    TaskPart,
    TeamChanged,
    TeamMember,
)
from hrss.drawkit import FrameEntry, canonical_json
from hrss.drawkit import log as chain
from hrss.drawkit.assignment import (
    Assignment,
    AssignmentInput,
    Inspector,
    Member,
    PickedEntity,
    Replacement,
    assign,
    assigned_body,
    assigned_picks,
    item_requirements,
    recusal_root,
    replace_inspector,
    requirement,
    roster_root,
    run_date,
    section,
    teams_json,
)
from hrss.drawkit.package import plan_json
from hrss.drawkit.seed import assign_key

CST = timezone(timedelta(hours=8))


def _iso(ctx: Context) -> str:
    return ctx.components.clock().isoformat()


def _tasks(session: Session, task_id: str) -> list[Mapping[str, Any]]:
    row = session.execute(select(task_view).where(task_view.c.task_id == task_id)).first()
    if row is None:
        raise errors.TaskNotReady(task_id=task_id)
    members = sorted(row.group_members)
    found = {r.task_id: r.task for r in session.execute(select(task_view).where(task_view.c.task_id.in_(members)))}
    missing = [m for m in members if m not in found]
    if missing:
        raise errors.GroupIncomplete(missing="、".join(missing))
    return [found[m] for m in members]


def _roster(
    ctx: Context, nodes: Sequence[str], grants: Mapping[str, frozenset[str]]
) -> tuple[str, str, dict[str, Any]]:
    """The roster of the implementing nodes (enforcement staff: auxiliary experts are never team members) and the
    declared recusal pairs, salted, with their commitments (docs/draw-assignment.md §3). Each inspector's
    qualifications are the registry's plus the line tags `grants` gives the inspector's line of business."""
    session = ctx.uow.session
    rows = session.execute(
        select(inspector_view)
        .where(inspector_view.c.node.in_(list(nodes)), inspector_view.c.pool == "enforcement")
        .order_by(inspector_view.c.inspector_id)
    ).all()
    roster = [
        Inspector(
            inspector_id=r.inspector_id,
            credential_no=r.credential_no,
            node=r.node,
            qualifications=frozenset(r.qualifications) | grants.get(r.line or "", frozenset()),
            active=r.status == "active",
            credential_expires=r.credential_expires.isoformat(),
            station_region=r.station_region or "",
            former_employers=frozenset(r.former_employers),
        )
        for r in rows
    ]
    ids = [i.inspector_id for i in roster]
    declared = sorted(
        (r.inspector_id, u)
        for r in session.execute(select(interests_view).where(interests_view.c.inspector_id.in_(ids)))
        for u in r.usccs
    )
    salts = {i.inspector_id: secrets.token_hex(16) for i in roster}
    pair_salts = {pair: secrets.token_hex(16) for pair in declared}
    profile = ctx.components.profile
    snapshot = {
        "roster": [
            {
                "inspector_id": i.inspector_id,
                "credential_no": i.credential_no,
                "node": i.node,
                "qualifications": sorted(i.qualifications),
                "active": i.active,
                "credential_expires": i.credential_expires,
                "station_region": i.station_region,
                "former_employers": sorted(i.former_employers),
                "salt": salts[i.inspector_id],
            }
            for i in roster
        ],
        "recusal": [{"inspector_id": i, "uscc": u, "salt": pair_salts[(i, u)]} for i, u in declared],
    }
    return roster_root(profile, roster, salts).hex(), recusal_root(profile, declared, pair_salts).hex(), snapshot


def _inspectors(snapshot: Mapping[str, Any]) -> list[Inspector]:
    return [
        Inspector(
            inspector_id=r["inspector_id"],
            credential_no=r["credential_no"],
            node=r["node"],
            qualifications=frozenset(r["qualifications"]),
            active=r["active"],
            credential_expires=r["credential_expires"],
            station_region=r["station_region"],
            former_employers=frozenset(r["former_employers"]),
        )
        for r in snapshot["roster"]
    ]


def _open_draw(session: Session, task_ids: Sequence[str]) -> str | None:
    """A draw of these tasks that was not voided, if any."""
    for row in session.execute(select(draw_run.c.draw_id).where(draw_run.c.task_ids.overlap(list(task_ids)))):
        kinds = session.execute(select(draw_log.c.kind).where(draw_log.c.draw_id == row.draw_id)).scalars().all()
        if "voided" not in kinds:
            return str(row.draw_id)
    return None


def freeze(ctx: Context, task_id: str, randomness_plan: str, batch_size: int) -> dict[str, Any]:
    """Freeze the frame, roster and recusal list of the task (and its draw group) and commit to them (T0)."""
    session = ctx.uow.session
    tasks = _tasks(session, task_id)
    first = tasks[0]
    role = ctx.authorize(first["node"])
    ctx.serving(first["node"])
    task_ids = [str(t["task_id"]) for t in tasks]
    session.execute(select(func.pg_advisory_xact_lock(func.hashtext("draw.freeze." + ",".join(task_ids)))))
    if (existing := _open_draw(session, task_ids)) is not None:
        raise errors.DrawExists(draw_id=existing)
    needs = requirements.item_needs(session, tasks)  # before the frame: a missing item refuses at once
    now = ctx.components.clock()
    entries, _ = build_frame(session, tasks, now.astimezone(CST).date())
    plan = draw_plan(tasks, entries, batch_size)
    regions = {e.region_code for e in entries}
    nodes = sorted(
        {target_node(t, region) for t in tasks for region in regions}
        | {node for t in tasks for node in t["implementing_nodes"]}
    )
    committed_tasks = requirements.with_checklist_lines(tasks, needs)
    grants = requirements.line_grants(committed_tasks)
    roster_commitment, recusal_commitment, roster_snapshot = _roster(ctx, nodes, grants)
    draw_id = str(uuid.uuid4())
    rule = requirements.rule(ctx.components.required_qualifications, committed_tasks, needs)
    committed_task = {"tasks": committed_tasks, "qualifications": rule}
    builder = Draw(
        ctx.components.profile,
        draw_id,
        committed_task,
        entries,
        plan,
        lambda: _iso(ctx),
        roster_commitment,
        recusal_commitment,
        randomness_plan,
    )
    key = f"draws/{draw_id}/frame.json"
    data = canonical_json({"frame": [e.to_json() for e in builder.frame], **roster_snapshot})
    digest = ctx.components.snapshots.put(key, data)
    session.execute(
        insert(draw_run).values(
            draw_id=draw_id,
            node=first["node"],
            task_ids=task_ids,
            profile=ctx.components.profile.name,
            plan=plan_json(plan),
            task=committed_task,
            snapshot_key=key,
            snapshot_sha256=digest,
            frame_size=len(builder.frame),
            created_by=ctx.principal.account_id,
            created_at=now,
        )
    )
    _save_log(ctx, draw_id, builder, 0)
    eligible = sum(1 for e in builder.frame if e.eligible)
    ctx.uow.publish(
        DrawCommitted(
            draw_id=uuid.UUID(draw_id),
            task_ids=[uuid.UUID(t) for t in task_ids],
            node=first["node"],
            algorithm="hrss-draw/v1",
            profile=ctx.components.profile.name,
            commitments=Roots(**{k: v for k, v in vars(builder.commitments).items() if k != "draw_id"}),
            frame_size=len(builder.frame),
            eligible=eligible,
            randomness_plan=randomness_plan,
            committed_at=now,
        ),
        subject=draw_id,
        node=ctx.serving(first["node"]),
    )
    _audit(ctx, role, "draw.freeze", draw_id, first["node"], None)
    return summary(session, ctx, draw_id)


def _snapshot(ctx: Context, run: Any) -> dict[str, Any]:
    """The frozen snapshot (frame, roster, recusal pairs), checked against its hash (bootstrap keeps the last few
    read in memory: `CachedSnapshots`)."""
    found: dict[str, Any] = json.loads(ctx.components.snapshots.get(run.snapshot_key, run.snapshot_sha256))
    return found


def _frame(ctx: Context, run: Any) -> list[dict[str, Any]]:
    return list(_snapshot(ctx, run)["frame"])


def _requirements(run: Any) -> dict[str, list[str]]:
    """`task_id:item_id` → the qualifications a member needs for it, by the rule committed in the task (a draw
    frozen before the rule was committed: what every member needed then, for every item)."""
    rule = run.task.get("qualifications") or {"base": list(requirements.LEGACY_BASE), "by_line": {}}
    return item_requirements(run.task["tasks"], rule["base"], rule["by_line"])


def _assignment_input(
    ctx: Context, run: Any, builder: Draw, picks: Sequence[Any], day: date | None = None
) -> AssignmentInput:
    """The picks with their implementing node and the union of what their items need, the frozen roster, the
    declared recusal pairs, the draw date (today in UTC+8 unless given) and the task's team size."""
    snapshot = _snapshot(ctx, run)
    tasks = run.task["tasks"]
    frame = {e.uscc: e for e in builder.frame}
    by_item = _requirements(run)
    entities = [
        PickedEntity(
            p.uscc,
            frame[p.uscc].region_code,
            pick_target(tasks, p.items, frame[p.uscc].region_code),
            requirement(p.items, by_item),
        )
        for p in picks
    ]
    roster = _inspectors(snapshot)
    declared = frozenset((r["inspector_id"], r["uscc"]) for r in snapshot["recusal"])
    return AssignmentInput(
        tuple(entities),
        tuple(roster),
        day or ctx.components.clock().astimezone(CST).date(),
        declared,
        max(int(t["team_size"]) for t in tasks),
    )


def _teams(ctx: Context, run: Any, builder: Draw, picks: Sequence[Any]) -> dict[str, list[dict[str, str]]]:
    """Teams for `picks`, deterministic from the seed (docs/draw-assignment.md); the result is logged by hash."""
    if not picks:
        return {}
    inputs = _assignment_input(ctx, run, builder, picks)
    assert builder.seed is not None
    result = assign(ctx.components.profile, assign_key(ctx.components.profile, builder.seed), inputs)
    credentials = {i.inspector_id: i.credential_no for i in inputs.roster}
    body = assigned_body(ctx.components.profile, inputs, result, credentials)
    builder.log.append(chain.append(ctx.components.profile, builder.log, "assigned", _iso(ctx), body))
    return teams_json(result, credentials)


def _assignment_section(ctx: Context, run: Any, found: Mapping[str, Any], teams: Mapping[str, Any]) -> dict[str, Any]:
    """The auditor package's `assignment` (docs/draw-assignment.md §9): the frozen roster and recusal leaves with
    their salts, the qualifications per item, and each `assigned` entry's entities and teams (`teams`: uscc → the
    team stored with its pick, as assigned; replacements of members are log entries)."""
    snapshot = _snapshot(ctx, run)
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
    reasons = _replacement_reasons(ctx.uow.session, str(run.draw_id))
    return section(snapshot["roster"], snapshot["recusal"], _requirements(run), runs, reasons)


def _replacement_reasons(session: Session, draw_id: str) -> dict[int, dict[str, str]]:
    """The opening `{reason, salt}` of every team member replacement of the draw, by its log entry's seq."""
    rows = session.execute(select(draw_replacement_reason).where(draw_replacement_reason.c.draw_id == draw_id))
    return {r.seq: {"reason": r.reason, "salt": r.salt} for r in rows}


def package(ctx: Context, draw_id: str, *, lock: bool = False) -> tuple[Any, dict[str, Any]]:
    """The draw's row and its auditor package, assembled from its records and its snapshot."""
    session = ctx.uow.session
    query = select(draw_run).where(draw_run.c.draw_id == draw_id)
    run = session.execute(query.with_for_update() if lock else query).first()
    if run is None:
        raise errors.DrawNotFound(draw_id=draw_id)
    log = [
        {"seq": r.seq, "kind": r.kind, "at": r.at, "body": r.body, "hash": r.hash}
        for r in session.execute(select(draw_log).where(draw_log.c.draw_id == draw_id).order_by(draw_log.c.seq))
    ]
    picks = session.execute(select(draw_pick).where(draw_pick.c.draw_id == draw_id).order_by(draw_pick.c.seq)).all()
    committed = log[0]["body"]
    seeded = next((e["body"]["seed"] for e in log if e["kind"] == "seeded"), None)
    found: dict[str, Any] = {
        "algorithm": committed["algorithm"],
        "profile": run.profile,
        "commitments": {k: committed[k] for k in ("draw_id", "task_hash", "frame_root", "roster_root", "recusal_root")},
        "task": run.task,
        "contributions": [
            {"witness": e["body"]["witness"], "value": e["body"]["value"]} for e in log if e["kind"] == "contribution"
        ],
        "seed": seeded,
        "plan": run.plan,
        "expansion_plans": [
            r.plan
            for r in session.execute(
                select(draw_expansion).where(draw_expansion.c.draw_id == draw_id).order_by(draw_expansion.c.seq)
            )
        ],
        "picks": [
            {
                "uscc": p.uscc,
                "stratum": p.stratum,
                "rank": p.rank,
                "ticket": p.ticket,
                "items": list(p.items),
                "batch": p.batch,
                "replaces": p.replaces,
            }
            for p in picks
        ],
        "invalid": {e["body"]["invalid"]: e["body"]["reason"] for e in log if e["kind"] == "replaced"},
        "log": log,
        "frame": _frame(ctx, run),
    }
    found["assignment"] = _assignment_section(ctx, run, found, {p.uscc: list(p.team or []) for p in picks})
    return run, found


def _builder(ctx: Context, draw_id: str) -> tuple[Any, Draw]:
    run, found = package(ctx, draw_id, lock=True)
    return run, Draw.restore(found, lambda: _iso(ctx))


def _save_log(ctx: Context, draw_id: str, builder: Draw, known: int) -> None:
    rows = [
        {
            "draw_id": draw_id,
            "seq": e.seq,
            "kind": e.kind,
            "at": e.at,
            "body": dict(e.body),
            "hash": e.hash,
            "actor": ctx.principal.account_id,
        }
        for e in builder.log[known:]
    ]
    if rows:
        ctx.uow.session.execute(insert(draw_log), rows)


def contribute(ctx: Context, draw_id: str, witness: str, value: str) -> dict[str, Any]:
    run, builder = _builder(ctx, draw_id)
    role = ctx.authorize(run.node)
    known = len(builder.log)
    builder.contribute(witness, value)
    _save_log(ctx, draw_id, builder, known)
    _audit(ctx, role, "draw.contribute", draw_id, run.node, f"{witness}")
    return summary(ctx.uow.session, ctx, draw_id)


def run_draw(ctx: Context, draw_id: str) -> dict[str, Any]:
    """Derive the seed, draw, and dispatch every pick to the node that inspects it."""
    run, builder = _builder(ctx, draw_id)
    role = ctx.authorize(run.node)
    known = len(builder.log)
    picks = builder.draw()
    teams = _teams(ctx, run, builder, picks)
    _save_log(ctx, draw_id, builder, known)
    dispatched = _save_picks(ctx, run, builder, 0, teams)
    ctx.uow.publish(
        DrawCompleted(
            draw_id=uuid.UUID(draw_id),
            task_ids=[uuid.UUID(t) for t in run.task_ids],
            node=run.node,
            seed=builder.seed.hex() if builder.seed else "",
            picks=len(picks),
            dispatched=dispatched,
            completed_at=ctx.components.clock(),
        ),
        subject=draw_id,
        node=ctx.serving(run.node),
    )
    _audit(ctx, role, "draw.draw", draw_id, run.node, None)
    return summary(ctx.uow.session, ctx, draw_id)


def _inspector_names(session: Session, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    query = select(inspector_view.c.inspector_id, inspector_view.c.name).where(
        inspector_view.c.inspector_id.in_(sorted(ids))
    )
    return {str(r.inspector_id): r.name for r in session.execute(query)}


def _registry_record(entity: Any) -> RegistryRecord | None:
    """What the inspecting node pre-checks against (预查比对): the entity as the draw service knew it."""
    if entity is None:
        return None
    return RegistryRecord(
        version=entity.version,
        object_type=entity.object_type,
        status=entity.status,
        tags=list(entity.tags),
        credit_grade=entity.credit_grade,
        last_inspected=entity.last_inspected,
    )


def _save_picks(
    ctx: Context, run: Any, builder: Draw, known: int, teams: Mapping[str, list[dict[str, str]]]
) -> dict[str, int]:
    """Record the picks from `known` on and dispatch each, addressed to the node with territorial jurisdiction."""
    session = ctx.uow.session
    tasks = run.task["tasks"]
    new = builder.picks[known:]
    usccs = [p.uscc for p in new]
    entities = (
        {r.uscc: r for r in session.execute(select(entity_view).where(entity_view.c.uscc.in_(usccs))).all()}
        if usccs
        else {}
    )
    frame = {e.uscc: e for e in builder.frame}
    names = _inspector_names(session, {m["inspector_id"] for team in teams.values() for m in team})
    texts = read_model.item_texts(
        session, ((str(i["item_id"]), int(i["item_version"])) for t in tasks for i in t["items"])
    )
    counts: dict[str, int] = {}
    rows = []
    now = ctx.components.clock()
    for offset, pick in enumerate(new):
        leaf: FrameEntry = frame[pick.uscc]
        target = pick_target(tasks, pick.items, leaf.region_code)
        assignment_id = str(uuid.uuid4())
        rows.append(
            {
                "draw_id": run.draw_id,
                "seq": known + offset + 1,
                "uscc": pick.uscc,
                "stratum": pick.stratum,
                "rank": pick.rank,
                "ticket": pick.ticket,
                "items": list(pick.items),
                "batch": pick.batch,
                "replaces": pick.replaces,
                "target_node": target,
                "assignment_id": assignment_id,
                "team": teams.get(pick.uscc, []),
            }
        )
        counts[target] = counts.get(target, 0) + 1
        entity = entities.get(pick.uscc)
        parts = []
        for task in tasks:
            mine = [i.split(":", 1)[1] for i in pick.items if i.startswith(str(task["task_id"]) + ":")]
            if mine:
                details = {str(i["item_id"]): i for i in task["items"]}
                parts.append(
                    TaskPart(
                        task_id=uuid.UUID(str(task["task_id"])),
                        number=task["number"],
                        title=task["title"],
                        items=mine,
                        end=task["end"],
                        prior_notice=task["prior_notice"],
                        start=task.get("start"),
                        node=task.get("node"),
                        item_details=[
                            ItemPart(
                                item_id=i,
                                item_version=details[i]["item_version"],
                                name=details[i]["name"],
                                methods=list(details[i]["methods"]),
                                **texts.get((i, int(details[i]["item_version"])), {}),
                            )
                            for i in mine
                            if i in details
                        ],
                    )
                )
        ctx.uow.publish(
            AssignmentDispatched(
                assignment_id=uuid.UUID(assignment_id),
                draw_id=uuid.UUID(str(run.draw_id)),
                entity_id=uuid.UUID(leaf.entity_id),
                uscc=pick.uscc,
                name=entity.name if entity is not None else "",
                region_code=leaf.region_code,
                target_node=target,
                ticket=pick.ticket,
                batch=pick.batch,
                replaces=pick.replaces,
                tasks=parts,
                team=[
                    TeamMember(
                        inspector_id=uuid.UUID(m["inspector_id"]),
                        credential_no=m["credential_no"],
                        name=names.get(m["inspector_id"], ""),
                    )
                    for m in teams.get(pick.uscc, [])
                ],
                dispatched_at=now,
                registry_record=_registry_record(entity),
            ),
            subject=assignment_id,
            target_node=target,
            node=ctx.serving(run.node),
        )
    if rows:
        session.execute(insert(draw_pick), rows)
    return counts


def replace(ctx: Context, draw_id: str, uscc: str, reason: str) -> dict[str, Any]:
    """Replace a pick found invalid by the next never-picked entity of its stratum (docs/draw-spec.md §7.3)."""
    check_entity_replacement_reason(reason)
    run, builder = _builder(ctx, draw_id)
    role = ctx.authorize(run.node)
    known_log, known_picks = len(builder.log), len(builder.picks)
    new = builder.replace(uscc, reason)
    teams = _teams(ctx, run, builder, [new])
    _save_log(ctx, draw_id, builder, known_log)
    _save_picks(ctx, run, builder, known_picks, teams)
    _audit(ctx, role, "draw.replace", draw_id, run.node, reason)
    return summary(ctx.uow.session, ctx, draw_id)


def expand(ctx: Context, draw_id: str, ratios: Mapping[str, str], reason: str) -> dict[str, Any]:
    """Raise the ratios of some items (`task_id:item_id` → '10%'); the next never-picked entities of each stratum
    in ticket order are added as a new batch and dispatched; earlier picks never change (draw-spec §7.4)."""
    run, builder = _builder(ctx, draw_id)
    role = ctx.authorize(run.node)
    plan = builder.raised_plan(ratios)
    known_log, known_picks = len(builder.log), len(builder.picks)
    added = builder.expand(plan, reason)
    ctx.uow.session.execute(insert(draw_expansion).values(draw_id=draw_id, seq=len(builder.log), plan=plan_json(plan)))
    teams = _teams(ctx, run, builder, added)
    _save_log(ctx, draw_id, builder, known_log)
    _save_picks(ctx, run, builder, known_picks, teams)
    _audit(ctx, role, "draw.expand", draw_id, run.node, reason)
    return summary(ctx.uow.session, ctx, draw_id)


def _assigned_on(builder: Draw, uscc: str) -> date:
    """The draw date of the `assigned` entry that gave `uscc` its team: a replacement is judged on it, so that the
    auditor can replay it (docs/draw-assignment.md §7)."""
    records = {"picks": [p.to_json() for p in builder.picks], "log": [e.to_json() for e in builder.log]}
    entry = [e for e, picks in assigned_picks(records) if any(p["uscc"] == uscc for p in picks)][-1]
    return run_date(entry)


def replace_member(
    ctx: Context, draw_id: str, uscc: str, inspector_id: str, reason: str, approver: str
) -> dict[str, Any]:
    """Replace one member of a drawn entity's team (004 §9.2.2): a reason from the allowed list, approved by the
    head of the implementing body (an administrator of the target node calls this, naming the approver); the
    next eligible inspector in the entity's assignment-ticket order joins (docs/draw-assignment.md)."""
    run, builder = _builder(ctx, draw_id)
    builder.require_drawn("更换检查人员")
    session = ctx.uow.session
    row = session.execute(
        select(draw_pick)
        .where(draw_pick.c.draw_id == draw_id, draw_pick.c.uscc == uscc)
        .order_by(draw_pick.c.seq.desc())
        .limit(1)
    ).first()
    if row is None or not row.team:
        raise errors.NoTeam(uscc=uscc[:18])
    role = ctx.authorize(row.target_node, ADMIN_ROLES)
    opened = _replacement_reasons(session, draw_id)
    history = [
        Replacement(
            **{k: e.body[k] for k in Replacement.__dataclass_fields__ if k != "reason"},
            reason=str(e.body.get("reason") or opened.get(e.seq, {}).get("reason", "")),
        )
        for e in builder.log
        if e.kind == "team_replaced" and e.body["uscc"] == uscc
    ]
    team = {m["inspector_id"]: Member(m["inspector_id"], m["ticket"]) for m in row.team}
    for done in history:
        team = {
            (done.by if k == done.replaced else k): (Member(done.by, done.ticket) if k == done.replaced else m)
            for k, m in team.items()
        }
    pick = next(p for p in reversed(builder.picks) if p.uscc == uscc)
    inputs = _assignment_input(ctx, run, builder, [pick], _assigned_on(builder, uscc))
    current = Assignment(teams={uscc: tuple(team.values())}, loads={}, infeasible=())
    assert builder.seed is not None
    try:
        done = replace_inspector(
            ctx.components.profile,
            assign_key(ctx.components.profile, builder.seed),
            inputs,
            current,
            uscc,
            inspector_id,
            reason,
            approver,
            history,
        )
    except ValueError as refused:  # drawkit's refusal of the reason or the approver, in Chinese
        raise errors.TeamReplacementInvalid(refusal=str(refused)) from None
    except LookupError:
        raise errors.NoTeamReplacement() from None
    credentials = {i.inspector_id: i.credential_no for i in inputs.roster}
    salt = secrets.token_hex(16)
    body = {
        **done.logged(ctx.components.profile, salt),
        "replaced_credential": credentials[done.replaced],
        "by_credential": credentials[done.by],
    }
    known = len(builder.log)
    builder.log.append(chain.append(ctx.components.profile, builder.log, "team_replaced", _iso(ctx), body))
    _save_log(ctx, draw_id, builder, known)
    session.execute(
        insert(draw_replacement_reason).values(draw_id=draw_id, seq=builder.log[-1].seq, reason=reason, salt=salt)
    )
    new_team = [done.by if k == done.replaced else k for k in team]
    names = _inspector_names(ctx.uow.session, {*new_team, done.replaced})

    def member(inspector_id: str) -> TeamMember:
        return TeamMember(
            inspector_id=uuid.UUID(inspector_id),
            credential_no=credentials[inspector_id],
            name=names.get(inspector_id, ""),
        )

    ctx.uow.publish(
        TeamChanged(
            assignment_id=uuid.UUID(str(row.assignment_id)),
            draw_id=uuid.UUID(draw_id),
            uscc=uscc,
            target_node=row.target_node,
            replaced=member(done.replaced),
            by=member(done.by),
            reason=reason,
            approver=approver,
            team=[member(i) for i in new_team],
            changed_at=ctx.components.clock(),
        ),
        subject=str(row.assignment_id),
        target_node=row.target_node,
        node=ctx.serving(run.node),
    )
    _audit(ctx, role, "draw.replace_member", draw_id, row.target_node, f"{reason}（批准：{approver}）")
    return {"uscc": uscc, "replaced": done.replaced, "by": done.by, "rank": done.rank, "team": new_team}


def void(ctx: Context, draw_id: str, reason: str) -> dict[str, Any]:
    """End the draw with a logged reason; a new draw of the tasks needs a new freeze."""
    run, builder = _builder(ctx, draw_id)
    role = ctx.authorize(run.node)
    known = len(builder.log)
    builder.void(reason)
    _save_log(ctx, draw_id, builder, known)
    ctx.uow.publish(
        DrawVoided(
            draw_id=uuid.UUID(draw_id),
            task_ids=[uuid.UUID(t) for t in run.task_ids],
            node=run.node,
            reason=reason,
            voided_at=ctx.components.clock(),
        ),
        subject=draw_id,
        node=ctx.serving(run.node),
    )
    _audit(ctx, role, "draw.void", draw_id, run.node, reason)
    return summary(ctx.uow.session, ctx, draw_id)


def _audit(ctx: Context, role: str, action: str, draw_id: str, node: str, reason: str | None) -> None:
    ctx.audit(role=role, action=action, object_type="draw", object_id=draw_id, node=node, reason=reason)


def summary(session: Session, ctx: Context, draw_id: str) -> dict[str, Any]:
    """The draw as staff see it: status, commitments, contributions, counts per target node."""
    run = session.execute(select(draw_run).where(draw_run.c.draw_id == draw_id)).first()
    if run is None:
        raise errors.DrawNotFound(draw_id=draw_id)
    log = session.execute(select(draw_log).where(draw_log.c.draw_id == draw_id).order_by(draw_log.c.seq)).all()
    kinds = [r.kind for r in log]
    status = (
        "voided"
        if "voided" in kinds
        else "drawn"
        if "drawn" in kinds
        else "seeding"
        if "contribution" in kinds
        else "committed"
    )
    targets: dict[str, int] = {
        row[0]: int(row[1])
        for row in session.execute(
            select(draw_pick.c.target_node, func.count())
            .where(draw_pick.c.draw_id == draw_id)
            .group_by(draw_pick.c.target_node)
        )
    }
    committed = log[0].body
    return {
        "draw_id": str(run.draw_id),
        "node": run.node,
        "task_ids": [str(t) for t in run.task_ids],
        "status": status,
        "profile": run.profile,
        "frame_size": run.frame_size,
        "commitments": {k: committed[k] for k in ("task_hash", "frame_root", "roster_root", "recusal_root")},
        "randomness_plan": committed["randomness_plan"],
        "contributions": [{"witness": r.body["witness"], "at": r.at} for r in log if r.kind == "contribution"],
        "seed": next((r.body["seed"] for r in log if r.kind == "seeded"), None),
        "picks_by_node": {k: int(v) for k, v in sorted(targets.items())},
        "log": [{"seq": r.seq, "kind": r.kind, "at": r.at, "hash": r.hash} for r in log],
    }
