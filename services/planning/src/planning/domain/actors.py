"""Who acts and when: the actor of every transition, and the China Standard Time calendar date of an instant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from hrss.contracts import Node

# The same offset as hrss.workdays.CHINA_TZ; repeated here so that the domain imports no calendar data.
CHINA_TZ = timezone(timedelta(hours=8), "CST")


@dataclass(frozen=True)
class Actor:
    """A person (or a service account) acting for a node."""

    user_id: str
    node: Node

    def __post_init__(self) -> None:
        if not self.user_id.strip():
            raise ValueError("actor needs a user id")


def require_aware(at: datetime) -> datetime:
    """The instant itself, refusing naive datetimes: timestamps are stored in UTC, deadlines counted in CST."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"timestamp must carry a time zone: {at!r}")
    return at


def china_date(at: datetime) -> date:
    """The calendar date in China Standard Time of an aware instant."""
    return require_aware(at).astimezone(CHINA_TZ).date()


def blank(text: str | None) -> bool:
    """True for None or white space only."""
    return text is None or not text.strip()
