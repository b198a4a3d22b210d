"""What the public sees of each kind of record, built from the events' payloads (as JSON dicts) and masked.

Every string of the content passes through `hrss.contracts.masking` before it is hashed and kept, so the receipt
proves exactly what was public. Inspectors appear by credential number only; the entity's name is masked where it is
an individual business named by its owner (个体工商户).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hrss.contracts.checklist import CheckItemSpec
from hrss.contracts.masking import mask_entity_name, mask_value, personal_names


def _ratio(spec: Mapping[str, Any]) -> str:
    if spec.get("kind") == "minimum":
        return f"至少{spec.get('minimum')}{spec.get('unit') or ''}"
    numerator, denominator = spec.get("numerator") or 0, spec.get("denominator") or 1
    return f"{round(100 * numerator / denominator, 2):g}%"


FOLLOW_UP_KINDS = {
    "correction": "责令改正",
    "case": "移交人社执法机构立案",
    "transfer": "移交相关监管部门",
    "judicial": "移送司法机关",
}
REFUSED = "refused"  # 不配合检查: published as such (004 §10.1)


def follow_up_content(opened: Mapping[str, Any], closed: Mapping[str, Any] | None) -> dict[str, Any]:
    """A follow-up measure as the public sees it on the result's page: what was done, by when, handed to whom, and
    how it ended. A judicial transfer shows its kind and state only (whom and how: the investigation's, not ours)."""
    judicial = opened["kind"] == "judicial"
    return {
        "kind": FOLLOW_UP_KINDS.get(opened["kind"], opened["kind"]),
        "due": opened.get("due"),
        "target": None if judicial else opened.get("target"),
        "state": "已办结" if closed is not None else "办理中",
        "closed_on": closed.get("closed_on") if closed is not None else None,
        "outcome": None if judicial or closed is None else closed.get("outcome"),
    }


def result_content(
    approved: Mapping[str, Any],
    tasks: Mapping[str, Mapping[str, Any]],
    body: str,
    labels: Mapping[str, str],
    object_type: str | None,
    follow_ups: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The public content of an approved result (`approved`: the inspection.result_approved payload as JSON), with
    its follow-up measures (`follow_up_content`, oldest first) once there are any."""
    names = personal_names(approved["entity_name"], object_type)
    task_list = []
    for task_id in approved["task_ids"]:
        known = tasks.get(str(task_id)) or {}
        task_list.append({"task_id": str(task_id), "number": known.get("number"), "title": known.get("title")})
    record = approved["record"]
    content = {
        "kind": "result",
        "result_id": str(approved["result_id"]),
        "node": approved["node"],
        "inspecting_body": {"node": approved["node"], "name": body},
        "inspectors": [i["credential_no"] for i in record["inspectors"]],
        "entity_name": mask_entity_name(approved["entity_name"], object_type),
        "uscc": approved["uscc"],
        "region_code": approved["region_code"],
        "tasks": task_list,
        "inspected_on": record["inspected_on"],
        "items": [
            {
                "item": i["item_name"],
                "result": labels.get(i["category"], i["category"]),
                "findings": i.get("findings") or "",  # 检查情况, masked below like every string
            }
            for i in approved["items"]
        ],
        "result_category": labels.get(approved["overall"], approved["overall"]),
        "result_code": approved["overall"],
        "approved_at": approved["approved_at"],
        "result_version": approved["version"],
    }
    if approved["overall"] == REFUSED:
        content["refused_to_cooperate"] = True  # 严重不配合检查 (004 §10.1): listed at GET /refusals
    if follow_ups:
        content["follow_ups"] = follow_ups
    masked = mask_value(content, names)
    assert isinstance(masked, dict)
    masked["uscc"] = approved["uscc"]  # public by law (and never personal: masking keeps USCCs)
    return masked


def task_content(task: Mapping[str, Any], methods: Mapping[str, str]) -> dict[str, Any]:
    """The announcement (公示) of a task before its draw: items, scope, ratio, period."""
    scope = task["scope"]
    content = {
        "kind": "task",
        "task_id": str(task["task_id"]),
        "node": task["node"],
        "number": task.get("number"),
        "title": task["title"],
        "year": task["year"],
        "joint": len(task.get("departments") or []) > 1 or len(task.get("lines") or []) > 1,
        "departments": task.get("departments") or [],
        "items": [
            {
                "item_id": i["item_id"],
                "item_version": i["item_version"],
                "name": i["name"],
                "category": "重点" if i["category"] == "key" else "一般",
                "methods": [methods.get(m, m) for m in i["methods"]],
                "object_type": i["object_type"],
                "ratio": _ratio(i["ratio"]),
            }
            for i in task["items"]
        ],
        "scope": {
            "regions": scope.get("region_codes") or [task["node"]],
            "object_types": scope.get("object_types") or [],
            "tags": scope.get("tags") or [],
        },
        "period": {"start": task["start"], "end": task["end"]},
        "publish_drawn_list": task.get("publish_drawn_list", False),
    }
    masked = mask_value(content)
    assert isinstance(masked, dict)
    return masked


def plan_content(plan: Mapping[str, Any]) -> dict[str, Any]:
    """A published annual plan version (年度抽查计划)."""
    content = {
        "kind": "plan",
        "plan_id": str(plan["plan_id"]),
        "node": plan["node"],
        "year": plan["year"],
        "plan_version": plan["version"],
        "items": [
            {"item_id": i["item_id"], "item_version": i["item_version"], "planned_tasks": i["planned_tasks"]}
            for i in plan["items"]
        ],
        "omissions": [{"item_id": o["item_id"], "reason": o["reason"]} for o in plan["omissions"]],
        "adjustment_reason": plan.get("adjustment_reason"),
    }
    masked = mask_value(content)
    assert isinstance(masked, dict)
    return masked


LEVELS = {"province": "省级", "city": "市级", "county": "县级"}
IN_FORCE = "active"


def checklist_content(node: str, items: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The checklist in force at a node (抽查事项清单, 001 §二(四)): each item's latest version that is not withdrawn
    (`items`: registry.check_item_changed payloads as JSON), by number, as the document states it."""
    shown = []
    for item in items:
        if item["status"] != IN_FORCE:
            continue
        spec = CheckItemSpec.from_json(item["spec"])
        shown.append(
            {
                "item_id": str(item["item_id"]),
                "item_version": item["version"],
                "number": item["number"],
                "name": spec.name,
                "line": item.get("line"),
                "legal_basis": spec.legal_basis,
                "object_type": spec.object_type,
                "content": spec.content,
                "category": spec.category.label,
                "methods": [m.label for m in spec.methods],
                "ratio": spec.ratio.label,
                "frequency": spec.frequency.text,
                "levels": [LEVELS.get(level.value, level.value) for level in spec.levels],
                "implementing_body": spec.implementing_body,
                "responsible_unit": spec.responsible_unit,
            }
        )
    masked = mask_value({"kind": "checklist", "node": node, "items": shown})
    assert isinstance(masked, dict)
    return masked


def drawn_list_content(
    draw: Mapping[str, Any],
    node: str,
    dispatches: list[Mapping[str, Any]],
    tasks: Mapping[str, Mapping[str, Any]],
    body: str,
    verification: str,
) -> dict[str, Any]:
    """The drawn list of a draw at the node that inspects its entities (谁检查、谁公开): each entity's name (masked
    where personal) and USCC, and its inspection team by credential number only (never names), with the link to
    the draw's public verification record (`verification`)."""
    entries = []
    for d in dispatches:
        kind = (d.get("registry_record") or {}).get("object_type")
        entries.append(
            {
                "entity_name": mask_entity_name(d["name"], kind),
                "uscc": d["uscc"],
                "region_code": d["region_code"],
                "batch": d["batch"],
                "replaces": d.get("replaces"),
                "team": [m["credential_no"] for m in d["team"]],
                "_names": personal_names(d["name"], kind),
            }
        )
    names = tuple(n for e in entries for n in e.pop("_names"))
    content = {
        "kind": "drawn_list",
        "draw_id": str(draw["draw_id"]),
        "node": node,
        "inspecting_body": {"node": node, "name": body},
        "tasks": [
            {
                "task_id": str(t),
                "number": tasks.get(str(t), {}).get("number"),
                "title": tasks.get(str(t), {}).get("title"),
            }
            for t in draw["task_ids"]
        ],
        "drawn_at": draw["completed_at"],
        "entities": entries,
        "verification": verification,
    }
    masked = mask_value(content, names)
    assert isinstance(masked, dict)
    for entry, source in zip(masked["entities"], entries, strict=True):
        entry["uscc"] = source["uscc"]  # public by law, as on a result
    return masked
