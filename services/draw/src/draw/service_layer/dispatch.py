"""What a draw sends: each new pick recorded and dispatched to the node with territorial jurisdiction over it
(`AssignmentDispatched`, with the tasks' parts, the team and the registry record it was drawn from), and a team's
change (`TeamChanged`)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from draw.domain.draw import Draw
from draw.domain.records import DrawRun, EntityRecord, PickRecord
from draw.service_layer.context import Context
from draw.service_layer.frames import pick_target
from hrss.contracts.events.draw import AssignmentDispatched, ItemPart, RegistryRecord, TaskPart, TeamMember
from hrss.drawkit import Pick


def registry_record(entity: EntityRecord | None) -> RegistryRecord | None:
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


def task_parts(
    tasks: Sequence[Mapping[str, Any]], pick: Pick, texts: Mapping[tuple[str, int], dict[str, str]]
) -> list[TaskPart]:
    """The part of each task the pick is drawn for: its items, with their names, methods, points and basis."""
    parts = []
    for task in tasks:
        mine = [i.split(":", 1)[1] for i in pick.items if i.startswith(str(task["task_id"]) + ":")]
        if not mine:
            continue
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
    return parts


def item_texts(ctx: Context, tasks: Sequence[Mapping[str, Any]]) -> dict[tuple[str, int], dict[str, str]]:
    """(item id, version) → its inspection points (`content`) and `legal_basis`, "" when not known."""
    keys = ((str(i["item_id"]), int(i["item_version"])) for t in tasks for i in t["items"])
    return {
        key: {"content": item.content or "", "legal_basis": item.legal_basis or ""}
        for key, item in ctx.repo.check_items(keys).items()
    }


def dispatch_picks(
    ctx: Context, run: DrawRun, draw: Draw, known: int, teams: Mapping[str, list[dict[str, str]]]
) -> dict[str, int]:
    """Record the picks from `known` on and dispatch each, addressed to the node with territorial jurisdiction;
    the number dispatched per node."""
    tasks = run.task["tasks"]
    new = draw.picks[known:]
    entities = ctx.repo.entities([p.uscc for p in new])
    frame = {e.uscc: e for e in draw.frame}
    names = ctx.repo.inspector_names({m["inspector_id"] for team in teams.values() for m in team})
    texts = item_texts(ctx, tasks)
    counts: dict[str, int] = {}
    records = []
    now = ctx.components.clock()
    for offset, pick in enumerate(new):
        leaf = frame[pick.uscc]
        target = pick_target(tasks, pick.items, leaf.region_code)
        assignment_id = str(uuid.uuid4())
        team = teams.get(pick.uscc, [])
        records.append(
            PickRecord(
                known + offset + 1,
                pick.uscc,
                pick.stratum,
                pick.rank,
                pick.ticket,
                list(pick.items),
                pick.batch,
                pick.replaces,
                target,
                assignment_id,
                team,
            )
        )
        counts[target] = counts.get(target, 0) + 1
        entity = entities.get(pick.uscc)
        ctx.uow.publish(
            AssignmentDispatched(
                assignment_id=uuid.UUID(assignment_id),
                draw_id=uuid.UUID(run.draw_id),
                entity_id=uuid.UUID(leaf.entity_id),
                uscc=pick.uscc,
                name=entity.name if entity is not None else "",
                region_code=leaf.region_code,
                target_node=target,
                ticket=pick.ticket,
                batch=pick.batch,
                replaces=pick.replaces,
                tasks=task_parts(tasks, pick, texts),
                team=[
                    TeamMember(
                        inspector_id=uuid.UUID(m["inspector_id"]),
                        credential_no=m["credential_no"],
                        name=names.get(m["inspector_id"], ""),
                    )
                    for m in team
                ],
                dispatched_at=now,
                registry_record=registry_record(entity),
            ),
            subject=assignment_id,
            target_node=target,
            node=ctx.serving(run.node),
        )
    ctx.repo.add_picks(run.draw_id, records)
    return counts


def team_members(ctx: Context, ids: Sequence[str], credentials: Mapping[str, str]) -> dict[str, TeamMember]:
    """The members named in a team change, with their credential numbers and names."""
    names = ctx.repo.inspector_names(ids)
    return {i: TeamMember(inspector_id=uuid.UUID(i), credential_no=credentials[i], name=names.get(i, "")) for i in ids}
