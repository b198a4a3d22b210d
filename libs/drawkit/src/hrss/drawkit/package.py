"""The records a draw produces: the auditor package (everything, snapshots included) and the public record
derived from it (docs/draw-spec.md §10). Both are plain JSON; `hrss.drawkit.verify` checks them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from itertools import compress
from typing import Any

from hrss.drawkit import frame as frames
from hrss.drawkit import log as draw_log
from hrss.drawkit.encoding import AES_TICKETS, Profile, canonical_json
from hrss.drawkit.frame import FrameEntry
from hrss.drawkit.sampling import AES_USCC_MAX, DrawPlan, ItemRule, Pick, expansion, replacement, select
from hrss.drawkit.seed import Commitments, Contribution, derive_seed, draw_key

ALGORITHM = "hrss-draw/v1"


def public_stratum(key: str) -> str:
    """`region|object_type|grade` → `region|object_type`: credit grades are internal (docs/draw-spec.md §6.1)."""
    return key.rsplit("|", 1)[0]


def fraction_json(value: Fraction | None) -> dict[str, int] | None:
    return None if value is None else {"numerator": value.numerator, "denominator": value.denominator}


def fraction_from(data: Mapping[str, int] | None) -> Fraction | None:
    return None if data is None else Fraction(int(data["numerator"]), int(data["denominator"]))


def _item_json(item: ItemRule, public: bool) -> dict[str, Any]:
    found: dict[str, Any] = {"item_id": item.item_id, "fraction": fraction_json(item.fraction), "minimum": item.minimum}
    if not public:  # strata name credit grades: auditors only, like the plan's stratum fractions
        if item.strata is not None:
            found["strata"] = sorted(item.strata)
        if item.stratum_fractions:
            found["stratum_fractions"] = {k: fraction_json(v) for k, v in sorted(item.stratum_fractions.items())}
    return found


def plan_json(plan: DrawPlan, *, public: bool = False) -> dict[str, Any]:
    """The plan as committed (its hash is logged at T0). An item's `strata` and `stratum_fractions` appear only when
    set, so plans without them encode as they always have."""
    found: dict[str, Any] = {"items": [_item_json(i, public) for i in plan.items], "batch_size": plan.batch_size}
    if not public:
        found["stratum_fractions"] = {k: fraction_json(v) for k, v in sorted(plan.stratum_fractions.items())}
    return found


def _fractions_from(data: Mapping[str, Any]) -> dict[str, Fraction]:
    return {k: v for k, f in data.items() if (v := fraction_from(f)) is not None}


def _item_from(data: Mapping[str, Any]) -> ItemRule:
    strata = data.get("strata")
    return ItemRule(
        data["item_id"],
        fraction_from(data["fraction"]),
        int(data["minimum"]),
        None if strata is None else frozenset(strata),
        _fractions_from(data.get("stratum_fractions", {})),
    )


def plan_from(data: Mapping[str, Any]) -> DrawPlan:
    return DrawPlan(
        items=tuple(_item_from(i) for i in data["items"]),
        stratum_fractions=_fractions_from(data.get("stratum_fractions", {})),
        batch_size=int(data["batch_size"]),
    )


def plan_hash(profile: Profile, plan: DrawPlan) -> str:
    """H(canonical JSON of the full plan, per-stratum fractions included), hex: committed at T0, so the sample
    size cannot be chosen once the seed is known."""
    return profile.hash(canonical_json(plan_json(plan))).hex()


def task_hash(profile: Profile, task: Mapping[str, Any]) -> str:
    """H(canonical JSON of the task as it was frozen), hex."""
    return profile.hash(canonical_json(dict(task))).hex()


class DrawProcedure:
    """One draw's procedure: its steps, run in order, and their log (commit, contribute, draw, replace, expand, void).

    `clock()` gives the ISO 8601 instant of each entry. The steps refuse to run out of order.
    """

    def __init__(
        self,
        profile: Profile,
        draw_id: str,
        task: Mapping[str, Any],
        entries: Iterable[FrameEntry],
        plan: DrawPlan,
        clock: Callable[[], str],
        roster_root: str,
        recusal_root: str,
        randomness_plan: str,
    ) -> None:
        self.profile, self.plan, self.clock = profile, plan, clock
        self.expansion_plans: list[DrawPlan] = []
        self.task = dict(task)
        self.frame = frames.canonical(entries)
        if profile.tickets == AES_TICKETS:
            too_long = next((e.uscc for e in self.frame if len(e.uscc.encode("utf-8")) > AES_USCC_MAX), None)
            if too_long is not None:
                raise ValueError(f"{too_long}: the profile {profile.name} takes usccs of at most {AES_USCC_MAX} bytes")
        self.commitments = Commitments(
            draw_id=draw_id,
            task_hash=task_hash(profile, task),
            frame_root=frames.commitment(profile, self.frame).hex(),
            roster_root=roster_root,
            recusal_root=recusal_root,
        )
        self.contributions: list[Contribution] = []
        self.seed: bytes | None = None
        self.picks: list[Pick] = []
        self.invalid: dict[str, str] = {}
        self.log: list[draw_log.LogEntry] = []
        self._append(
            "committed",
            {
                **vars(self.commitments),
                "algorithm": ALGORITHM,
                "profile": profile.name,
                "frame_size": len(self.frame),
                "plan_hash": plan_hash(profile, plan),
                "randomness_plan": randomness_plan,
            },
        )

    @classmethod
    def restore(cls, package: Mapping[str, Any], clock: Callable[[], str]) -> DrawProcedure:
        """The builder as it stood after the steps recorded in an auditor package (to take the next step)."""
        from hrss.drawkit.encoding import profile as profile_named

        self = cls.__new__(cls)
        self.profile, self.clock = profile_named(package["profile"]), clock
        self.plan = plan_from(package["plan"])
        self.expansion_plans = [plan_from(p) for p in package["expansion_plans"]]
        self.task = dict(package["task"])
        self.frame = [FrameEntry.from_json(e) for e in package["frame"]]
        self.commitments = Commitments(**{k: package["commitments"][k] for k in Commitments.__dataclass_fields__})
        self.contributions = [Contribution(c["witness"], c["value"]) for c in package["contributions"]]
        self.seed = bytes.fromhex(package["seed"]) if package["seed"] else None
        self.picks = [Pick.from_json(p) for p in package["picks"]]
        self.invalid = dict(package["invalid"])
        self.log = [draw_log.LogEntry(e["seq"], e["kind"], e["at"], e["body"], e["hash"]) for e in package["log"]]
        return self

    @property
    def current_plan(self) -> DrawPlan:
        """The plan in force: the last expansion's, else the initial one."""
        return self.expansion_plans[-1] if self.expansion_plans else self.plan

    @property
    def status(self) -> str:
        """committed, seeding (contributions given), drawn, or voided."""
        last = {e.kind for e in self.log}
        if "voided" in last:
            return "voided"
        if self.seed is not None:
            return "drawn"
        return "seeding" if self.contributions else "committed"

    def _append(self, kind: str, body: Mapping[str, Any]) -> None:
        self.log.append(draw_log.append(self.profile, self.log, kind, self.clock(), body))

    def _open(self) -> None:
        if self.log[-1].kind == "voided":
            raise ValueError("the draw is void")

    def contribute(self, witness: str, value: str) -> None:
        self._open()
        if self.seed is not None:
            raise ValueError("the seed is fixed: no more contributions")
        self.contributions.append(Contribution(witness, value))
        self._append("contribution", {"witness": witness, "value": value})

    def draw(self) -> list[Pick]:
        self._open()
        if self.seed is not None:
            raise ValueError("already drawn: a draw is never run twice (void it, and freeze again)")
        self.seed = derive_seed(self.profile, self.commitments, self.contributions)
        self._append("seeded", {"seed": self.seed.hex(), "contributions": len(self.contributions)})
        selection = select(self.profile, self.key, self.frame, self.plan)
        self.picks = list(selection.picks)
        digest = self.profile.hash(canonical_json([public_pick(p.to_json()) for p in self.picks])).hex()
        self._append("drawn", {"picks": len(self.picks), "picks_hash": digest})
        return self.picks

    @property
    def key(self) -> bytes:
        if self.seed is None:
            raise ValueError("not drawn yet")
        return draw_key(self.profile, self.seed)

    def replace(self, uscc: str, reason: str) -> Pick:
        self._open()
        if uscc in self.invalid:
            raise ValueError(f"{uscc} was already replaced")
        new = replacement(self.profile, self.key, self.frame, self.picks, uscc)
        self.invalid[uscc] = reason
        self.picks.append(new)
        self._append("replaced", {"invalid": uscc, "reason": reason, "pick": public_pick(new.to_json())})
        return new

    def expand(self, plan: DrawPlan, reason: str) -> list[Pick]:
        self._open()
        added = expansion(self.profile, self.key, self.frame, self.picks, self.invalid, plan)
        self.picks.extend(added)
        self.expansion_plans.append(plan)
        self._append(
            "expanded",
            {
                "reason": reason,
                "plan_hash": plan_hash(self.profile, plan),
                "picks": [public_pick(p.to_json()) for p in added],
            },
        )
        return added

    def void(self, reason: str) -> None:
        self._open()
        self._append("voided", {"reason": reason})

    def auditor_package(self) -> dict[str, Any]:
        """Everything: the snapshot, the plan with per-stratum fractions, every pick with its stratum."""
        return {
            "algorithm": ALGORITHM,
            "profile": self.profile.name,
            "commitments": vars(self.commitments),
            "task": self.task,
            "contributions": [vars(c) for c in self.contributions],
            "seed": self.seed.hex() if self.seed else None,
            "plan": plan_json(self.plan),
            "expansion_plans": [plan_json(p) for p in self.expansion_plans],
            "picks": [p.to_json() for p in self.picks],
            "invalid": dict(self.invalid),
            "log": [e.to_json() for e in self.log],
            "frame": [e.to_json() for e in self.frame],
        }


