"""The roster, recusal and reason commitments and the teams hash (docs/draw-assignment.md §3, §7): what the public
log holds of the assignment, opened to the auditor only."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from hrss.drawkit import merkle
from hrss.drawkit.encoding import Profile, canonical_json, field_bytes, lp, record

if TYPE_CHECKING:
    from hrss.drawkit.assignment.model import Inspector

REPLACEMENT_REASON = "hrss-draw/v1/replacement-reason"
ROSTER_LEAF = "hrss-draw/v1/roster-leaf"
RECUSAL_LEAF = "hrss-draw/v1/recusal-leaf"


def reason_commitment(profile: Profile, salt: str, reason: str) -> str:
    """hex H(record(REPLACEMENT_REASON, salt, reason)): `salt` is 32 hex digits of fresh randomness."""
    if len(salt) != 32 or salt.strip("0123456789abcdef"):
        raise ValueError("a reason's salt is 32 lower-case hex digits")
    return profile.hash(record(REPLACEMENT_REASON, salt, reason)).hex()


def _salt(salt: str) -> str:
    if len(salt) != 32 or any(c not in "0123456789abcdef" for c in salt):
        raise ValueError("a salt is 32 lower-case hex digits")
    return salt


def _set_field(values: Iterable[str]) -> bytes:
    """A set as one field: lp of each element, sorted by UTF-8 bytes (unambiguous inside its own lp)."""
    return b"".join(lp(field_bytes(v)) for v in sorted(values))


def recusal_leaf(inspector_id: str, uscc: str, salt: str) -> bytes:
    return record(RECUSAL_LEAF, _salt(salt), inspector_id, uscc)


def roster_root(profile: Profile, roster: Iterable[Inspector], salts: Mapping[str, str]) -> bytes:
    """The roster commitment: RFC 6962 root over the roster leaves sorted by inspector_id."""
    ordered = sorted(roster, key=lambda i: i.inspector_id)
    return merkle.root(profile, [i.leaf(salts[i.inspector_id]) for i in ordered])


def recusal_root(profile: Profile, recusals: Iterable[tuple[str, str]], salts: Mapping[tuple[str, str], str]) -> bytes:
    """The recusal commitment: RFC 6962 root over the declared pairs' leaves sorted by (inspector_id, uscc)."""
    return merkle.root(profile, [recusal_leaf(i, u, salts[(i, u)]) for i, u in sorted(set(recusals))])


def teams_hash(profile: Profile, teams: Mapping[str, Sequence[Mapping[str, str]]]) -> str:
    """H(canonical JSON of uscc → [credential_no, …] in member order): what the public log holds of the teams."""
    public = {uscc: [m["credential_no"] for m in team] for uscc, team in sorted(teams.items())}
    return profile.hash(canonical_json(public)).hex()
