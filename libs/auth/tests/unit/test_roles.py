import pytest

from hrss.auth import InvalidRoles, Kind, Principal, Role, admin_role_for, check_roles
from hrss.contracts import Level, Node

PROVINCE, CITY, COUNTY = Node("330000"), Node("330100"), Node("330102")


@pytest.mark.parametrize(
    "role, allowed",
    [
        (Role.PROVINCE_ADMIN, {PROVINCE}),
        (Role.CITY_ADMIN, {CITY}),
        (Role.COUNTY_ADMIN, {COUNTY}),
        (Role.PLANNER, {PROVINCE, CITY, COUNTY}),
        (Role.INSPECTOR, {PROVINCE, CITY, COUNTY}),
        (Role.ARCHIVE_KEEPER, {PROVINCE, CITY, COUNTY}),
        (Role.APPROVER, {PROVINCE, CITY, COUNTY}),
        (Role.AUDITOR, {PROVINCE, CITY, COUNTY}),
    ],
)
def test_each_staff_role_is_held_only_at_its_levels(role, allowed):
    for node in (PROVINCE, CITY, COUNTY):
        if node in allowed:
            assert check_roles([role], node) == {role}
        else:
            with pytest.raises(InvalidRoles) as caught:
                check_roles([role], node)
            assert caught.value.code == "roles.wrong_level"
            assert role.label in caught.value.message and node.code in caught.value.message


def test_a_county_admin_at_a_city_node_is_refused_in_chinese():
    with pytest.raises(InvalidRoles) as caught:
        Principal("u1", "张三", CITY, frozenset({Role.COUNTY_ADMIN}))
    assert caught.value.message == "「县级管理员」只能授予县级节点，330100 是市级节点"


def test_auditors_hold_no_other_role():
    with pytest.raises(InvalidRoles) as caught:
        check_roles([Role.AUDITOR, Role.PLANNER], COUNTY)
    assert caught.value.code == "roles.auditor_exclusive"


def test_staff_may_combine_working_roles():
    assert check_roles(["planner", "approver", "county_admin"], COUNTY) == {
        Role.PLANNER,
        Role.APPROVER,
        Role.COUNTY_ADMIN,
    }


def test_the_service_role_belongs_to_services_alone():
    with pytest.raises(InvalidRoles) as caught:
        check_roles([Role.SERVICE], COUNTY)
    assert caught.value.code == "roles.service_reserved"
    with pytest.raises(InvalidRoles) as caught:
        check_roles([Role.SERVICE, Role.PLANNER], COUNTY, Kind.SERVICE)
    assert caught.value.code == "roles.service_only"
    assert check_roles([Role.SERVICE], COUNTY, Kind.SERVICE) == {Role.SERVICE}


def test_unknown_and_missing_roles_are_refused():
    with pytest.raises(InvalidRoles) as caught:
        check_roles(["superuser"], COUNTY)
    assert caught.value.code == "roles.unknown"
    with pytest.raises(InvalidRoles) as caught:
        check_roles([], COUNTY)
    assert caught.value.code == "roles.empty"


def test_each_level_has_its_admin_role():
    assert [admin_role_for(level) for level in (Level.PROVINCE, Level.CITY, Level.COUNTY)] == [
        Role.PROVINCE_ADMIN,
        Role.CITY_ADMIN,
        Role.COUNTY_ADMIN,
    ]


def test_a_service_principal_serves_several_nodes_with_one_identity():
    service = Principal.for_service("draw", ["330106", "330102"])
    assert service.account_id == "service:draw"
    assert service.kind is Kind.SERVICE and service.roles == {Role.SERVICE}
    assert service.node == Node("330102")
    assert service.served == (Node("330102"), Node("330106"))


def test_a_staff_account_belongs_to_one_node():
    with pytest.raises(InvalidRoles):
        Principal("u1", "张三", COUNTY, frozenset({Role.PLANNER}), served=(Node("330106"),))
