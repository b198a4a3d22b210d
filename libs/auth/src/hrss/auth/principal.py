"""Who is acting, and the one check every read and write goes through."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from hrss.auth.errors import AccessDenied, InvalidRoles
from hrss.auth.roles import ADMIN_ROLES, READ_ONLY_ROLES, Kind, Role, allowed_at, check_roles
from hrss.contracts import Level, Node


class Action(StrEnum):
    READ = "read"
    WRITE = "write"


@dataclass(frozen=True)
class Principal:
    """An authenticated staff member or service; `served` lists every node a service acts for.

    `inspector_id` and `credential_no` link a staff account to its record in the inspector registry
    (执法检查人员名录库): teams are drawn from that registry, so an inspector works on the visits whose team holds
    that inspector id."""

    account_id: str
    name: str
    node: Node
    roles: frozenset[Role]
    kind: Kind = Kind.STAFF
    session_id: str | None = None
    served: tuple[Node, ...] = field(default=())
    inspector_id: str | None = None
    credential_no: str | None = None

    def __post_init__(self) -> None:
        if not self.account_id:
            raise InvalidRoles("principal.account_missing", "身份缺少账号标识")
        node = self.node if isinstance(self.node, Node) else Node(str(self.node))
        kind = Kind(self.kind)
        object.__setattr__(self, "node", node)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "roles", check_roles(self.roles, node, kind))
        served = tuple(sorted({n if isinstance(n, Node) else Node(str(n)) for n in self.served} | {node}))
        if kind is Kind.STAFF and served != (node,):
            raise InvalidRoles("principal.staff_one_node", "人员账号只属于一个节点")
        object.__setattr__(self, "served", served)
        half_linked = (self.inspector_id is None) != (self.credential_no is None)
        if half_linked or (kind is Kind.SERVICE and self.inspector_id):
            raise InvalidRoles(
                "principal.inspector_link", "检查人员关联须同时含检查人员标识和执法证号，且只属于人员账号"
            )

    @classmethod
    def for_service(cls, service: str, nodes: Iterable[Node | str]) -> Principal:
        """The machine identity of `service` acting for the nodes its process serves."""
        served = tuple(sorted(n if isinstance(n, Node) else Node(n) for n in nodes))
        if not served:
            raise InvalidRoles("principal.service_nodes", f"服务 {service} 未配置所服务的节点（HRSS_NODES）")
        return cls(f"service:{service}", service, served[0], frozenset({Role.SERVICE}), Kind.SERVICE, None, served)

    @property
    def is_service(self) -> bool:
        return self.kind is Kind.SERVICE

    @property
    def is_read_only(self) -> bool:
        """True for accounts that may look but never change anything (auditors)."""
        return self.roles <= READ_ONLY_ROLES

    def is_on_team(self, inspector_ids: Collection[str]) -> bool:
        """True if the person is one of the inspectors of a team: by the registry inspector their account is linked
        to, and only while the account holds the inspector role; an account with no linked inspector is on no team."""
        if self.inspector_id is None or Role.INSPECTOR not in self.roles:
            return False
        return self.inspector_id in {str(i) for i in inspector_ids}

    @property
    def sees_only_own_assignments(self) -> bool:
        """True for inspectors with no other role: their assignment data is limited to their own."""
        return self.roles == {Role.INSPECTOR}


def _as_node(node: Node | str) -> Node:
    return node if isinstance(node, Node) else Node(node)


def in_scope(principal: Principal, node: Node | str) -> bool:
    """True if `node` is one of the principal's nodes or lies below one (never a parent or a sibling)."""
    target = _as_node(node)
    return any(root.contains(target) for root in principal.served)


def owns(principal: Principal, inspector_ids: Collection[str]) -> bool:
    """True if the principal is one of the inspectors (registry inspector ids) a record is assigned to."""
    return principal.is_on_team(inspector_ids)


def scope_prefixes(principal: Principal) -> tuple[str, ...]:
    """Node-code prefixes for list queries (`node LIKE prefix || '%'`): "33", "3301" or "330102"."""
    width = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6}
    return tuple(root.code[: width[root.level]] for root in principal.served)


def check_access(
    principal: Principal,
    action: Action,
    node: Node | str,
    *,
    roles: Collection[Role] | None = None,
    assignees: Collection[str] | None = None,
) -> Role:
    """Raise `AccessDenied` unless `principal` may do `action` on data of `node`; else the role it acts in.

    `roles`: any one of them suffices (None: any role). `assignees`: the registry inspector ids the record is
    assigned to, for assignment data (None: the record is not tied to an assignment). The returned role is
    what the audit entry records as the actor's role.
    """
    target = _as_node(node)
    if not in_scope(principal, target):
        raise AccessDenied(
            "access.out_of_scope",
            f"无权访问节点 {target.code} 的数据：本账号属于节点 {principal.node.code}，只能访问本节点及下级节点",
        )
    if Action(action) is Action.WRITE and principal.is_read_only:
        raise AccessDenied("access.read_only", "审计人员账号为只读，不能修改数据")
    if roles is not None and not principal.roles & set(roles):
        names = "、".join(Role(r).label for r in sorted(roles))
        raise AccessDenied("access.role_required", f"此操作需要以下角色之一：{names}")
    if assignees is not None and principal.sees_only_own_assignments and not owns(principal, assignees):
        raise AccessDenied("access.not_assigned", "检查人员只能访问分配给本人的检查任务")
    return acting_role(principal, roles)


def acting_role(principal: Principal, roles: Collection[Role] | None = None) -> Role:
    """The role a principal acts in: the first of its roles (in `Role` order) among `roles`, if given."""
    wanted = principal.roles if roles is None else principal.roles & set(roles)
    return next(role for role in Role if role in wanted)


def can(
    principal: Principal,
    action: Action,
    node: Node | str,
    *,
    roles: Collection[Role] | None = None,
    assignees: Collection[str] | None = None,
) -> bool:
    """`check_access` as a boolean."""
    try:
        check_access(principal, action, node, roles=roles, assignees=assignees)
    except AccessDenied:
        return False
    return True


def can_read(principal: Principal, node: Node | str, **options: Any) -> bool:
    """`check_access` for reading, as a boolean (options as for `check_access`)."""
    return can(principal, Action.READ, node, **options)


def can_write(principal: Principal, node: Node | str, **options: Any) -> bool:
    """`check_access` for writing, as a boolean (options as for `check_access`)."""
    return can(principal, Action.WRITE, node, **options)


def check_grant(principal: Principal, role: Role, node: Node | str) -> None:
    """Raise `AccessDenied` unless the principal may give `role` to an account of `node`.

    Administrators manage accounts of their own node and below; the service role is never granted.
    """
    target = _as_node(node)
    if not principal.roles & ADMIN_ROLES:
        raise AccessDenied("access.admin_required", "只有管理员可以管理账号和角色")
    check_access(principal, Action.WRITE, target)
    if Role(role) is Role.SERVICE:
        raise AccessDenied("access.service_role", "「服务身份」角色不能授予人员账号")
    if not allowed_at(Role(role), target):
        raise AccessDenied("access.wrong_level", f"「{Role(role).label}」不能授予节点 {target.code} 的账号")
