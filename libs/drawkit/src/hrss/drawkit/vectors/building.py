"""What the vector cases are built with: a fixed clock, fixed contributions, frames whose usccs and salts come from a
generator seeded with the case name, and a committed draw with its contributions revealed (the builder)."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from typing import Any

from hrss.drawkit.encoding import SHA256, Profile
from hrss.drawkit.frame import FrameEntry
from hrss.drawkit.package import DrawProcedure, plan_json
from hrss.drawkit.sampling import DrawPlan, ItemRule

START = datetime(2026, 3, 2, 9, 0, 0, tzinfo=timezone(timedelta(hours=8)))
CONTRIBUTIONS = (
    ("实施机关", "31415926535897932384"),
    ("监督机关", "27182818284590452353"),
    ("观察员", "16180339887498948482"),
)
USCC_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
REASON_CYCLE = ("deregistered", "closed", "recently_inspected", "do_not_disturb", "not_in_tags")


def clock() -> Callable[[], str]:
    """A clock for one draw: START, then one second later at every call."""
    ticks = iter(range(1 << 30))
    return lambda: (START + timedelta(seconds=next(ticks))).isoformat()


class Frame:
    """The entities of one case, with usccs and salts from a generator seeded with the case name."""

    def __init__(self, case: str) -> None:
        self.rng = random.Random(f"hrss-draw-vectors/{case}")
        self.entries: list[FrameEntry] = []
        self.usccs: set[str] = set()

    def add(self, stratum: str, eligible: int, ineligible: int = 0) -> Frame:
        region, object_type = stratum.split("|")[:2]
        for n in range(eligible + ineligible):
            uscc = self._uscc(region)
            reason = "" if n < eligible else REASON_CYCLE[(n - eligible) % len(REASON_CYCLE)]
            salt = f"{self.rng.getrandbits(128):032x}"
            entity_id = f"ent-{len(self.entries) + 1:04d}"
            self.entries.append(FrameEntry(uscc, entity_id, region, object_type, stratum, not reason, reason, salt))
        return self

    def add_usccs(self, stratum: str, usccs: Sequence[str]) -> Frame:
        """Eligible entities with the usccs given (to cover the uscc encodings of the AES profile)."""
        region, object_type = stratum.split("|")[:2]
        for uscc in usccs:
            self.usccs.add(uscc)
            salt = f"{self.rng.getrandbits(128):032x}"
            entity_id = f"ent-{len(self.entries) + 1:04d}"
            self.entries.append(FrameEntry(uscc, entity_id, region, object_type, stratum, True, "", salt))
        return self

    def _uscc(self, region: str) -> str:
        while True:
            uscc = "91" + region + "MA" + "".join(self.rng.choice(USCC_CHARACTERS) for _ in range(8))
            if uscc not in self.usccs:
                self.usccs.add(uscc)
                return uscc


def builder(
    case: str,
    frame: Frame | Sequence[FrameEntry],
    plan: DrawPlan,
    profile: Profile = SHA256,
    draw_id: str = "",
    task_fields: dict[str, Any] | None = None,
    contributions: Sequence[tuple[str, str]] = CONTRIBUTIONS,
) -> DrawProcedure:
    """A committed draw with the three fixed contributions revealed; the plan is part of the frozen task."""
    entries = frame.entries if isinstance(frame, Frame) else list(frame)
    empty_root = profile.hash(b"").hex()  # no roster or recusal list in these vectors: the roots of empty trees
    task = {"task_id": f"T-{case}", "name": f"测试向量 {case}", "plan": plan_json(plan), **(task_fields or {})}
    draw = DrawProcedure(
        profile, draw_id or f"D-{case}", task, entries, plan, clock(), empty_root, empty_root, "三方各掷骰 20 次"
    )
    for witness, value in contributions:
        draw.contribute(witness, value)
    return draw


def item(item_id: str, fraction: Fraction | None = None, minimum: int = 0) -> ItemRule:
    return ItemRule(item_id, fraction, minimum)


def plan(*items: ItemRule, stratum_fractions: dict[str, Fraction] | None = None, batch_size: int = 0) -> DrawPlan:
    return DrawPlan(tuple(items), stratum_fractions or {}, batch_size)


A, B, C, D = "330102|A|A", "330102|A|B", "330102|A|C", "330102|A|D"
OTHER = "330103|B|A"
