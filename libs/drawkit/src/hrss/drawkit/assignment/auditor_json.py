"""The assignment in the auditor package (docs/draw-assignment.md §9): what the draw records (the public
`assigned` body, the package's `assignment` section) and how it is read back. Nothing here goes into the public
record but the `assigned` body: the roster, the recusal pairs and the salts are the auditor's only."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta, timezone
from typing import Any

from hrss.drawkit.assignment.commitments import teams_hash
from hrss.drawkit.assignment.model import Assignment, AssignmentInput, Inspector
from hrss.drawkit.encoding import Profile

CST = timezone(timedelta(hours=8))


def item_requirements(
    tasks: Sequence[Mapping[str, Any]], base: Iterable[str], by_line: Mapping[str, Iterable[str]]
) -> dict[str, list[str]]:
    """`task_id:item_id` → the qualifications a team member needs for that item: the base ones plus those of the
    item's line of business (业务条线), sorted."""
    common = set(base)
    return {
        f"{task['task_id']}:{item['item_id']}": sorted(common | set(by_line.get(str(item.get("line") or ""), ())))
        for task in tasks
        for item in task["items"]
    }


def requirement(items: Iterable[str], by_item: Mapping[str, Iterable[str]]) -> frozenset[str]:
    """The union of what the entity's items need (KeyError for an item the map does not name)."""
    return frozenset(q for item in items for q in by_item[item])


def inspector_json(inspector: Inspector, salt: str) -> dict[str, Any]:
    """A roster leaf as the auditor receives it: every field of §3 and its salt."""
    return {
        "inspector_id": inspector.inspector_id,
        "credential_no": inspector.credential_no,
        "node": inspector.node,
        "qualifications": sorted(inspector.qualifications),
        "active": inspector.active,
        "credential_expires": inspector.credential_expires,
        "station_region": inspector.station_region,
        "former_employers": sorted(inspector.former_employers),
        "salt": salt,
    }


def inspector_from(data: Mapping[str, Any]) -> Inspector:
    if not isinstance(data["active"], bool):
        raise TypeError("active must be true or false")
    return Inspector(
        inspector_id=str(data["inspector_id"]),
        credential_no=str(data["credential_no"]),
        node=str(data["node"]),
        qualifications=frozenset(str(q) for q in data["qualifications"]),
        active=data["active"],
        credential_expires=str(data["credential_expires"]),
        station_region=str(data["station_region"]),
        former_employers=frozenset(str(u) for u in data["former_employers"]),
    )


def teams_json(result: Assignment, credentials: Mapping[str, str]) -> dict[str, list[dict[str, str]]]:
    """The teams with each member's id, credential number and ticket, sorted by uscc."""
    return {
        uscc: [
            {"inspector_id": m.inspector_id, "credential_no": credentials[m.inspector_id], "ticket": m.ticket}
            for m in team
        ]
        for uscc, team in sorted(result.teams.items())
    }


def assigned_body(
    profile: Profile, inputs: AssignmentInput, result: Assignment, credentials: Mapping[str, str]
) -> dict[str, Any]:
    """The body of the public `assigned` log entry. Infeasible entities are listed by uscc only: their reasons and
    counts hint at recusal relations (§5.5), and the auditor re-derives them."""
    return {
        "teams": len(result.teams),
        "teams_hash": teams_hash(profile, teams_json(result, credentials)),
        "team_size": inputs.team_size,
        "draw_date": inputs.draw_date.isoformat(),
        "infeasible": [f.uscc for f in result.infeasible],
    }


def public_assignments(package: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The teams a public record may carry (`assignments`, docs/draw-spec.md §10): one group per run of the package's
    `assignment`, by credential number, members in ticket order, as assigned; checked by `teams.logged`."""
    return [
        {
            "seq": run["seq"],
            "teams": {u: [m["credential_no"] for m in team] for u, team in sorted(run["teams"].items())},
        }
        for run in package["assignment"]["runs"]
    ]


def run_json(seq: int, inputs: AssignmentInput, teams: Mapping[str, Sequence[Mapping[str, str]]]) -> dict[str, Any]:
    """One assignment run of the auditor package: the `assigned` log entry it belongs to, its entities (their
    qualifications follow from their picks' items) and the teams it gave."""
    return {
        "seq": seq,
        "entities": [{"uscc": e.uscc, "region_code": e.region_code, "node": e.node} for e in inputs.entities],
        "teams": {u: [dict(m) for m in t] for u, t in sorted(teams.items())},
    }


def section(
    roster: Sequence[Mapping[str, Any]],
    recusal: Sequence[Mapping[str, Any]],
    by_item: Mapping[str, Sequence[str]],
    runs: Sequence[Mapping[str, Any]],
    reasons: Mapping[int, Mapping[str, str]] | None = None,
) -> dict[str, Any]:
    """The auditor package's `assignment`: roster leaves with salts, recusal pairs with salts, the qualifications
    per item, every run, and the opening `{reason, salt}` of each `team_replaced` entry's reason, by its seq."""
    return {
        "roster": [dict(r) for r in roster],
        "recusal": [dict(r) for r in recusal],
        "qualifications": {k: sorted(v) for k, v in sorted(by_item.items())},
        "runs": [dict(r) for r in runs],
        "replacement_reasons": {str(seq): dict(o) for seq, o in sorted((reasons or {}).items())},
    }


def assigned_picks(package: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], list[Mapping[str, Any]]]]:
    """Each `assigned` log entry with the picks it assigned: those of the entry (drawn, replaced or expanded)
    that precedes it (picks of an entry no `assigned` entry follows have no run)."""
    picks, found, position, pending = list(package["picks"]), [], 0, 0
    added = {"drawn": lambda b: int(b["picks"]), "replaced": lambda b: 1, "expanded": lambda b: len(b["picks"])}
    for entry in package["log"]:
        if entry["kind"] in added:
            position += pending
            pending = added[entry["kind"]](entry["body"])
        elif entry["kind"] == "assigned":
            found.append((entry, picks[position : position + pending]))
            position += pending
            pending = 0
    return found


def run_date(entry: Mapping[str, Any]) -> date:
    """The draw date of an `assigned` log entry: its `draw_date`, else (entries logged before it was recorded) the
    calendar day of its instant in UTC+8."""
    given = entry["body"].get("draw_date")
    if given is not None:
        return date.fromisoformat(str(given))
    return datetime.fromisoformat(str(entry["at"])).astimezone(CST).date()
