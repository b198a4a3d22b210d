"""Where an account's holder is reached: an e-mail address and/or a mobile number, checked when given and shown
masked (answers, audit entries) everywhere but the message that goes there. Standard library only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def valid_email(value: str) -> bool:
    return bool(_EMAIL.match(value))


def valid_mobile(value: str) -> bool:
    return bool(_MOBILE.match(value))


def mask_email(value: str) -> str:
    """`zhang.san@hz.gov.cn` → `z***@hz.gov.cn`: enough for the holder to recognise, not to write to."""
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_mobile(value: str) -> str:
    """`13812345678` → `138****5678`, as the platform masks personal mobile numbers elsewhere."""
    return f"{value[:3]}****{value[-4:]}"


@dataclass(frozen=True)
class AccountContact:
    """The holder's contact as its latest version says (at least one of the two)."""

    account_id: str
    email: str | None
    mobile: str | None
    version: int = 1
    given_by: str = ""
    given_at: datetime | None = None

    def masked(self) -> dict[str, str]:
        """What an answer or an audit entry may show of it."""
        found = {}
        if self.email:
            found["email"] = mask_email(self.email)
        if self.mobile:
            found["mobile"] = mask_mobile(self.mobile)
        return found

    def addresses(self) -> list[tuple[str, str]]:
        """(channel, address) for each way the holder is reached: e-mail first."""
        return [(c, a) for c, a in (("email", self.email), ("sms", self.mobile)) if a]
