"""A draw's records: the aggregate loaded from its rows for the next step and its new log entries saved; and,
for readers, its summary and its auditor package (docs/draw-spec.md §10)."""

from __future__ import annotations

import json
from typing import Any

from draw.domain.draw import Draw
from draw.domain.errors import DrawNotFound
from draw.domain.records import DrawRun
from draw.service_layer.context import Context
from draw.service_layer.teams import assignment_section
from hrss.drawkit import FrameEntry

COMMITMENTS = ("task_hash", "frame_root", "roster_root", "recusal_root")


def run_of(ctx: Context, draw_id: str, *, lock: bool = False) -> DrawRun:
    """The draw's run, `DrawNotFound` (404) if there is none; `lock` holds it until the step commits."""
    run = ctx.repo.run(draw_id, lock=lock)
    if run is None:
        raise DrawNotFound(draw_id=draw_id)
    return run


def snapshot(ctx: Context, run: DrawRun) -> dict[str, Any]:
    """The frozen snapshot (frame, roster, recusal pairs), checked against its hash (bootstrap keeps the last few
    read in memory: `CachedSnapshots`)."""
    found: dict[str, Any] = json.loads(ctx.components.snapshots.get(run.snapshot_key, run.snapshot_sha256))
    return found


def load(ctx: Context, draw_id: str) -> tuple[DrawRun, Draw]:
    """The draw, locked, as its rows and its snapshot have it: ready for its next step."""
    run = run_of(ctx, draw_id, lock=True)
    repo = ctx.repo
    frame = [FrameEntry.from_json(e) for e in snapshot(ctx, run)["frame"]]
    found = Draw.from_records(
        run, repo.log(draw_id), repo.picks(draw_id), repo.expansion_plans(draw_id), frame, ctx.now_iso
    )
    return run, found


def save_log(ctx: Context, draw_id: str, draw: Draw, known: int) -> None:
    """Append the log entries the step added after the first `known`."""
    ctx.repo.add_log(draw_id, draw.log[known:], ctx.principal.account_id)


def package(ctx: Context, draw_id: str) -> tuple[DrawRun, dict[str, Any]]:
    """The draw's run and its auditor package, assembled from its records and its snapshot."""
    run = run_of(ctx, draw_id)
    repo = ctx.repo
    log = [e.to_json() for e in repo.log(draw_id)]
    picks = repo.picks(draw_id)
    frozen = snapshot(ctx, run)
    committed = log[0]["body"]
    seeded = next((e["body"]["seed"] for e in log if e["kind"] == "seeded"), None)
    found: dict[str, Any] = {
        "algorithm": committed["algorithm"],
        "profile": run.profile,
        "commitments": {k: committed[k] for k in ("draw_id", *COMMITMENTS)},
        "task": run.task,
        "contributions": [
            {"witness": e["body"]["witness"], "value": e["body"]["value"]} for e in log if e["kind"] == "contribution"
        ],
        "seed": seeded,
        "plan": run.plan,
        "expansion_plans": repo.expansion_plans(draw_id),
        "picks": [p.to_pick_json() for p in picks],
        "invalid": {e["body"]["invalid"]: e["body"]["reason"] for e in log if e["kind"] == "replaced"},
        "log": log,
        "frame": list(frozen["frame"]),
    }
    teams = {p.uscc: list(p.team or []) for p in picks}
    found["assignment"] = assignment_section(ctx, run, frozen, found, teams)
    return run, found


def summary(ctx: Context, draw_id: str) -> dict[str, Any]:
    """The draw as staff see it: status, commitments, contributions, counts per target node."""
    run = run_of(ctx, draw_id)
    log = ctx.repo.log(draw_id)
    kinds = [e.kind for e in log]
    status = (
        "voided"
        if "voided" in kinds
        else "drawn"
        if "drawn" in kinds
        else "seeding"
        if "contribution" in kinds
        else "committed"
    )
    targets = ctx.repo.picks_by_node(draw_id)
    committed = log[0].body
    return {
        "draw_id": run.draw_id,
        "node": run.node,
        "task_ids": list(run.task_ids),
        "status": status,
        "profile": run.profile,
        "frame_size": run.frame_size,
        "commitments": {k: committed[k] for k in COMMITMENTS},
        "randomness_plan": committed["randomness_plan"],
        "contributions": [{"witness": e.body["witness"], "at": e.at} for e in log if e.kind == "contribution"],
        "seed": next((e.body["seed"] for e in log if e.kind == "seeded"), None),
        "picks_by_node": dict(sorted(targets.items())),
        "log": [{"seq": e.seq, "kind": e.kind, "at": e.at, "hash": e.hash} for e in log],
    }
