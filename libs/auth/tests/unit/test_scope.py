import pytest

from hrss.auth import (
    AccessDenied,
    Action,
    InvalidRoles,
    Principal,
    Role,
    can_read,
    can_write,
    check_access,
    check_grant,
    owns,
    scope_prefixes,
)
from hrss.auth.roles import LEVELS, STAFF_ROLES
from hrss.contracts import Node

# Zhejiang (330000) with Hangzhou (330100: counties 330102, 330106) and Ningbo (330200: 330203); Jiangsu 320000
HOME = {"province": "330000", "city": "330100", "county": "330102"}
RELATIONS = {
    "province": {"own": "330000", "child": "330100", "grandchild": "330102", "sibling": "320000",
                 "sibling_child": "320100"},
    "city": {"own": "330100", "child": "330102", "sibling": "330200", "parent": "330000",
             "sibling_child": "330203"},
    "county": {"own": "330102", "sibling": "330106", "parent": "330100", "grandparent": "330000",
               "cousin": "330203"},
}  # fmt: skip
VISIBLE = {"own", "child", "grandchild"}


def staff(role, node, account_id="u1", inspector_id=None):
    link = {"inspector_id": inspector_id, "credential_no": f"ZJ-{inspector_id}"} if inspector_id else {}
    return Principal(account_id, "测试人员", Node(node), frozenset({role}), **link)


CELLS = [
    (role, level, relation, target)
    for level, targets in RELATIONS.items()
    for role in sorted(STAFF_ROLES)
    if Node(HOME[level]).level in LEVELS[role]
    for relation, target in targets.items()
]


@pytest.mark.parametrize("role, level, relation, target", CELLS)
def test_scope_matrix(role, level, relation, target):
    principal = staff(role, HOME[level])
    visible = relation in VISIBLE
    assert can_read(principal, target) is visible
    assert can_write(principal, target) is (visible and role is not Role.AUDITOR)
    if not visible:
        with pytest.raises(AccessDenied) as caught:
            check_access(principal, Action.READ, target)
        assert caught.value.code == "access.out_of_scope"
        assert target in caught.value.message and HOME[level] in caught.value.message


def test_the_matrix_covers_every_role_at_every_level_it_may_hold():
    # five working roles at every level, one admin role per level
    assert len({(role, level) for role, level, _, _ in CELLS}) == 5 * 3 + 3


def test_auditors_read_but_never_write():
    auditor = staff(Role.AUDITOR, "330100")
    check_access(auditor, Action.READ, "330102")
    with pytest.raises(AccessDenied) as caught:
        check_access(auditor, Action.WRITE, "330100")
    assert caught.value.code == "access.read_only"
    assert caught.value.status == 403


def test_an_inspector_sees_only_assignments_given_to_them():
    inspector = staff(Role.INSPECTOR, "330102", inspector_id="insp-1")
    assert can_read(inspector, "330102", assignees={"insp-1", "insp-2"})
    assert can_write(inspector, "330102", assignees=["insp-1"])
    assert not can_read(inspector, "330102", assignees={"insp-2", "insp-3"})
    with pytest.raises(AccessDenied) as caught:
        check_access(inspector, Action.WRITE, "330102", assignees=())
    assert caught.value.code == "access.not_assigned"
    assert owns(inspector, {"insp-1"}) and not owns(inspector, {"insp-9"})


def test_an_inspector_is_on_a_team_by_the_registry_inspector_linked_to_the_account_never_by_account_id():
    linked = staff(Role.INSPECTOR, "330102", account_id="acct-7", inspector_id="insp-1")
    assert owns(linked, {"insp-1"}) and not owns(linked, {"acct-7"})
    unlinked = staff(Role.INSPECTOR, "330102", account_id="insp-1")
    assert not owns(unlinked, {"insp-1"})  # an account whose id happens to equal an inspector id is no inspector
    with pytest.raises(InvalidRoles):
        Principal("acct-8", "测试人员", Node("330102"), frozenset({Role.INSPECTOR}), inspector_id="insp-2")


