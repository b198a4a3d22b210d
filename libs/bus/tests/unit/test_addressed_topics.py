"""Which per-node topics a consumer of an addressed contract reads: its subtrees, less the delegated ones."""

import re

import pytest

from hrss.bus.config import addressed_topics_pattern
from hrss.contracts import Node

TOPIC = "draw.assignment_dispatched.v1"


def reads(served: tuple[str, ...], delegated: tuple[str, ...], node: str) -> bool:
    pattern = addressed_topics_pattern(TOPIC, tuple(map(Node, served)), tuple(map(Node, delegated)))
    return re.fullmatch(pattern, f"{TOPIC}.{node}") is not None


@pytest.mark.parametrize(
    ("node", "expected"),
    [("330000", True), ("330100", True), ("330106", True), ("330203", True), ("330102", False), ("320100", False)],
)
def test_a_central_province_reads_every_node_below_it_but_a_federated_county(node, expected):
    assert reads(("330000",), ("330102",), node) is expected


def test_a_federated_county_reads_its_own_topic_only_even_when_told_it_is_delegated():
    assert reads(("330102",), (), "330102")
    assert reads(("330102",), ("330102",), "330102")
    assert not reads(("330102",), (), "330106") and not reads(("330102",), (), "330100")


def test_a_delegated_city_takes_its_counties_with_it_and_a_foreign_delegation_changes_nothing():
    assert not reads(("330000",), ("330200", "320100"), "330203")
    assert reads(("330000",), ("330200", "320100"), "330106")
    assert not re.fullmatch(addressed_topics_pattern(TOPIC, (Node("330000"),)), f"{TOPIC}.330106.dlt")


def test_no_delegated_nodes_configured_is_none_delegated(monkeypatch):
    from hrss.bus.config import delegated_nodes

    monkeypatch.delenv("HRSS_DELEGATED_NODES", raising=False)
    assert delegated_nodes({}) == ()
    monkeypatch.setenv("HRSS_DELEGATED_NODES", "")
    assert delegated_nodes({"DELEGATED_NODES": ""}) == ()
    monkeypatch.setenv("HRSS_DELEGATED_NODES", "330102,330106,320100")
    monkeypatch.setenv("HRSS_NODES", "330000")
    assert [n.code for n in delegated_nodes({})] == ["330102", "330106"]  # 320100 was never 330000's
    assert delegated_nodes({"NODES": "330102"}) == ()  # the federated county's own process serves itself


@pytest.mark.parametrize("served", [("330000",), ("330100",), ("330102",)])
@pytest.mark.parametrize("delegated", [(), ("330102",), ("330200", "320100"), ("330100",)])
def test_the_served_rule_and_the_topic_pattern_agree_on_every_node(served, delegated):
    from hrss.bus.config import serves

    for node in ("330000", "330100", "330102", "330106", "330200", "330203", "320100", "320102"):
        expected = reads(served, delegated, node)
        assert serves(Node(node), tuple(map(Node, served)), tuple(map(Node, delegated))) is expected, node
