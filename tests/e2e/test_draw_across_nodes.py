"""The draw end to end: a unified task of the province is drawn there and each drawn entity reaches the process
of the county that holds it, and no other.

Processes: the registry's relay (entities imported and the checklist loaded with its CLI), planning and draw with
their relays at the province, and two county processes with databases of their own that consume the dispatches
addressed to their node. Real PostgreSQL, Kafka and MinIO. The public record is checked by the standalone verifier.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from platform_cluster import PROVINCE, Platform, platform_for
from registry_files import write_entities

from hrss.testing.processes import wait_until

pytestmark = pytest.mark.e2e

COUNTY_A, COUNTY_B, ELSEWHERE = "130102", "130104", "130203"


def entities_file(path: Path) -> Path:
    """200 entities in each of the two counties and 100 in a county outside the task, grades A–D."""
    return write_entities(path, ((COUNTY_A, 200), (COUNTY_B, 200), (ELSEWHERE, 100)))


@pytest.fixture(scope="module")
def platform(servers, tmp_path_factory) -> Iterator[Platform]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("draw-e2e")
    with platform_for(servers, folder) as platform:
        platform.load_seed_checklist("--node", PROVINCE, "--actor", "e2e")
        platform.registry_cli(
            "import-entities", str(entities_file(folder / "entities.csv")), "--node", PROVINCE, "--actor", "e2e"
        )
        platform.start("planning", "draw")
        platform.counties = {node: platform.start_county_inbox(node) for node in (COUNTY_A, COUNTY_B)}  # type: ignore[attr-defined]
        yield platform


def test_a_unified_draw_reaches_exactly_the_counties_that_hold_the_drawn_entities(platform: Platform) -> None:
    planning, draw = platform.as_(PROVINCE), platform.as_(PROVINCE, "draw")
    wait_until(lambda: len(planning.call("GET", "/checklist", node=PROVINCE)["items"]) == 9, 90, "the checklist")
    items = planning.call("GET", "/checklist", node=PROVINCE)["items"]
    task = planning.call(
        "POST",
        "/tasks",
        {
            "node": PROVINCE,
            "title": "2027年全省劳务派遣统一抽查",
            "year": 2027,
            "items": [{"item_id": items[4]["item_id"], "ratio": "10%"}],
            "lines": ["劳动保障监察"],
            "start": "2027-04-01",
            "end": "2027-06-30",
            "implementing_nodes": [COUNTY_A, COUNTY_B],
            "unified": True,
            "grade_ratios": {"D": "50%"},
            "ad_hoc_reason": "省厅统一部署",
        },
    )
    task_id = task["task_id"]
    number = planning.call("POST", f"/tasks/{task_id}/publish")["number"]
    assert number == "人社抽〔2027〕1号"  # the platform's default template: the province has set none
    planning.call("POST", f"/tasks/{task_id}/freeze", {"reason": "公示期满"})

    def frozen_in_draw() -> bool:
        answer = requests.post(
            platform.urls["draw"] + "/draws",
            json={"task_id": task_id, "randomness_plan": "省厅、市局、公证员各掷骰 20 位"},
            headers={"Authorization": f"Bearer {platform.token(PROVINCE)}"},
            timeout=60,
        )
        if answer.status_code == 404:  # the ready event has not reached the draw service yet
            return False
        assert answer.status_code == 200, answer.text
        platform.draw_id = answer.json()["draw_id"]  # type: ignore[attr-defined]
        return True

    wait_until(frozen_in_draw, 90, "the task ready for draw at the draw service")
    draw_id = platform.draw_id  # type: ignore[attr-defined]
    summary = draw.call("GET", f"/draws/{draw_id}")
    assert summary["frame_size"] == 400  # the third county is outside the task's draw regions
    for witness, digits in (("省人社厅 张三", "31415926535897932384"), ("公证员 李四", "27182818284590452353")):
        draw.call("POST", f"/draws/{draw_id}/contributions", {"witness": witness, "value": digits})
    result = draw.call("POST", f"/draws/{draw_id}/draw")
    expected = result["picks_by_node"]
    assert set(expected) == {COUNTY_A, COUNTY_B}

    record = draw.call("GET", f"/draws/{draw_id}/public")
    path = Path(platform.log_dir) / "public.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    verified = subprocess.run(
        [sys.executable, "-m", "hrss.drawkit.verify", str(path)], capture_output=True, text=True, check=False
    )
    assert verified.returncode == 0, verified.stdout
    by_region: dict[str, set[str]] = {COUNTY_A: set(), COUNTY_B: set()}
    for pick in record["picks"]:
        by_region[pick["uscc"][2:8]].add(pick["uscc"])
    # per county: grade D is its own stratum at 50% (25 of 50); A–C share one stratum at 10% (15 of 150)
    assert {node: len(usccs) for node, usccs in by_region.items()} == {COUNTY_A: 40, COUNTY_B: 40}

    for node, url in platform.counties.items():  # type: ignore[attr-defined]
        wait_until(
            lambda url=url, node=node: len(requests.get(url + "/received", timeout=10).json()) >= expected[node],
            90,
            f"the dispatches at {node}",
        )
        got = requests.get(url + "/received", timeout=10).json()
        assert {r["uscc"] for r in got} == by_region[node]
        assert {r["target_node"] for r in got} == {node}
        assert {r["task_numbers"] for r in got} == {number}

    wait_until(lambda: planning.call("GET", f"/tasks/{task_id}")["status"] == "dispatched", 60, "the task dispatched")