def test_an_inspector_with_a_wider_role_sees_every_assignment_of_the_node():
    planner = Principal("u2", "李四", Node("330102"), frozenset({Role.INSPECTOR, Role.PLANNER}))
    assert can_read(planner, "330102", assignees={"insp-2"})


def test_an_own_assignment_at_another_node_is_still_out_of_scope():
    inspector = staff(Role.INSPECTOR, "330102", inspector_id="insp-1")
    assert not can_read(inspector, "330106", assignees={"insp-1"})


def test_a_required_role_must_be_held():
    inspector = staff(Role.INSPECTOR, "330102")
    assert can_write(staff(Role.PLANNER, "330102"), "330102", roles={Role.PLANNER})
    with pytest.raises(AccessDenied) as caught:
        check_access(inspector, Action.WRITE, "330102", roles={Role.PLANNER, Role.APPROVER})
    assert caught.value.code == "access.role_required"
    assert "计划编制人员" in caught.value.message and "审批人员" in caught.value.message


def test_the_check_returns_the_role_to_record_in_the_audit_trail():
    admin_planner = Principal("u3", "周敏", Node("330100"), frozenset({Role.PLANNER, Role.CITY_ADMIN}))
    assert check_access(admin_planner, Action.WRITE, "330102", roles={Role.PLANNER}) is Role.PLANNER
    assert check_access(admin_planner, Action.READ, "330102") is Role.CITY_ADMIN
    service = Principal.for_service("draw", ["330100"])
    assert check_access(service, Action.WRITE, "330102") is Role.SERVICE


def test_a_service_acts_for_exactly_the_nodes_it_serves():
    service = Principal.for_service("inspection", ["330102", "330106"])
    for served in ("330102", "330106"):
        assert can_write(service, served)
    for other in ("330100", "330000", "330108", "330203"):
        assert not can_read(service, other)
    assert can_write(service, "330102", roles={Role.SERVICE, Role.PLANNER})
    assert not can_write(service, "330102", roles={Role.PLANNER})


def test_a_city_service_acts_for_its_counties():
    assert can_read(Principal.for_service("draw", ["330100"]), "330106")


def test_scope_prefixes_select_the_subtree_in_queries():
    assert scope_prefixes(staff(Role.PLANNER, "330000")) == ("33",)
    assert scope_prefixes(staff(Role.PLANNER, "330100")) == ("3301",)
    assert scope_prefixes(staff(Role.PLANNER, "330102")) == ("330102",)
    assert scope_prefixes(Principal.for_service("draw", ["330102", "330200"])) == ("330102", "3302")


@pytest.mark.parametrize(
    "granter, role, node, code",
    [
        (Role.CITY_ADMIN, Role.COUNTY_ADMIN, "330102", None),
        (Role.CITY_ADMIN, Role.PLANNER, "330100", None),
        (Role.CITY_ADMIN, Role.CITY_ADMIN, "330200", "access.out_of_scope"),
        (Role.CITY_ADMIN, Role.PROVINCE_ADMIN, "330000", "access.out_of_scope"),
        (Role.CITY_ADMIN, Role.COUNTY_ADMIN, "330100", "access.wrong_level"),
        (Role.CITY_ADMIN, Role.SERVICE, "330102", "access.service_role"),
        (Role.PLANNER, Role.INSPECTOR, "330100", "access.admin_required"),
        (Role.AUDITOR, Role.INSPECTOR, "330100", "access.admin_required"),
    ],
)
def test_admins_grant_roles_only_within_their_subtree(granter, role, node, code):
    principal = staff(granter, "330100")
    if code is None:
        check_grant(principal, role, node)
    else:
        with pytest.raises(AccessDenied) as caught:
            check_grant(principal, role, node)
        assert caught.value.code == code
