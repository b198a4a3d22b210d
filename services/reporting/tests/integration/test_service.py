"""The reporting service as deployed: events published on Kafka are consumed exactly once into its facts, and its
HTTP API answers the KPIs, their records, the monthly report (JSON and XLSX), entries and submissions; bad input
is a 400 naming the field, another node's figures a 403."""

from __future__ import annotations

import io
from datetime import date

import pytest
from activity import NODES, YEAR, expected_kpis, generate
from openpyxl import load_workbook
from reporting_testkit import ensure_topics, send, token, wait_for

pytestmark = pytest.mark.integration


def test_events_over_kafka_become_the_kpis_and_the_report_and_a_replay_changes_nothing(
    reporting_service, kafka_broker
) -> None:  # type: ignore[no-untyped-def]
    activity = generate(seed=8, months=3)
    ensure_topics(kafka_broker, activity.events)
    ids = send(kafka_broker, activity.events)
    admin = token(reporting_service.key, {"province_admin"}, "330000")
    known = {
        node: expected_kpis(activity, node, date(YEAR, 1, 1), date(YEAR, 3, 31))
        for node in ("330000", "330100", "330205")
    }

    def figures(node: str) -> dict[str, tuple[int, int]]:
        answer = reporting_service.call("GET", f"/kpis?node={node}&from=2026-01-01&to=2026-03-31", admin)
        assert answer.status_code == 200, answer.text
        return {k["code"]: (k["numerator"], k["denominator"]) for k in answer.json()["kpis"]}

    wait_for(lambda: figures("330000") == known["330000"], what="every event consumed")
    for node in ("330100", "330205"):
        assert figures(node) == known[node]
    send(kafka_broker, activity.events, ids)  # the same events again (a replay): the inbox absorbs them
    send(kafka_broker, activity.events[:1])  # a new event id for an event already applied: merged, nothing moves
    assert figures("330000") == known["330000"]

    records = reporting_service.call(
        "GET", "/kpis/results_published/records?node=330000&only=missing&from=2026-01-01", admin
    )
    assert records.status_code == 200 and all(not r["counted"] for r in records.json()["records"])

    entries = {"meetings": [{"name": "部署会", "held_on": "2026-03-03"}], "contact": "王五"}
    put = reporting_service.call("PUT", "/reports/330000/2026-03/entries", admin, json=entries)
    assert put.status_code == 200 and put.json()["entries_version"] == 1, put.text
    report = reporting_service.call("GET", "/reports/330000/2026-03", admin).json()
    assert report["entries"]["meetings"] == [{"name": "部署会", "held_on": "2026-03-03"}]
    submitted = reporting_service.call("POST", "/reports/330000/2026-03/submit", admin, json={})
    assert submitted.status_code == 200 and submitted.json()["version"] == 1, submitted.text
    again = reporting_service.call("POST", "/reports/330000/2026-03/submit", admin, json={"reason": "再报"})
    assert again.status_code == 409 and again.json()["code"] == "reporting.nothing_to_submit"
    sheet = reporting_service.call("GET", "/reports/330000/2026-03/report.xlsx?version=1", admin)
    assert sheet.status_code == 200 and sheet.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    cells = load_workbook(io.BytesIO(sheet.content)).active
    assert cells["A2"].value == "单位名称（盖章）：浙江省人力资源和社会保障厅"
    assert cells["C4"].value == "部署会（2026-03-03）"
    s = report["system"]
    assert cells["B14"].value == (
        f"开展的单位数量：{s['units']}个；抽查检查主体数量{s['entities_inspected']}家；抽查结果公示数量{s['results_published']}家。"
    )
    printed = reporting_service.call("GET", "/reports/330000/2026-03/report.pdf?version=1", admin)
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF")
    assert reporting_service.call("GET", "/reports/330000/2026-03/report.pdf?version=2", admin).status_code == 404
    assert set(NODES) >= {n for n in known}


def test_bad_input_is_a_400_naming_the_field_and_other_nodes_are_refused(reporting_service) -> None:  # type: ignore[no-untyped-def]
    county = token(reporting_service.key, {"county_admin"}, "330102")
    cases = {
        "/kpis?node=33010": "node",
        "/kpis?from=2026-13-01": "from",
        "/kpis?from=2026-03-01&to=2026-02-01": "to",
        "/kpis/joint_tasks/records?only=some": "only",
        "/reports/330102/2026-3": "month",
        "/reports/330102/2026-03/report.xlsx?version=0": "version",
    }
    for path, field in cases.items():
        answer = reporting_service.call("GET", path, county)
        assert answer.status_code == 400, (path, answer.text)
        assert answer.json()["errors"][0]["field"] == field
    bad = reporting_service.call(
        "PUT",
        "/reports/330102/2026-03/entries",
        county,
        json={"trainings": [{"name": "x", "participants": 0, "content": "y"}]},
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"].startswith("trainings")
    assert reporting_service.call("GET", "/kpis/speed/records", county).status_code == 404
    assert reporting_service.call("GET", "/kpis?node=330106", county).status_code == 403
    assert reporting_service.call("GET", "/reports/330000/2026-03", county).status_code == 403
    assert reporting_service.call("PUT", "/reports/330100/2026-03/entries", county, json={}).status_code == 403
    assert reporting_service.call("GET", "/kpis").status_code == 401
    assert reporting_service.call("GET", "/openapi.json").status_code == 200
