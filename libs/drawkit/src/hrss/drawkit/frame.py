"""The frame (抽查对象名单快照): every in-scope entity with its stratum and eligibility, as salted leaves in
canonical order, and its commitment (docs/draw-spec.md §4)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hrss.drawkit import merkle
from hrss.drawkit.encoding import Profile, record

FRAME_LEAF = "hrss-draw/v1/frame-leaf"

# Exclusion reason codes (docs/draw-spec.md §4.2); "" for an eligible entity.
REASONS = {
    "recently_inspected": "近期已检查（无事不扰）",
    "deregistered": "已注销或吊销",
    "closed": "停业或歇业",
    "do_not_disturb": "列入免检或“无事不扰”名单",
    "moved_out": "已迁出本辖区",
    "out_of_object_types": "检查对象类型不在任务范围内",
    "not_in_tags": "不具备任务要求的标注",
    "out_of_grades": "信用等级不在任务范围内",
}


@dataclass(frozen=True)
class FrameEntry:
    """One entity of the frame. `stratum` is its stratum key; `salt` is 32 hex digits of fresh randomness."""

    uscc: str
    entity_id: str
    region_code: str
    object_type: str
    stratum: str
    eligible: bool
    reason: str
    salt: str

    def __post_init__(self) -> None:
        if self.eligible and self.reason:
            raise ValueError(f"{self.uscc}: an eligible entity has no exclusion reason")
        if not self.eligible and self.reason not in REASONS:
            raise ValueError(f"{self.uscc}: unknown exclusion reason {self.reason!r}")
        if len(self.salt) != 32 or any(c not in "0123456789abcdef" for c in self.salt):
            raise ValueError(f"{self.uscc}: the salt must be 32 lower-case hex digits")

    def leaf(self) -> bytes:
        """The leaf record: tag, salt, uscc, entity id, region, object type, stratum, eligible (1/0), reason."""
        return record(
            FRAME_LEAF,
            self.salt,
            self.uscc,
            self.entity_id,
            self.region_code,
            self.object_type,
            self.stratum,
            1 if self.eligible else 0,
            self.reason,
        )

    def to_json(self) -> dict[str, object]:
        return {
            "uscc": self.uscc,
            "entity_id": self.entity_id,
            "region_code": self.region_code,
            "object_type": self.object_type,
            "stratum": self.stratum,
            "eligible": self.eligible,
            "reason": self.reason,
            "salt": self.salt,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> FrameEntry:
        if not isinstance(data["eligible"], bool):
            raise ValueError(f"{data['uscc']}: eligible must be true or false")
        return cls(
            str(data["uscc"]),
            str(data["entity_id"]),
            str(data["region_code"]),
            str(data["object_type"]),
            str(data["stratum"]),
            bool(data["eligible"]),
            str(data["reason"]),
            str(data["salt"]),
        )


def canonical(entries: Iterable[FrameEntry]) -> list[FrameEntry]:
    """The frame in canonical order (by uscc, as bytes); a uscc may appear once."""
    ordered = sorted(entries, key=lambda e: e.uscc.encode("utf-8"))
    for before, after in itertools.pairwise(ordered):
        if before.uscc == after.uscc:
            raise ValueError(f"uscc {before.uscc} appears twice in the frame")
    return ordered


def leaf_hashes(profile: Profile, entries: Sequence[FrameEntry]) -> list[bytes]:
    return [merkle.leaf_hash(profile, entry.leaf()) for entry in entries]


def commitment(profile: Profile, entries: Sequence[FrameEntry]) -> bytes:
    """The frame root over the entries in canonical order (they must already be in it)."""
    return merkle.root_of_hashes(profile, leaf_hashes(profile, entries))
