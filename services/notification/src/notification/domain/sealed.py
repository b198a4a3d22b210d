"""Where an enrolment code stands in a kept notification: a marker holding the account and the sealed boxes
(`hrss.auth.sealing`), never the code. The sender replaces the marker with the opened code just before the channel
sees the message (adapters/unsealing.py); the database, the inbox and the logs only ever hold the marker.
Standard library only."""

from __future__ import annotations

import re
from collections.abc import Iterable

MARKER = re.compile(r"⟦sealed:(?P<account>[0-9a-f-]{36}):(?P<tokens>[A-Za-z0-9_.|-]+)⟧")


def marker(account_id: str, tokens: Iterable[str]) -> str:
    """The text kept in place of the code: the account it is for and one token per recipient key."""
    return f"⟦sealed:{account_id}:{'|'.join(tokens)}⟧"


def markers(text: str) -> list[tuple[str, str, list[str]]]:
    """Each marker in `text`: (the marker itself, the account id, the tokens)."""
    return [(m.group(0), m.group("account"), m.group("tokens").split("|")) for m in MARKER.finditer(text)]
