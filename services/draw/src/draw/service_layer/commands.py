"""The draw's commands, in the imperative: what an entrypoint or the command line asks the use cases to do."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Freeze:
    """Freeze the frame, roster and recusal list of a task (and its draw group) and commit to them (T0)."""

    task_id: str
    randomness_plan: str
    batch_size: int = 0


@dataclass(frozen=True)
class Contribute:
    draw_id: str
    witness: str
    value: str


@dataclass(frozen=True)
class RunDraw:
    draw_id: str


@dataclass(frozen=True)
class ReplaceEntity:
    draw_id: str
    uscc: str
    reason: str


@dataclass(frozen=True)
class Expand:
    draw_id: str
    ratios: Mapping[str, str] = field(default_factory=dict)
    reason: str = ""


@dataclass(frozen=True)
class ReplaceMember:
    draw_id: str
    uscc: str
    inspector_id: str
    reason: str
    approver: str


@dataclass(frozen=True)
class Void:
    draw_id: str
    reason: str
