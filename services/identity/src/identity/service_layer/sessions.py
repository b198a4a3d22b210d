"""Ending sessions, and telling every service so: their access tokens are refused at once, not when they expire."""

from __future__ import annotations

import uuid
from datetime import datetime

from hrss.contracts.events.identity import SessionsEnded
from identity.domain.model import Account
from identity.service_layer.context import Context


def end_sessions(ctx: Context, account: Account, at: datetime, reason: str, keep: str | None = None) -> int:
    """End every live session of the account but `keep` and announce them; how many ended."""
    ended = ctx.repo.end_sessions_of(account.id, at, reason, keep=keep)
    _announce(ctx, account, ended, at, reason)
    return len(ended)


def end_session(ctx: Context, account: Account, session_id: str, at: datetime, reason: str) -> None:
    """End one session of the account (if still live) and announce it."""
    if ctx.repo.end_session(session_id, at, reason):
        _announce(ctx, account, [session_id], at, reason)


def _announce(ctx: Context, account: Account, session_ids: list[str], at: datetime, reason: str) -> None:
    if session_ids:
        event = SessionsEnded(
            account_id=uuid.UUID(account.id), node=account.node, session_ids=session_ids, reason=reason, ended_at=at
        )
        ctx.uow.publish(event, subject=account.id)
