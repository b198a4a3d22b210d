"""The read side: a draw's summary for staff, its public record (anonymous when the task publishes its drawn
list), the auditor package (administrators and auditors), an entity's proof, and the draws of a task."""

from __future__ import annotations

from typing import Any

from draw.domain.errors import InvalidFrameParameter, NotInFrame
from draw.service_layer.context import AUDITORS, DRAWERS, Context
from draw.service_layer.records import package, summary
from hrss.auth import Action, Principal, Unauthenticated, check_access
from hrss.drawkit import public_record
from hrss.drawkit.frame import FrameColumns, snapshot_lines
from hrss.drawkit.package import entity_proof
from hrss.web import check_id


def draw_summary(ctx: Context, draw_id: str) -> dict[str, Any]:
    found = summary(ctx, check_id(draw_id, "draw_id"))
    check_access(ctx.principal, Action.READ, found["node"])
    return found


def public(ctx: Context, principal: Principal | None, draw_id: str) -> dict[str, Any]:
    """The public record: open to anyone once drawn if every task publishes its drawn list, else to staff."""
    run, found = package(ctx, check_id(draw_id, "draw_id"))
    published = all(t["publish_drawn_list"] for t in run.task["tasks"])
    if principal is None and not published:
        raise Unauthenticated("auth.required", "本次抽取结果不公开，请登录后查看")
    if principal is not None and not published:
        check_access(principal, Action.READ, run.node)
    record = public_record(found)
    record["assignments"] = assignments(ctx, draw_id)
    return record


def assignments(ctx: Context, draw_id: str) -> list[dict[str, Any]]:
    """Team membership by credential number, one group per `assigned` log entry (the initial picks, then each
    replacement), so that anyone can check each group against the hash the log holds."""
    log = ctx.repo.log(draw_id)
    picks = ctx.repo.picks(draw_id)
    groups, position, pending = [], 0, 0
    for entry in log:
        if entry.kind == "drawn":
            pending = entry.body["picks"]
        elif entry.kind == "replaced":
            pending = 1
        elif entry.kind == "expanded":
            pending = len(entry.body["picks"])
        elif entry.kind == "assigned":
            chosen = picks[position : position + pending]
            position += pending
            teams = {p.uscc: [m["credential_no"] for m in p.team] for p in chosen if p.team}
            groups.append({"seq": entry.seq, "teams": dict(sorted(teams.items()))})
    return groups


def auditor(ctx: Context, draw_id: str, frame: str | None = None) -> dict[str, Any]:
    """The auditor package; `frame="none"` leaves the frame out, for an auditor who streams it from the snapshot
    file (`frame_snapshot`) instead."""
    if frame not in (None, "none"):
        raise InvalidFrameParameter()
    run, found = package(ctx, check_id(draw_id, "draw_id"))
    check_access(ctx.principal, Action.READ, run.node, roles=AUDITORS)
    return {k: v for k, v in found.items() if k != "frame"} if frame == "none" else found


def frame_snapshot(ctx: Context, draw_id: str) -> bytes:
    """The frame snapshot file of the draw (docs/draw-spec.md §4.3): one line per leaf, what
    `hrss.drawkit.stream` re-verifies without holding the frame; for the same readers as the auditor package."""
    run, found = package(ctx, check_id(draw_id, "draw_id"))
    check_access(ctx.principal, Action.READ, run.node, roles=AUDITORS)
    return b"".join(snapshot_lines(*FrameColumns.from_json(found["frame"]).fields()))


def proof(ctx: Context, draw_id: str, uscc: str) -> dict[str, Any]:
    run, found = package(ctx, check_id(draw_id, "draw_id"))
    check_access(ctx.principal, Action.READ, run.node, roles=DRAWERS | AUDITORS)
    try:
        return entity_proof(found, uscc)
    except LookupError:
        raise NotInFrame(uscc=uscc[:18]) from None


def of_task(ctx: Context, task_id: str) -> dict[str, Any]:
    key = check_id(task_id, "task_id")
    found = [summary(ctx, d) for d in ctx.repo.draws_of_task(key)]
    for item in found:
        check_access(ctx.principal, Action.READ, item["node"])
    return {"task_id": key, "draws": found}