def public_record(
    package: Mapping[str, Any], sizes: tuple[Mapping[str, int], Mapping[str, int]] | None = None
) -> dict[str, Any]:
    """What anyone may see: no snapshot, no credit grades (strata merged to region × object type), no
    per-stratum fractions. The log is public as it is: its bodies never hold a stratum, a rank or a grade.
    `sizes`, the entities and the eligible entities of every stratum, are counted from the package's frame unless
    given (by a verifier that streamed the frame from its snapshot file)."""
    if sizes is None:
        frame = frames.FrameColumns.from_json(package["frame"])
        frame.check()  # what FrameEntry.from_json checks of every leaf
        sizes = Counter(frame.strata), Counter(compress(frame.strata, frame.eligible))
    totals, eligible = sizes
    counts: dict[str, dict[str, int]] = {}
    for key, size in totals.items():
        row = counts.setdefault(public_stratum(key), {"frame": 0, "eligible": 0, "picked": 0})
        row["frame"] += size
        row["eligible"] += eligible.get(key, 0)
    for pick in package["picks"]:
        counts[public_stratum(pick["stratum"])]["picked"] += 1
    plan = plan_from(package["plan"])
    return {
        "algorithm": package["algorithm"],
        "profile": package["profile"],
        "commitments": package["commitments"],
        "task_hash": package["commitments"]["task_hash"],
        "contributions": package["contributions"],
        "seed": package["seed"],
        "plan": plan_json(plan, public=True),
        "picks": [public_pick(p) for p in package["picks"]],
        "invalid": sorted(package["invalid"]),
        "strata": dict(sorted(counts.items())),
        "log": package["log"],
    }


