"""The read side: evidence records, a visit's archive, the borrowing register; path checks; file answers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from werkzeug.wrappers import Response

from evidence.domain.errors import (
    ArchiveNotFiled,
    EvidenceNotFound,
    InvalidNode,
    InvalidVersion,
    NodeRequired,
)
from evidence.service_layer import archives, borrowing, quarantine
from evidence.service_layer.context import READERS, Context
from evidence.service_layer.uploads import evidence_view
from evidence.service_layer.visits import on_team_or_wider, team_of
from hrss.auth import Action
from hrss.contracts import InvalidNodeCode, Node
from hrss.web import check_id


def check_version(value: str) -> int:
    """A version number from the path, else 400 `request.invalid_version`."""
    if not value.isdigit() or not 1 <= int(value) <= 100000:
        raise InvalidVersion()
    return int(value)


def evidence(ctx: Context, evidence_id: str) -> dict[str, Any]:
    """One evidence record and the archive versions that name it, for readers of its node or its visit's team."""
    row = ctx.repo.evidence(check_id(evidence_id, "evidence_id"))
    if row is None:
        raise EvidenceNotFound(evidence_id=evidence_id)
    on_team_or_wider(ctx.principal, Action.READ, row.node, READERS, team_of(ctx.visits, str(row.visit_id)))
    filed = ctx.repo.filings(row.evidence_id)
    return {
        **evidence_view(row),
        "archived_in": [{"archive_id": str(f.archive_id), "version": f.version, "status": f.status} for f in filed],
    }


def visit_evidence(ctx: Context, visit_id: str) -> dict[str, Any]:
    """A visit's evidence, for readers of its node; an inspector with no other role only for a visit of their team."""
    key = check_id(visit_id, "visit_id")
    visit = ctx.visits.get(key)
    team = visit.inspector_ids if visit is not None else ()
    rows = ctx.repo.evidence_of_visit(key)
    nodes = {r.node for r in rows} | ({visit.node} if visit is not None else set())
    if ctx.principal.sees_only_own_assignments and not nodes:
        nodes = {ctx.principal.node.code}  # nothing known of the visit: the caller is on no team of it
    for node in sorted(nodes):
        on_team_or_wider(ctx.principal, Action.READ, node, READERS, team)
    return {"visit_id": key, "evidence": [evidence_view(r) for r in rows]}


def visit_archive(ctx: Context, visit_id: str) -> dict[str, Any]:
    """The archive filed for a visit, else 404 `archive.not_filed`."""
    archive = ctx.repo.archive_of_visit(check_id(visit_id, "visit_id"))
    if archive is None:
        raise ArchiveNotFiled(visit_id=visit_id)
    return archives.archive_view(ctx, archive.archive_id)


def register(ctx: Context, node: str | None) -> dict[str, Any]:
    if not node:
        raise NodeRequired()
    try:
        code = Node(node).code
    except (InvalidNodeCode, ValueError):
        raise InvalidNode() from None
    return {"node": code, "borrowings": borrowing.register(ctx, code)}


def quarantined(ctx: Context, node: str | None, visit_id: str | None) -> dict[str, Any]:
    """What was quarantined at a node and below (of one visit, if given): metadata only, never the bytes."""
    if not node:
        raise NodeRequired()
    return quarantine.listing(ctx, node, check_id(visit_id, "visit_id") if visit_id else None)


def file_response(row: Any, chunks: Iterator[bytes]) -> Response:
    """The evidence bytes, with their recorded digest and version id for the reader to check. Always a download
    (`attachment`), never rendered or sniffed by a browser, typed from the validated kind (the record's content
    type comes from `domain/content.py:MIME` for the checked extension, never from what the uploader sent)."""
    headers = {
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.filename, safe='')}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox; default-src 'none'",
        "X-Evidence-Algorithm": row.algorithm,
        "X-Evidence-Digest": row.digest,
        "X-Object-Version-Id": row.version_id,
        "Content-Length": str(row.size),
    }
    return Response(chunks, headers=headers, content_type=row.content_type, direct_passthrough=True)
