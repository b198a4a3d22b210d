import pytest

from hrss.contracts import InvalidNodeCode, Level, Node, parse_nodes


@pytest.mark.parametrize(
    "code, level, parent",
    [
        ("330000", Level.PROVINCE, None),
        ("330100", Level.CITY, "330000"),
        ("330102", Level.COUNTY, "330100"),
        ("429004", Level.COUNTY, "429000"),
    ],
)
def test_level_and_parent_follow_the_region_code(code, level, parent):
    node = Node(code)
    assert node.level is level
    assert (node.parent.code if node.parent else None) == parent


@pytest.mark.parametrize(
    ("code", "path"),
    [
        ("130000", ("130000",)),
        ("130100", ("130000", "130100")),
        ("130104", ("130000", "130100", "130104")),
        ("429004", ("420000", "429000", "429004")),  # a county-level city under the province's direct administration
    ],
)
def test_the_path_runs_from_the_province_down_to_the_node(code, path):
    assert Node(code).path == path
    assert all(Node(above).contains(Node(code)) for above in path)


def test_a_node_contains_its_subtree_only():
    province, city, county = Node("330000"), Node("330100"), Node("330102")
    assert province.contains(city) and province.contains(county) and city.contains(county)
    assert not county.contains(Node("330106"))
    assert not city.contains(Node("330200"))
    assert not province.contains(Node("320000"))
    assert not county.contains(city)


@pytest.mark.parametrize("bad", ["", "33000", "3300000", "03a000", "330012", "000000", " 330000"])
def test_malformed_codes_are_refused_in_chinese(bad):
    with pytest.raises(InvalidNodeCode) as caught:
        Node(bad)
    assert "行政区划代码" in str(caught.value)


def test_parse_nodes_accepts_lists_and_comma_strings():
    assert parse_nodes("330106, 330102,330102") == (Node("330102"), Node("330106"))
    assert parse_nodes(["330000"]) == (Node("330000"),)
    with pytest.raises(InvalidNodeCode):
        parse_nodes("")


def test_the_producing_node_is_the_one_served_or_must_be_named():
    from hrss.contracts import producing_node

    assert producing_node(("330102",)) == "330102"
    assert producing_node(("330102", "330106"), "330106") == "330106"
    with pytest.raises(ValueError):
        producing_node(("330102", "330106"))
    with pytest.raises(ValueError):
        producing_node(("330102",), "330106")