def public_pick(pick: Mapping[str, Any]) -> dict[str, Any]:
    """A pick as published: without its stratum and rank, which would reveal the entity's credit grade."""
    return {k: v for k, v in pick.items() if k not in ("stratum", "rank")}


def picks_of(package: Mapping[str, Any]) -> Sequence[Pick]:
    return [Pick.from_json(p) for p in package["picks"]]


def entity_proof(package: Mapping[str, Any], uscc: str) -> dict[str, Any]:
    """What an entity may see about itself (docs/draw-spec.md §8): its leaf with its salt, its inclusion proof,
    its ticket and its stratum's cutoff (the largest initially selected ticket of its stratum, None if none)."""
    from hrss.drawkit import merkle
    from hrss.drawkit.encoding import profile as profile_named
    from hrss.drawkit.sampling import Tickets

    chosen = profile_named(package["profile"])
    frame = [FrameEntry.from_json(e) for e in package["frame"]]
    index = next((i for i, e in enumerate(frame) if e.uscc == uscc), None)
    if index is None:
        raise LookupError(f"{uscc} is not in the frame")
    entry = frame[index]
    hashes = frames.leaf_hashes(chosen, frame)
    count = next(e["body"]["picks"] for e in package["log"] if e["kind"] == "drawn")
    same = [p["ticket"] for p in package["picks"][:count] if p["stratum"] == entry.stratum]
    ticket = Tickets(chosen, draw_key(chosen, bytes.fromhex(package["seed"]))).of(uscc).hex()
    return {
        "leaf": entry.to_json(),
        "index": index,
        "size": len(frame),
        "proof": [h.hex() for h in merkle.inclusion_proof(chosen, hashes, index)],
        "frame_root": package["commitments"]["frame_root"],
        "ticket": ticket if entry.eligible else None,
        "cutoff": max(same) if same else None,
        "picked": any(p["uscc"] == uscc for p in package["picks"]),
    }
