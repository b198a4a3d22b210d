"""The checklist in force and the drawn lists over Kafka and HTTP: the province's checklist from the registry's
compacted topic at GET /nodes/{node}/checklist, a draw's drawn list at the county that inspects (its dispatches on
the county's own topic) at GET /drawn-lists, with receipts, and found in public search."""

from __future__ import annotations

import pytest
from publication.service_layer.lists import drawn_list_id
from publication_testkit import (
    COUNTY_A,
    DRAW,
    PROVINCE,
    check_item,
    dispatched,
    draw_completed,
    send,
    task_published,
    uscc,
    wait_for,
)

pytestmark = pytest.mark.integration


def test_the_checklist_and_a_drawn_list_are_public_with_receipts_and_searchable(publication_service) -> None:
    s = publication_service
    send(s.broker, *(check_item(n) for n in range(1, 10)))
    checklist = wait_for(
        lambda: (
            (r := s.get(f"/nodes/{PROVINCE}/checklist")).status_code == 200
            and len(r.json()["content"]["items"]) == 9
            and r.json()
        ),
        what="the checklist",
    )
    assert [i["number"] for i in checklist["content"]["items"]] == [str(n) for n in range(1, 10)]
    assert s.get("/checklists", node=PROVINCE).json()["records"][0]["record_id"] == checklist["record_id"]

    send(s.broker, task_published(), draw_completed({COUNTY_A: 2}), dispatched(1), dispatched(2))
    found = wait_for(lambda: s.get("/drawn-lists", node=COUNTY_A).json()["records"], what="the drawn list")
    [drawn] = found
    assert drawn["record_id"] == drawn_list_id(str(DRAW), COUNTY_A)
    assert [e["uscc"] for e in drawn["content"]["entities"]] == [uscc(1), uscc(2)]
    assert "检查员" not in str(drawn) and drawn["content"]["verification"].endswith(f"/draws/{DRAW}/public")
    check = s.get(f"/nodes/{COUNTY_A}/receipts/verification").json()
    assert check["valid"] and check["length"] == 1
    path = f"/drawn-lists/{drawn['record_id']}"  # indexed after its version commits: other records may come first

    def found_by_name() -> bool:
        return any(h["path"] == path for h in s.get("/search", q="杭州测试2号有限公司").json()["hits"])

    wait_for(found_by_name, what="the drawn list in search")
