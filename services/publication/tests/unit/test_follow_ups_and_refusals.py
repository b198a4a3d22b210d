"""Follow-up measures on a result's public page (inspection.follow_up_opened / closed: each a new version of the
result) and entities that seriously refused to cooperate (不配合检查, 004 §10.1) published as such and listed."""

from __future__ import annotations

import pytest
from publication import views
from publication_harness import Publication
from publication_testkit import (
    COUNTY_A,
    COUNTY_B,
    MOBILE,
    approved,
    decision,
    follow_up_closed,
    follow_up_opened,
    result_id,
)


@pytest.fixture
def s() -> Publication:
    return Publication()


def versions(s: Publication, n: int = 1, node: str = COUNTY_A) -> list:
    return s.repo.versions("result", str(result_id(n, node)))


def test_a_follow_up_opened_and_closed_makes_new_versions_of_the_result_page(s: Publication) -> None:
    s.receive(approved(1, overall="corrected"), decision(1))
    s.receive(follow_up_opened(1))
    s.receive(follow_up_closed(1, outcome=f"已整改，联系电话{MOBILE}"))
    first, opened, closed = versions(s)
    assert "follow_ups" not in first.content  # the first version stays as it was published
    assert opened.content["follow_ups"] == [
        {"kind": "责令改正", "due": "2026-06-30", "target": None, "state": "办理中", "closed_on": None, "outcome": None}
    ]
    [measure] = closed.content["follow_ups"]
    assert (measure["state"], measure["closed_on"]) == ("已办结", "2026-06-20")
    assert MOBILE not in measure["outcome"] and measure["outcome"].startswith("已整改，联系电话138****5678")
    s.receive(follow_up_closed(1))  # a redelivery: nothing new
    assert len(versions(s)) == 3
    assert [e.type for e in s.published].count("publication.result_confirmed") == 1


def test_follow_ups_before_the_result_is_public_are_on_its_first_version(s: Publication) -> None:
    s.receive(approved(1, overall="pending_follow_up"))
    s.receive(follow_up_opened(1, 1, kind="transfer", target="市场监督管理局", minutes=1))
    s.receive(follow_up_opened(1, 2, kind="case", target="劳动保障监察支队"))
    assert versions(s) == []  # not public before the node's decision
    record = s.receive(decision(1))
    assert [(m["kind"], m["target"]) for m in record.content["follow_ups"]] == [
        ("移交人社执法机构立案", "劳动保障监察支队"),
        ("移交相关监管部门", "市场监督管理局"),
    ]  # in the order they were opened


def test_a_judicial_transfer_shows_its_kind_and_state_only(s: Publication) -> None:
    s.receive(approved(1, overall="pending_follow_up"), decision(1))
    s.receive(follow_up_opened(1, kind="judicial", target="杭州市公安局上城分局"))
    s.receive(follow_up_closed(1, outcome="已立案侦查"))
    [measure] = versions(s)[-1].content["follow_ups"]
    assert measure == {"kind": "移送司法机关", "due": None, "target": None, "state": "已办结",
                       "closed_on": "2026-06-20", "outcome": None}  # fmt: skip


def test_follow_ups_of_a_withheld_result_or_another_deployment_s_are_not_published(s: Publication) -> None:
    s.receive(approved(1, public=False), decision(1, public=False, reason="涉及国家秘密"))
    s.receive(follow_up_opened(1))
    s.receive(approved(2, COUNTY_B), decision(2, COUNTY_B), follow_up_opened(2, node=COUNTY_B))
    assert s.repo.records_kept == []


def test_an_entity_that_refused_to_cooperate_is_published_as_such_and_listed(s: Publication) -> None:
    s.receive(approved(1, overall="refused"), decision(1), approved(2), decision(2))
    refused = versions(s, 1)[-1].content
    assert (refused["result_category"], refused["refused_to_cooperate"]) == ("不配合检查", True)
    assert "refused_to_cooperate" not in versions(s, 2)[-1].content
    page = views.listing(s.repo, "result", {}, "refused")
    assert [r["record_id"] for r in page["records"]] == [str(result_id(1))]
    assert views.listing(s.repo, "result", {"node": "330108"}, "refused")["records"] == []
