"""The draw log (抽取日志): append-only, each entry hash-chained to the one before (docs/draw-spec.md §9)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hrss.drawkit.encoding import Profile, canonical_json, record

LOG = "hrss-draw/v1/log"
KINDS = ("committed", "contribution", "seeded", "drawn", "assigned", "replaced", "expanded", "team_replaced", "voided")


@dataclass(frozen=True)
class LogEntry:
    seq: int
    kind: str
    at: str  # ISO 8601 instant with its offset
    body: Mapping[str, Any]
    hash: str

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": self.kind, "at": self.at, "body": dict(self.body), "hash": self.hash}


def entry_hash(profile: Profile, previous: str, seq: int, kind: str, at: str, body: Mapping[str, Any]) -> str:
    """`H(LOG ‖ previous hash (hex, "" for the first) ‖ seq ‖ kind ‖ at ‖ canonical JSON of body)`."""
    return profile.hash(record(LOG, previous, seq, kind, at, canonical_json(dict(body)))).hex()


def append(profile: Profile, log: Sequence[LogEntry], kind: str, at: str, body: Mapping[str, Any]) -> LogEntry:
    """The next entry after `log`."""
    if kind not in KINDS:
        raise ValueError(f"unknown log entry kind {kind!r}")
    if log and log[-1].kind == "voided":
        raise ValueError("a voided draw takes no further entries")
    previous = log[-1].hash if log else ""
    seq = len(log) + 1
    return LogEntry(seq, kind, at, dict(body), entry_hash(profile, previous, seq, kind, at, body))


def broken_link(profile: Profile, entries: Sequence[Mapping[str, Any]]) -> int | None:
    """The seq of the first entry whose hash or position does not hold; None if the chain is intact."""
    previous = ""
    for position, entry in enumerate(entries, start=1):
        if entry["seq"] != position:
            return position
        expected = entry_hash(profile, previous, entry["seq"], entry["kind"], entry["at"], entry["body"])
        if entry["hash"] != expected:
            return position
        previous = entry["hash"]
    return None
