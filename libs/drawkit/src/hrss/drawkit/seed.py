"""The seed and the keys derived from it (docs/draw-spec.md §5)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hrss.drawkit.encoding import Profile, record

SEED = "hrss-draw/v1/seed"
CONTRIBUTION = "hrss-draw/v1/contribution"
DRAW_KEY = "hrss-draw/v1/draw-key"
ASSIGN_KEY = "hrss-draw/v1/assign-key"


@dataclass(frozen=True)
class Contribution:
    """A value revealed at the ceremony by a named witness (e.g. 20 dice digits), or a public beacon value."""

    witness: str
    value: str

    def encoded(self) -> bytes:
        return record(CONTRIBUTION, self.witness, self.value)


@dataclass(frozen=True)
class Commitments:
    """What was fixed before any randomness existed: the task and the three snapshot roots (hex)."""

    draw_id: str
    task_hash: str
    frame_root: str
    roster_root: str
    recusal_root: str


def derive_seed(profile: Profile, committed: Commitments, contributions: Sequence[Contribution]) -> bytes:
    """`H(SEED ‖ draw_id ‖ task_hash ‖ frame_root ‖ roster_root ‖ recusal_root ‖ n ‖ c1 ‖ … ‖ cn)`; contributions in
    the order the ceremony revealed them."""
    if not contributions:
        raise ValueError("a seed needs at least one contribution")
    return profile.hash(
        record(
            SEED,
            committed.draw_id,
            committed.task_hash,
            committed.frame_root,
            committed.roster_root,
            committed.recusal_root,
            len(contributions),
            *(c.encoded() for c in contributions),
        )
    )


def draw_key(profile: Profile, seed: bytes) -> bytes:
    """K = H(DRAW_KEY ‖ seed): the key of every entity ticket of the draw (shared by tasks drawn jointly)."""
    return profile.hash(record(DRAW_KEY, seed))


def assign_key(profile: Profile, seed: bytes) -> bytes:
    """K_a = H(ASSIGN_KEY ‖ seed): the key of the inspector assignment tickets."""
    return profile.hash(record(ASSIGN_KEY, seed))
