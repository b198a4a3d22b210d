"""The public index as a projection of the public record, against the real Elasticsearch (with hrss-analysis): a
published result found anonymously by entity name words, item words and the region facet, with masked data in no
hit or highlight; a stale version rejected; a rebuild from the record giving the same documents."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from publication.adapters.repository import SqlPublicationRepository
from publication.bootstrap import public_index
from publication.cli import reindex
from publication_testkit import (
    CITY,
    COUNTY_A,
    MOBILE,
    PROVINCE,
    RESIDENT_ID,
    approved,
    decision,
    result_id,
    send,
    task_published,
    uscc,
    wait_for,
)
from sqlalchemy.orm import Session

pytestmark = pytest.mark.integration

NAME = "杭州华建建筑工程有限公司"
FINDINGS = f"经检查发现，该单位拖欠农民工工资共计12000元，已责令限期改正（联系人手机{MOBILE}，身份证{RESIDENT_ID}）。"


def searched(s: Any, **params: Any) -> dict[str, Any]:
    answer = s.get("/search", **params)
    assert answer.status_code == 200, answer.text
    assert (
        MOBILE not in answer.text
        and RESIDENT_ID not in answer.text
        and "5678" not in answer.text.replace("****5678", "")
    )
    return answer.json()


def found(s: Any, **params: Any) -> list[str]:
    return [hit["record_id"] for hit in searched(s, **params)["hits"] if hit["kind"] == "result"]


def documents(index: Any) -> dict[str, tuple[int, dict[str, Any]]]:
    index.index.refresh()
    answer = index.client.search(index=index.index.alias, size=1000, version=True, query={"match_all": {}})
    return {hit["_id"]: (hit["_version"], hit["_source"]) for hit in answer["hits"]["hits"]}


def test_a_published_result_is_found_by_name_item_and_region_with_masked_data_nowhere(publication_service) -> None:
    s = publication_service
    send(s.broker, task_published(), approved(1, name=NAME, findings=FINDINGS), decision(1))
    send(s.broker, approved(2, name="杭州嘉禾商贸有限公司", overall="no_problem"), decision(2))
    mine = str(result_id(1))
    wait_for(lambda: mine in found(s, q="华建建筑"), what="the result indexed")

    assert found(s, q="华建建筑")[0] == mine  # words of the entity's name
    assert mine in found(s, q="工资支付")  # the item
    assert mine in found(s, q="拖欠工资")  # the findings, masked
    page = searched(s, q="拖欠农民工工资", node=COUNTY_A)
    [hit] = [h for h in page["hits"] if h["record_id"] == mine]
    assert hit["uscc"] == uscc(1) and hit["path"] == f"/results/{mine}" and hit["highlights"]["text"]
    assert any("<em>" in part for part in hit["highlights"]["text"]) and "138****5678" in " ".join(
        hit["highlights"]["text"]
    )
    assert {b["key"] for b in searched(s)["facets"]["region"]} == {PROVINCE}  # the region tree, from the top
    assert {b["key"] for b in searched(s, node=PROVINCE)["facets"]["region"]} == {CITY}
    assert set(found(s, node=COUNTY_A)) == {mine, str(result_id(2))}  # the region facet as a filter
    assert found(s, node="330108") == []
    assert found(s, q=MOBILE) == [] and found(s, q=RESIDENT_ID) == []  # what was masked is not searchable either
    tasks = [h for h in searched(s, q="劳动用工专项")["hits"] if h["kind"] == "task"]
    assert tasks and tasks[0]["path"].startswith("/tasks/")

    suggestions = s.get("/suggest", q="华建").json()
    assert suggestions["entities"][0] == {"name": NAME, "uscc": uscc(1)}
    cached = s.get("/search", q="华建建筑")
    assert cached.headers["Cache-Control"] == "public, max-age=60"
    assert s.get("/search", q="华建建筑", headers={"If-None-Match": cached.headers["ETag"]}).status_code == 304


def test_no_results_help_and_refusals_name_the_parameter(publication_service) -> None:
    s = publication_service
    send(s.broker, approved(1, name=NAME, findings=FINDINGS), decision(1))
    wait_for(lambda: found(s, q="华建建筑"), what="the result indexed")
    nothing = searched(s, q="华建建筑", year="2020")
    assert nothing["total"] == 0 and nothing["help"][0]["kind"] == "without_filters"
    for params, field, code in [
        ({"cursor": "not-ours"}, "cursor", "search.cursor_invalid"),
        ({"node": "33"}, "node", "request.invalid_node"),
        ({"sort": "cheapest"}, "sort", "request.invalid_sort"),
        ({"q": "字" * 201}, "q", "request.invalid_q"),
    ]:
        refused = s.get("/search", **params)
        assert refused.status_code == 400, params
        assert refused.json()["errors"][0]["field"] == field and refused.json()["errors"][0]["code"] == code


def test_a_stale_version_is_rejected_and_counted_and_a_rebuild_gives_the_same_documents(publication_service) -> None:
    s = publication_service
    send(s.broker, task_published(), approved(1, name=NAME, findings="首次检查"), decision(1))
    wait_for(lambda: found(s, q="华建建筑"), what="version 1 indexed")
    send(s.broker, approved(1, name=NAME, findings="复查：已改正拖欠工资", version=2))
    wait_for(lambda: found(s, q="已改正"), what="version 2 indexed")
    config = s.container.config
    index = public_index(config)
    assert index is not None
    try:
        engine = sa.create_engine(s.dsn, connect_args={"options": "-csearch_path=publication"})
        with Session(engine) as session:
            versions = SqlPublicationRepository(session).versions("result", str(result_id(1)))
        assert [v.version for v in versions] == [1, 2]
        stale = index.write(versions[:1])  # version 1 after version 2: Elasticsearch refuses it
        assert (stale.applied, stale.stale) == (0, 1)
        assert found(s, q="已改正") == [str(result_id(1))] and found(s, q="首次检查") == []

        before = documents(index)
        assert set(before) == {f"result:{result_id(1)}", f"task:{uuid.uuid5(uuid.NAMESPACE_URL, 'task-劳动用工专项')}"}
        done = reindex(config)
        assert done["generation"] != "" and index.index.current_generation() == done["generation"]
        assert documents(index) == before  # same ids, versions (the record's) and bodies
        assert found(s, q="已改正") == [str(result_id(1))]
    finally:
        index.close()
        engine.dispose()
