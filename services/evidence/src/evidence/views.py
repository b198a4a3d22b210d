"""The read side: evidence records, a visit's archive, the borrowing register; path checks; file answers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from werkzeug.wrappers import Response

from evidence.adapters import orm
from evidence.domain.errors import (
    ArchiveNotFiled,
    EvidenceNotFound,
    InvalidNode,
    InvalidVersion,
    NodeRequired,
)
from evidence.service_layer import access, archives
from evidence.service_layer.context import READERS, Context
from evidence.service_layer.uploads import evidence_view
from evidence.service_layer.visits import on_team_or_wider, team_of
from hrss.auth import Action
from hrss.contracts import InvalidNodeCode, Node
from hrss.web import check_id


def check_version(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 100000:
        raise InvalidVersion()
    return int(value)


def evidence(ctx: Context, evidence_id: str) -> dict[str, Any]:
    e = orm.evidence
    row = ctx.uow.session.execute(select(e).where(e.c.evidence_id == check_id(evidence_id, "evidence_id"))).first()
    if row is None:
        raise EvidenceNotFound(evidence_id=evidence_id)
    on_team_or_wider(ctx.principal, Action.READ, row.node, READERS, team_of(ctx.visits, str(row.visit_id)))
    i = orm.archive_item
    filed = ctx.uow.session.execute(
        select(i.c.archive_id, i.c.version, i.c.status).where(i.c.evidence_id == row.evidence_id).order_by(i.c.version)
    ).all()
    return {
        **evidence_view(row),
        "archived_in": [{"archive_id": str(f.archive_id), "version": f.version, "status": f.status} for f in filed],
    }


def visit_evidence(ctx: Context, visit_id: str) -> dict[str, Any]:
    """A visit's evidence, for readers of its node; an inspector with no other role only for a visit of their team."""
    e = orm.evidence
    key = check_id(visit_id, "visit_id")
    visit = ctx.visits.get(key)
    team = visit.inspector_ids if visit is not None else ()
    rows = ctx.uow.session.execute(select(e).where(e.c.visit_id == key).order_by(e.c.uploaded_at)).all()
    nodes = {r.node for r in rows} | ({visit.node} if visit is not None else set())
    if ctx.principal.sees_only_own_assignments and not nodes:
        nodes = {ctx.principal.node.code}  # nothing known of the visit: the caller is on no team of it
    for node in sorted(nodes):
        on_team_or_wider(ctx.principal, Action.READ, node, READERS, team)
    return {"visit_id": key, "evidence": [evidence_view(r) for r in rows]}


def visit_archive(ctx: Context, visit_id: str) -> dict[str, Any]:
    a = orm.archive
    archive_id = ctx.uow.session.execute(
        select(a.c.archive_id).where(a.c.visit_id == check_id(visit_id, "visit_id"))
    ).scalar()
    if archive_id is None:
        raise ArchiveNotFiled(visit_id=visit_id)
    return archives.archive_view(ctx, str(archive_id))


def register(ctx: Context, node: str | None) -> dict[str, Any]:
    if not node:
        raise NodeRequired()
    try:
        code = Node(node).code
    except (InvalidNodeCode, ValueError):
        raise InvalidNode() from None
    return {"node": code, "borrowings": access.register(ctx, code)}


def file_response(row: Any, chunks: Iterator[bytes]) -> Response:
    """The evidence bytes, with their recorded digest and version id for the reader to check."""
    headers = {
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.filename)}",
        "X-Evidence-Algorithm": row.algorithm,
        "X-Evidence-Digest": row.digest,
        "X-Object-Version-Id": row.version_id,
        "Content-Length": str(row.size),
    }
    return Response(chunks, headers=headers, content_type=row.content_type, direct_passthrough=True)
