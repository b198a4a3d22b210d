"""Roles and the node levels at which each may be held."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from hrss.auth.errors import InvalidRoles
from hrss.contracts import Level, Node


class Role(StrEnum):
    PROVINCE_ADMIN = "province_admin"
    CITY_ADMIN = "city_admin"
    COUNTY_ADMIN = "county_admin"
    PLANNER = "planner"
    INSPECTOR = "inspector"
    ARCHIVE_KEEPER = "archive_keeper"
    APPROVER = "approver"
    AUDITOR = "auditor"
    SERVICE = "service"

    @property
    def label(self) -> str:
        """The Chinese name shown to users."""
        return LABELS[self]


class Kind(StrEnum):
    """Who holds an identity: a person or a machine."""

    STAFF = "staff"
    SERVICE = "service"


LABELS: dict[Role, str] = {
    Role.PROVINCE_ADMIN: "省级管理员",
    Role.CITY_ADMIN: "市级管理员",
    Role.COUNTY_ADMIN: "县级管理员",
    Role.PLANNER: "计划编制人员",
    Role.INSPECTOR: "检查人员",
    Role.ARCHIVE_KEEPER: "档案管理员",
    Role.APPROVER: "审批人员",
    Role.AUDITOR: "审计人员（只读）",
    Role.SERVICE: "服务身份",
}

LEVEL_LABELS: dict[Level, str] = {Level.PROVINCE: "省级", Level.CITY: "市级", Level.COUNTY: "县级"}

_EVERY_LEVEL = frozenset(Level)

LEVELS: dict[Role, frozenset[Level]] = {
    Role.PROVINCE_ADMIN: frozenset({Level.PROVINCE}),
    Role.CITY_ADMIN: frozenset({Level.CITY}),
    Role.COUNTY_ADMIN: frozenset({Level.COUNTY}),
    Role.PLANNER: _EVERY_LEVEL,
    Role.INSPECTOR: _EVERY_LEVEL,
    Role.ARCHIVE_KEEPER: _EVERY_LEVEL,
    Role.APPROVER: _EVERY_LEVEL,
    Role.AUDITOR: _EVERY_LEVEL,
    Role.SERVICE: _EVERY_LEVEL,
}

ADMIN_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN})
READ_ONLY_ROLES = frozenset({Role.AUDITOR})
STAFF_ROLES = frozenset(Role) - {Role.SERVICE}


def admin_role_for(level: Level) -> Role:
    """The administrator role of a level."""
    return {Level.PROVINCE: Role.PROVINCE_ADMIN, Level.CITY: Role.CITY_ADMIN, Level.COUNTY: Role.COUNTY_ADMIN}[level]


def allowed_at(role: Role, node: Node) -> bool:
    """True if `role` may be held by an account of `node`."""
    return node.level in LEVELS[role]


def parse_roles(values: Iterable[str]) -> frozenset[Role]:
    """Roles from their names; unknown names are refused."""
    roles = set()
    for value in values:
        try:
            roles.add(Role(value))
        except ValueError:
            raise InvalidRoles("roles.unknown", f"未知角色：{value!r}") from None
    return frozenset(roles)


def check_roles(roles: Iterable[Role | str], node: Node, kind: Kind = Kind.STAFF) -> frozenset[Role]:
    """Return the roles if an identity of `kind` at `node` may hold them together, else raise `InvalidRoles`."""
    held = parse_roles(roles)
    if not held:
        raise InvalidRoles("roles.empty", "账号至少需要一个角色")
    if kind is Kind.SERVICE:
        if held != {Role.SERVICE}:
            raise InvalidRoles("roles.service_only", "服务身份只能持有「服务身份」角色")
        return held
    if Role.SERVICE in held:
        raise InvalidRoles("roles.service_reserved", "「服务身份」角色只能由服务使用，不能授予人员账号")
    if Role.AUDITOR in held and len(held) > 1:
        raise InvalidRoles("roles.auditor_exclusive", "审计人员为只读账号，不能兼任其他角色")
    for role in sorted(held):
        if not allowed_at(role, node):
            raise InvalidRoles(
                "roles.wrong_level",
                f"「{role.label}」只能授予{'、'.join(LEVEL_LABELS[lv] for lv in sorted(LEVELS[role]))}节点，"
                f"{node.code} 是{LEVEL_LABELS[node.level]}节点",
            )
    return held
