"""The visits evidence may be added to: kept from the inspection service's events for the nodes this process
serves, and the checks an upload and an inspector's reads pass against them."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from evidence.domain.visits import STATUS, TEAM, Visit, VisitFact, check_open, check_target
from hrss.auth import AccessDenied, Action, Principal, Role, acting_role, check_access
from hrss.bus.config import serves
from hrss.contracts import Node
from hrss.contracts.events.inspection import VisitExtended, VisitOpened, VisitStatusChanged

if TYPE_CHECKING:
    from evidence.adapters.visits import AbstractVisitReadModel

VisitEvent = VisitOpened | VisitExtended | VisitStatusChanged


def keeps(node: str, served: Collection[str], delegated: Collection[str] = ()) -> bool:
    """True if this process keeps `node`'s visits: the consumers' own rule (`hrss.bus.config.serves`): it serves
    the node or one above it, and the node is not in the subtree of a county that runs its own deployment."""
    return serves(Node(node), tuple(map(Node, served)), tuple(map(Node, delegated)))


def fact_of(event_id: str, event: VisitEvent) -> VisitFact:
    """The fact an event adds: the whole team of an opened or extended visit, or a step of its life."""
    visit_id, node = str(event.visit_id), str(event.node)
    if isinstance(event, VisitStatusChanged):
        return VisitFact(event_id, visit_id, node, STATUS, event.at, status=event.status, reason=event.reason)
    at = event.opened_at if isinstance(event, VisitOpened) else event.extended_at
    return VisitFact(event_id, visit_id, node, TEAM, at, tuple(str(i.inspector_id) for i in event.inspectors))


def apply(
    model: AbstractVisitReadModel,
    events: Iterable[tuple[str, VisitEvent]],
    served: Collection[str],
    delegated: Collection[str],
    now: datetime,
) -> int:
    """Keep the events (event id, payload) of the visits this process keeps, ignore the others; how many were kept."""
    facts = [fact_of(event_id, e) for event_id, e in events if keeps(str(e.node), served, delegated)]
    model.add(facts, now)
    return len(facts)


def check_uploader(principal: Principal, visit: Visit | None, visit_id: str, node: str, roles: Collection[Role]) -> str:
    """The role `principal` uploads to `visit_id` at `node` in; else the refusal: the visit is unknown here (404,
    perhaps not yet received), of another node (400), the caller is an inspector not on its team and holds no wider
    role of the node (403 `access.not_assigned`), or the visit is closed (409)."""
    found = check_target(visit, visit_id, node)
    role = str(on_team_or_wider(principal, Action.WRITE, found.node, roles, found.inspector_ids))
    check_open(found)
    return role


def on_team_or_wider(
    principal: Principal, action: Action, node: str, roles: Collection[Role], team: Collection[str]
) -> Role:
    """`check_access` for a visit's data: an inspector with no other role only for a visit whose team holds the
    registry inspector their account is linked to (`Principal.is_on_team`), as the inspection service decides."""
    try:
        role = check_access(principal, action, node, roles=roles, assignees=list(team))
    except AccessDenied as refused:
        if refused.code != "access.not_assigned":
            raise
        if principal.inspector_id is None:
            why = "本账号未关联检查人员名录中的检查人员，请联系管理员在账号中登记执法证号"
        else:
            why = "检查人员只能处理本人所在检查组的检查；如检查组刚刚调整，请稍后重试"
        raise AccessDenied("access.not_assigned", why) from None
    wider = principal.roles - {Role.INSPECTOR}
    if role is Role.INSPECTOR and wider and not principal.is_on_team(team):
        return acting_role(principal, wider)  # not on the team: the audit names the wider role that allowed it
    return role


def team_of(model: AbstractVisitReadModel, visit_id: str) -> tuple[str, ...]:
    """The registry inspector ids of a visit's team; none for a visit this process does not know."""
    visit = model.get(visit_id)
    return visit.inspector_ids if visit is not None else ()
