"""The draw aggregate: `hrss.drawkit`'s step-by-step draw (commit, contribute, draw, replace, expand, void, each
appended to its hash-chained log) with the service's refusals checked before each step, so that each says its
true reason with its own code instead of a library's English text."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from draw.domain import errors
from draw.domain.records import DrawRun, PickRecord
from hrss.contracts.checklist import ChecklistError, parse_ratio
from hrss.drawkit import Commitments, Contribution, DrawPlan, DrawProcedure, FrameEntry, Pick, plan_from
from hrss.drawkit.assignment import REPLACEMENT_REASONS as INSPECTOR_REPLACEMENT_REASONS
from hrss.drawkit.encoding import profile as profile_named
from hrss.drawkit.log import LogEntry

# why an entity drawn may be replaced (docs/draw-spec.md §7.3); why a team member may be: drawkit's
# INSPECTOR_REPLACEMENT_REASONS (hrss.drawkit.assignment.REPLACEMENT_REASONS)
ENTITY_REPLACEMENT_REASONS = {
    "deregistered": "已注销或吊销",
    "closed": "停业或歇业",
    "unreachable": "通过登记住所无法联系",
    "moved_out": "已迁出本辖区",
}


def check_entity_replacement_reason(reason: str) -> None:
    """`ReplacementReason` (400) unless `reason` is one of ENTITY_REPLACEMENT_REASONS."""
    if reason not in ENTITY_REPLACEMENT_REASONS:
        allowed = "、".join(f"{k}（{v}）" for k, v in ENTITY_REPLACEMENT_REASONS.items())
        raise errors.ReplacementReason(allowed=allowed)


def check_member_replacement(reason: str, approver: str) -> None:
    """A team member is replaced for one of drawkit's reasons, approved by a named head of the implementing body
    (the refusals drawkit itself would raise, typed)."""
    if reason not in INSPECTOR_REPLACEMENT_REASONS:
        allowed = "、".join(f"{code}（{text}）" for code, text in INSPECTOR_REPLACEMENT_REASONS.items())
        raise errors.MemberReplacementReason(allowed=allowed, reason=reason)
    if not approver.strip():
        raise errors.ApproverMissing()


class Draw(DrawProcedure):
    """One draw as its log has it; each step refuses with a typed error when the draw is not where it may be taken."""

    @classmethod
    def restore(cls, package: Mapping[str, Any], clock: Callable[[], str]) -> Draw:
        """The draw as it stood after the steps its auditor package records."""
        found = super().restore(package, clock)
        assert isinstance(found, Draw)
        return found

    @classmethod
    def from_records(
        cls,
        run: DrawRun,
        log: Sequence[LogEntry],
        picks: Sequence[PickRecord],
        expansion_plans: Sequence[Mapping[str, Any]],
        frame: Sequence[FrameEntry],
        clock: Callable[[], str],
    ) -> Draw:
        """The draw as its rows have it (run, log, picks, expansion plans) with its frozen frame: what
        `restore` reads from an auditor package, without assembling one."""
        self = cls.__new__(cls)
        committed = log[0].body
        self.profile, self.clock = profile_named(run.profile), clock
        self.plan = plan_from(run.plan)
        self.expansion_plans = [plan_from(p) for p in expansion_plans]
        self.task = dict(run.task)
        self.frame = list(frame)
        self.commitments = Commitments(**{k: committed[k] for k in Commitments.__dataclass_fields__})
        self.contributions = [Contribution(e.body["witness"], e.body["value"]) for e in log if e.kind == "contribution"]
        seed = next((e.body["seed"] for e in log if e.kind == "seeded"), None)
        self.seed = bytes.fromhex(seed) if seed else None
        self.picks = [Pick.from_json(p.to_pick_json()) for p in picks]
        self.invalid = {e.body["invalid"]: e.body["reason"] for e in log if e.kind == "replaced"}
        self.log = list(log)
        return self

    @property
    def voided(self) -> bool:
        return self.status == "voided"

    def require_drawn(self, step: str) -> None:
        """`NotDrawn` naming `step` unless the draw is drawn and not voided."""
        if self.status != "drawn":
            raise errors.NotDrawn(step=step)

    def contribute(self, witness: str, value: str) -> None:
        if self.voided:
            raise errors.ContributionToVoidedDraw()
        if self.seed is not None:
            raise errors.ContributionAfterDraw()
        super().contribute(witness, value)

    def draw(self) -> list[Pick]:
        if self.voided:
            raise errors.DrawOfVoidedDraw()
        if self.seed is not None:
            raise errors.DrawnTwice()
        if not self.contributions:
            raise errors.NoContribution()
        return super().draw()

    def replace(self, uscc: str, reason: str) -> Pick:
        self.require_drawn("替换检查对象")
        if uscc in self.invalid:
            raise errors.AlreadyReplaced(uscc=uscc)
        try:
            return super().replace(uscc, reason)
        except LookupError:
            raise errors.NoReplacement(uscc=uscc) from None

    def raised_plan(self, ratios: Mapping[str, str]) -> DrawPlan:
        """The plan in force with the ratios of some items (`task_id:item_id` → '10%') raised; each must be an item
        of the draw and larger than its ratio now (docs/draw-spec.md §7.4)."""
        self.require_drawn("扩大抽取")
        current = {item.item_id: item for item in self.current_plan.items}
        raised: dict[str, Fraction] = {}
        for key, text in ratios.items():
            item = current.get(key)
            if item is None:
                raise errors.ExpansionItem(item=key[:80])
            try:
                ratio = parse_ratio(text)
            except ChecklistError as bad:
                raise errors.ExpansionRatio(refusal=bad.message) from None
            if ratio.fraction is None or (item.fraction is not None and ratio.fraction <= item.fraction):
                raise errors.ExpansionNotLarger(item=key[:80], current=percent(item.fraction), requested=text)
            raised[key] = ratio.fraction
        return dataclasses.replace(
            self.current_plan,
            items=tuple(
                dataclasses.replace(i, fraction=raised.get(i.item_id, i.fraction)) for i in self.current_plan.items
            ),
        )

    def expand(self, plan: DrawPlan, reason: str) -> list[Pick]:
        self.require_drawn("扩大抽取")
        return super().expand(plan, reason)

    def void(self, reason: str) -> None:
        if self.voided:
            raise errors.AlreadyVoided()
        super().void(reason)


def percent(value: Fraction | None) -> str:
    """A ratio as people write it: 10%, or 无 when none is set."""
    return "无" if value is None else f"{float(value * 100):g}%"
