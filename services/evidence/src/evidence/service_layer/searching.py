"""Staff search over the archive index. Who may find what is decided here and handed to the query as a filter,
never applied to hits afterwards: the caller's node subtree when they hold a role that reads archive metadata there
(an inspector with no other role: their own teams' visits only), or an archive version named by an access grant
they hold that is in force now (looked up in this schema at the time of the query)."""

from __future__ import annotations

from typing import Any

from evidence.domain.errors import SearchRejected, SearchUnavailable
from evidence.service_layer.context import READERS, Context
from hrss.auth import AccessDenied, Action
from hrss.search import SearchInputError
from hrss.search.archive_search import ArchiveAccess, ArchivePage

FIELDS = {"search.words_missing": "q", "search.size_invalid": "size", "search.cursor_invalid": "cursor"}


def access_of(ctx: Context) -> ArchiveAccess:
    """What the caller may find: their subtree (if a reader there) and their grants in force."""
    p = ctx.principal
    grants = ctx.repo.grants_in_force(p.account_id, ctx.now())
    try:
        ctx.authorize(p.node.code, READERS, Action.READ)
    except AccessDenied:
        if not grants:
            raise
        return ArchiveAccess(None, grants=grants)
    return ArchiveAccess(p.node.code, p.inspector_id if p.sees_only_own_assignments else None, grants)


def search(ctx: Context, words: str, cursor: str | None, size: int) -> dict[str, Any]:
    """A page of the archives the caller may see, best first, with highlighted snippets."""
    index = ctx.components.search
    if index is None:
        raise SearchUnavailable()
    access = access_of(ctx)
    index.start()
    try:
        page = index.search.search(words, access, cursor=cursor, size=size)
    except SearchInputError as bad:
        raise SearchRejected(code=bad.code, field=FIELDS.get(bad.code, "q"), message=bad.message) from None
    return view(words, page)


def view(words: str, page: ArchivePage) -> dict[str, Any]:
    return {
        "q": words,
        "total": page.total,
        "total_is_exact": page.total_is_exact,
        "took_ms": page.took_ms,
        "next_cursor": page.next_cursor,
        "hits": [
            {
                "archive_id": h.archive_id,
                "version": h.version,
                "score": h.score,
                **{k: v for k, v in h.source.items() if k not in ("archive_id", "archive_version")},
                "highlights": h.highlights,
            }
            for h in page.hits
        ],
    }
