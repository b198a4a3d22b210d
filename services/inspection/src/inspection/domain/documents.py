"""What a printed document says about itself: who issues it, under which number and date; and the SHA-256 by
which a printed document is filed and checked."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

UNSET = "（本节点尚未设置发文机关）"


@dataclass(frozen=True)
class Issuer:
    """Who issues the document, its number and date (number None: a draft not yet filed)."""

    body: str
    number: str | None
    issued_on: date | None
    contact_phone: str = ""


def sha256(data: bytes) -> str:
    """The hex SHA-256 of a document's bytes."""
    return hashlib.sha256(data).hexdigest()
