"""The roster a draw freezes: the enforcement staff of the implementing nodes and their declared interests, salted
and committed to (docs/draw-assignment.md §3), and read back from the snapshot for each assignment."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from draw.service_layer.context import Context
from hrss.drawkit.assignment import Inspector, recusal_root, roster_root


def freeze_roster(
    ctx: Context, nodes: Sequence[str], grants: Mapping[str, frozenset[str]]
) -> tuple[str, str, dict[str, Any]]:
    """The roster of the implementing nodes (enforcement staff: auxiliary experts are never team members) and the
    declared recusal pairs, salted, with their commitments (docs/draw-assignment.md §3). Each inspector's
    qualifications are the registry's plus the line tags `grants` gives the inspector's line of business."""
    roster = [
        Inspector(
            inspector_id=r.inspector_id,
            credential_no=r.credential_no,
            node=r.node,
            qualifications=frozenset(r.qualifications) | grants.get(r.line or "", frozenset()),
            active=r.status == "active",
            credential_expires=r.credential_expires.isoformat(),
            station_region=r.station_region or "",
            former_employers=frozenset(r.former_employers),
        )
        for r in ctx.repo.enforcement_staff(nodes)
    ]
    declared = ctx.repo.declared_interests([i.inspector_id for i in roster])
    salts = {i.inspector_id: secrets.token_hex(16) for i in roster}
    pair_salts = {pair: secrets.token_hex(16) for pair in declared}
    profile = ctx.components.profile
    snapshot = {
        "roster": [
            {
                "inspector_id": i.inspector_id,
                "credential_no": i.credential_no,
                "node": i.node,
                "qualifications": sorted(i.qualifications),
                "active": i.active,
                "credential_expires": i.credential_expires,
                "station_region": i.station_region,
                "former_employers": sorted(i.former_employers),
                "salt": salts[i.inspector_id],
            }
            for i in roster
        ],
        "recusal": [{"inspector_id": i, "uscc": u, "salt": pair_salts[(i, u)]} for i, u in declared],
    }
    return roster_root(profile, roster, salts).hex(), recusal_root(profile, declared, pair_salts).hex(), snapshot


def inspectors(snapshot: Mapping[str, Any]) -> list[Inspector]:
    """The frozen roster of a snapshot."""
    return [
        Inspector(
            inspector_id=r["inspector_id"],
            credential_no=r["credential_no"],
            node=r["node"],
            qualifications=frozenset(r["qualifications"]),
            active=r["active"],
            credential_expires=r["credential_expires"],
            station_region=r["station_region"],
            former_employers=frozenset(r["former_employers"]),
        )
        for r in snapshot["roster"]
    ]
