"""A person's preferences: the channels they want per kind of notification, and quiet hours in China Standard Time
when e-mail and SMS wait. What the rules make mandatory ignores both. Standard library only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone

from notification.domain.model import Channel

CST = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Preferences:
    holder: str
    channels: dict[str, tuple[Channel, ...]] = field(default_factory=dict)  # kind -> wanted e-mail/SMS channels
    quiet: tuple[time, time] | None = None  # [start, end) in CST; may wrap midnight (22:00-07:00)
    version: int = 0

    def wants(self, kind: str, channel: Channel, mandatory: bool) -> bool:
        """Whether `channel` is used for `kind`: always when mandatory or for the inbox, else as chosen."""
        if mandatory or channel is Channel.INBOX or kind not in self.channels:
            return True
        return channel in self.channels[kind]

    def quiet_until(self, now: datetime, mandatory: bool) -> datetime | None:
        """The end of the quiet hours `now` falls in (UTC), or None: send now."""
        if mandatory or self.quiet is None:
            return None
        start, end = self.quiet
        local = now.astimezone(CST)
        clock = local.time().replace(tzinfo=None)
        inside = start <= clock < end if start < end else (clock >= start or clock < end)
        if not inside:
            return None
        ends = datetime.combine(local.date(), end, CST)
        if ends <= local:
            ends += timedelta(days=1)
        return ends.astimezone(now.tzinfo)
