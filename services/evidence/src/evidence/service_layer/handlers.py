"""The use cases by message: entrypoints build a command and hand it to `handle`; the consumers hand it each event
payload (with its event id). Each handler runs as the context's caller, in the context's unit of work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from evidence.service_layer import (
    access,
    archives,
    borrowing,
    indexing,
    quarantine,
    reads,
    searching,
    uploads,
    visits,
)
from evidence.service_layer.commands import (
    DecideAccess,
    DecideAmendment,
    IndexArchive,
    LendArchive,
    ListQuarantine,
    ProposeAmendment,
    ReadEvidence,
    ReadVersion,
    RequestAccess,
    ReturnArchive,
    SearchArchives,
    UploadEvidence,
)
from evidence.service_layer.context import Context
from hrss.auth import in_scope
from hrss.contracts.events.evidence import ArchiveAmended, ArchiveFiled
from hrss.contracts.events.inspection import ResultApproved, VisitExtended, VisitOpened, VisitStatusChanged


def handle(message: object, ctx: Context, **extra: Any) -> Any:
    """Run the handler registered for the message's type (a command, or an event payload with `event_id=`)."""
    handlers = COMMAND_HANDLERS if type(message) in COMMAND_HANDLERS else EVENT_HANDLERS
    return handlers[type(message)](message, ctx, **extra)


def upload_evidence(cmd: UploadEvidence, ctx: Context) -> dict[str, Any]:
    return uploads.upload(ctx, cmd.upload, cmd.stream, cmd.length)


def propose_amendment(cmd: ProposeAmendment, ctx: Context) -> dict[str, Any]:
    add, withdraw = list(cmd.add_evidence), list(cmd.withdraw_evidence)
    return archives.propose(ctx, cmd.archive_id, cmd.reason, cmd.content, add, withdraw)


def decide_amendment(cmd: DecideAmendment, ctx: Context) -> dict[str, Any]:
    return archives.decide(ctx, cmd.amendment_id, cmd.decision, cmd.comment)


def request_access(cmd: RequestAccess, ctx: Context) -> dict[str, Any]:
    return access.request_access(ctx, cmd.archive_id, list(cmd.versions), cmd.mode, cmd.purpose, cmd.valid_until)


def decide_access(cmd: DecideAccess, ctx: Context) -> dict[str, Any]:
    return access.decide_access(ctx, cmd.request_id, cmd.position, cmd.decision, cmd.comment, cmd.approver_name)


def read_version(cmd: ReadVersion, ctx: Context) -> dict[str, Any]:
    return reads.read_version(ctx, cmd.archive_id, cmd.version, cmd.grant_id)


def read_evidence(cmd: ReadEvidence, ctx: Context) -> Any:
    return reads.read_evidence(ctx, cmd.archive_id, cmd.version, cmd.evidence_id, cmd.grant_id)


def lend_archive(cmd: LendArchive, ctx: Context) -> dict[str, Any]:
    return borrowing.borrow(ctx, cmd.grant_id, cmd.version, cmd.due_back, cmd.note)


def return_archive(cmd: ReturnArchive, ctx: Context) -> dict[str, Any]:
    return borrowing.give_back(ctx, cmd.borrowing_id, cmd.condition, cmd.note)


def list_quarantine(cmd: ListQuarantine, ctx: Context) -> dict[str, Any]:
    return quarantine.listing(ctx, cmd.node, cmd.visit_id)


def file_result(event: ResultApproved, ctx: Context, *, event_id: str) -> str | None:
    """File (or amend) the visit's archive, if the result's node is one the caller (the service) acts for."""
    if not in_scope(ctx.principal, str(event.node)):
        return None
    return archives.file_result(ctx, event, event_id)


def index_archive(cmd: IndexArchive, ctx: Context) -> bool:
    return indexing.index_archive(ctx, cmd.archive_id, cmd.version)


def index_filed(event: ArchiveFiled | ArchiveAmended, ctx: Context, *, event_id: str) -> bool:
    """Our own filed or amended version into the archive index, after its transaction committed. The topic is
    shared by every evidence deployment (a federated county's too): another deployment's archive is not ours to
    index, and is skipped."""
    if not in_scope(ctx.principal, str(event.node)) or ctx.repo.archive(str(event.archive.archive_id)) is None:
        return False
    return index_archive(IndexArchive(str(event.archive.archive_id), event.archive.version), ctx)


def search_archives(cmd: SearchArchives, ctx: Context) -> dict[str, Any]:
    return searching.search(ctx, cmd.words, cmd.cursor, cmd.size)


def keep_visits(events: list[tuple[str, visits.VisitEvent]], ctx: Context) -> int:
    """Keep a batch of visit events (event id, payload) of the nodes this process keeps; how many were kept."""
    return visits.apply(ctx.visits, events, ctx.uow.nodes, ctx.components.delegated, ctx.now())


def keep_visit(event: visits.VisitEvent, ctx: Context, *, event_id: str) -> int:
    """Keep one visit event (the consumers hand whole batches to `keep_visits`)."""
    return keep_visits([(event_id, event)], ctx)


COMMAND_HANDLERS: dict[type, Callable[..., Any]] = {
    UploadEvidence: upload_evidence,
    ProposeAmendment: propose_amendment,
    DecideAmendment: decide_amendment,
    RequestAccess: request_access,
    DecideAccess: decide_access,
    ReadVersion: read_version,
    ReadEvidence: read_evidence,
    LendArchive: lend_archive,
    ReturnArchive: return_archive,
    ListQuarantine: list_quarantine,
    IndexArchive: index_archive,
    SearchArchives: search_archives,
}

EVENT_HANDLERS: dict[type, Callable[..., Any]] = {
    ResultApproved: file_result,
    ArchiveFiled: index_filed,
    ArchiveAmended: index_filed,
    VisitOpened: keep_visit,
    VisitExtended: keep_visit,
    VisitStatusChanged: keep_visit,
}
