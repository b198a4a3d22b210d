"""What the assignment is a function of and what it gives: the roster entry, the picked entity, the inputs, the
teams and the infeasible entities (docs/draw-assignment.md §2, §5.5)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from hrss.drawkit.assignment.commitments import ROSTER_LEAF, _salt, _set_field
from hrss.drawkit.encoding import record


@dataclass(frozen=True)
class Inspector:
    """A roster entry. `credential_expires` (YYYY-MM-DD) is the last day the credential is valid."""

    inspector_id: str
    credential_no: str
    node: str
    qualifications: frozenset[str]
    active: bool
    credential_expires: str
    station_region: str
    former_employers: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not self.inspector_id:
            raise ValueError("an inspector needs an id")
        if date.fromisoformat(self.credential_expires).isoformat() != self.credential_expires:
            raise ValueError(f"{self.inspector_id}: credential_expires must be written YYYY-MM-DD")
        object.__setattr__(self, "qualifications", frozenset(self.qualifications))
        object.__setattr__(self, "former_employers", frozenset(self.former_employers))

    def available_on(self, day: date) -> bool:
        """Active, with a credential valid on `day`."""
        return self.active and day.isoformat() <= self.credential_expires

    def leaf(self, salt: str) -> bytes:
        """The roster leaf record (docs/draw-assignment.md §3)."""
        return record(
            ROSTER_LEAF,
            _salt(salt),
            self.inspector_id,
            self.credential_no,
            self.node,
            _set_field(self.qualifications),
            1 if self.active else 0,
            self.credential_expires,
            self.station_region,
            _set_field(self.former_employers),
        )


@dataclass(frozen=True)
class PickedEntity:
    """A drawn entity: its implementing node (属地实施) and the union of the qualifications its items need."""

    uscc: str
    region_code: str
    node: str
    qualifications: frozenset[str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "qualifications", frozenset(self.qualifications))


@dataclass(frozen=True)
class AssignmentInput:
    """Everything the assignment is a function of, besides the profile and K_a."""

    entities: tuple[PickedEntity, ...]
    roster: tuple[Inspector, ...]
    draw_date: date
    recusals: frozenset[tuple[str, str]] = frozenset()  # declared (inspector_id, uscc) pairs
    team_size: int = 2

    def __post_init__(self) -> None:
        object.__setattr__(self, "entities", tuple(self.entities))
        object.__setattr__(self, "roster", tuple(self.roster))
        object.__setattr__(self, "recusals", frozenset((str(i), str(u)) for i, u in self.recusals))
        if self.team_size < 2:
            raise ValueError("a team has at least 2 inspectors (004 §9.3.2.3)")
        for what, keys in (
            ("uscc", [e.uscc for e in self.entities]),
            ("inspector", [i.inspector_id for i in self.roster]),
        ):
            repeated = [k for k, n in Counter(keys).items() if n > 1]
            if repeated:
                raise ValueError(f"{what} {repeated[0]} appears twice")


@dataclass(frozen=True)
class Member:
    inspector_id: str
    ticket: str  # hex of a(e, i)


@dataclass(frozen=True)
class Infeasible:
    """An entity that cannot get a full team, with the counts that show why."""

    uscc: str
    reason: str
    available: int  # active inspectors of the node with a valid credential
    qualified: int  # of those, holding every required qualification
    eligible: int  # of those, not recused


@dataclass(frozen=True)
class Assignment:
    """Teams (members in ticket order), the load of every roster inspector, and the infeasible entities."""

    teams: Mapping[str, tuple[Member, ...]]
    loads: Mapping[str, int]
    infeasible: tuple[Infeasible, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "teams": {
                u: [{"inspector_id": m.inspector_id, "ticket": m.ticket} for m in t] for u, t in self.teams.items()
            },
            "loads": dict(self.loads),
            "infeasible": [vars(f) for f in self.infeasible],
        }
