"""The public reads: every answer built from the public record and masked once more on its way out (the content was
masked before it was hashed; this is the belt to those braces). Queries only; no writes."""

from __future__ import annotations

import uuid
from typing import Any

from hrss.contracts import InvalidNodeCode, Node
from hrss.contracts.masking import mask_value
from hrss.contracts.uscc import InvalidUscc, check_uscc
from publication.adapters.repository import PublicationRepository
from publication.domain.errors import RecordNotFound, invalid
from publication.domain.records import Kind, Receipt, RecordVersion, content_sha256, verify_chain
from publication.service_layer.context import node_prefix
from publication.service_layer.lists import checklist_id

WHAT = {
    "result": "检查结果",
    "task": "抽查任务公示",
    "plan": "年度抽查计划",
    "checklist": "抽查事项清单",
    "drawn_list": "抽取结果",
}
MAX_PAGE = 200


def check_node(value: str | None, name: str = "node") -> str | None:
    """A node code from the path or query, or 400 naming the parameter."""
    if value is None:
        return None
    try:
        return Node(value).code
    except InvalidNodeCode:
        raise invalid(name, "request.invalid_node", f"{name} 应为 6 位行政区划代码") from None


def check_int(value: str | None, name: str, low: int, high: int, default: int | None) -> int | None:
    """An integer query parameter in [low, high], or 400 naming it."""
    if value is None or value == "":
        return default
    if not (value.isascii() and value.isdigit() and low <= int(value) <= high):
        raise invalid(name, f"request.invalid_{name}", f"{name} 应为 {low} 到 {high} 之间的整数")
    return int(value)


def check_uuid(value: str, name: str) -> str:
    """A record id from the path, canonical, or 400 naming it."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise invalid(name, "request.invalid_id", f"{name} 应为 UUID") from None


def _record(r: RecordVersion) -> dict[str, Any]:
    return {
        "kind": r.kind,
        "record_id": r.record_id,
        "version": r.version,
        "node": r.node,
        "published_at": r.published_at.isoformat(),
        "content_sha256": r.content_sha256,
        "content": mask_value(r.content),
    }


def _receipt(r: Receipt) -> dict[str, Any]:
    return {**r.fields(), "receipt_sha256": r.receipt_sha256}


def entity_results(repo: PublicationRepository, uscc: str) -> dict[str, Any]:
    """The entity page: every published result of one USCC, newest first."""
    try:
        code = check_uscc(uscc)
    except InvalidUscc as bad:
        raise invalid("uscc", "request.invalid_uscc", bad.message) from None
    return {"uscc": code, "results": [_record(r) for r in repo.results_of_entity(code)]}


def listing(repo: PublicationRepository, kind: Kind, args: Any, result_code: str | None = None) -> dict[str, Any]:
    """The records of a kind in a node's subtree (default: all) and year, newest first, a page at a time (results:
    of one category if `result_code` is given, e.g. those that refused to cooperate)."""
    node = check_node(args.get("node"))
    year = check_int(args.get("year"), "year", 2000, 2100, None)
    limit = check_int(args.get("limit"), "limit", 1, MAX_PAGE, 50) or 50
    offset = check_int(args.get("offset"), "offset", 0, 100_000, 0) or 0
    found = repo.records(kind, node_prefix(node) if node else "", year, limit, offset, result_code)
    return {"node": node, "year": year, "limit": limit, "offset": offset, "records": [_record(r) for r in found]}


def record(repo: PublicationRepository, kind: Kind, record_id: str) -> dict[str, Any]:
    """One record: its current version and every earlier one (corrections are new versions, never edits)."""
    key = check_uuid(record_id, f"{kind}_id")
    versions = repo.versions(kind, key)
    if not versions:
        raise RecordNotFound(what=WHAT[kind], record_id=key)
    return {**_record(versions[-1]), "versions": [_record(v) for v in versions]}


def node_checklist(repo: PublicationRepository, node: str) -> dict[str, Any]:
    """The checklist in force a node published (its current version and every earlier one)."""
    code = check_node(node) or node
    return record(repo, "checklist", checklist_id(code))


def receipts(repo: PublicationRepository, node: str, args: Any) -> dict[str, Any]:
    """A page of the node's receipt chain, in order."""
    code = check_node(node) or node
    after = check_int(args.get("after"), "after", 0, 10**9, 0) or 0
    limit = check_int(args.get("limit"), "limit", 1, MAX_PAGE * 5, MAX_PAGE) or MAX_PAGE
    return {"node": code, "receipts": [_receipt(r) for r in repo.receipts(code, after, limit)]}


def verification(repo: PublicationRepository, node: str) -> dict[str, Any]:
    """The node's whole chain recomputed, each receipt against the content it vouches for."""
    code = check_node(node) or node
    contents = {key: content_sha256(c) for key, c in repo.contents_of(code).items()}
    check = verify_chain(code, repo.receipts(code), contents)
    head = repo.last_receipt(code)
    return {
        "node": code,
        "length": check.length,
        "valid": check.valid,
        "first_bad_seq": check.first_bad_seq,
        "problem": check.problem,
        "head_sha256": head.receipt_sha256 if head is not None else None,
    }


def withheld(repo: PublicationRepository, node: str) -> dict[str, Any]:
    """Results withheld from the public in a node's subtree, with their reasons (for auditors)."""
    rows = repo.withheld(node_prefix(node))
    return {"node": node, "withheld": [{**r, "withheld_at": r["withheld_at"].isoformat()} for r in rows]}
