"""A year of generated activity across a province, two cities and four counties with known answers: every KPI of
every node (the year and each month), the nodes below target, and every platform cell of every node's monthly
report match; replaying every event, in another order, gives the same figures and the same report."""

from __future__ import annotations

import random
from datetime import date

import pytest
from activity import NODES, YEAR, Activity, expected_below_target, expected_kpis, expected_report, generate
from reporting.adapters import form
from reporting.domain import kpis
from reporting.domain.kpis import Period
from reporting.domain.report import Entries, build, month_period
from reporting.service_layer.projecting import project
from reporting_fakes import FakeReportingRepository


@pytest.fixture(scope="module")
def activity() -> Activity:
    return generate(seed=20)


@pytest.fixture(scope="module")
def repo(activity: Activity) -> FakeReportingRepository:
    found = FakeReportingRepository()
    for event in activity.events:
        project(found, event)
    return found


def _periods() -> list[Period]:
    months = [month_period(YEAR, m) for m in range(1, 13)]
    return [Period(date(YEAR, 1, 1), date(YEAR, 12, 31)), *months]


def test_the_generated_year_has_something_of_everything(activity: Activity) -> None:
    assert len(activity.tasks) > 60 and len(activity.inspections) > 100
    assert any(t.cancelled for t in activity.tasks) and any(t.joint for t in activity.tasks)
    assert any(i.confirmed_on is None for i in activity.inspections)
    assert any(i.follow_ups and all(c for _, c in i.follow_ups) for i in activity.inspections)
    assert any(t.published_on.day == 1 for t in activity.tasks)  # published at 07:00 CST on a 1st (UTC: the day before)


def test_every_kpi_of_every_node_and_period_matches_the_known_answer(
    activity: Activity, repo: FakeReportingRepository
) -> None:
    checked = 0
    for node in NODES:
        facts = repo.facts(node)
        for period in _periods():
            known = expected_kpis(activity, node, period.start, period.end)
            found = {k.code: (k.numerator, k.denominator) for k in kpis.all_kpis(facts, node, period)}
            assert found == known, (node, period)
            checked += 1
    assert checked == len(NODES) * 13


def test_the_province_counts_what_its_cities_and_counties_count(repo: FakeReportingRepository) -> None:
    year = _periods()[0]
    province = {k.code: k for k in kpis.all_kpis(repo.facts("330000"), "330000", year)}
    cities = [{k.code: k for k in kpis.all_kpis(repo.facts(c), c, year)} for c in ("330100", "330200")]
    own = {k.code: k for k in kpis.all_kpis(repo.facts("330000"), "330000", year)}
    for code in ("joint_entities", "credit_differentiated", "results_published", "follow_up"):
        # inspections happen at counties only: the province's figures are the sum of its two cities'
        assert province[code].denominator == sum(c[code].denominator for c in cities)
    assert own["joint_tasks"].denominator >= sum(c["joint_tasks"].denominator for c in cities)


def test_the_nodes_below_target_are_those_known(activity: Activity, repo: FakeReportingRepository) -> None:
    for period in _periods()[:4]:
        known = expected_below_target(activity, "330000", period.start, period.end)
        found = kpis.below_target(repo.facts("330000"), "330000", period)
        assert {f["node"]: {m["code"] for m in f["missed"]} for f in found} == known


def test_every_platform_cell_of_every_monthly_report_matches(activity: Activity, repo: FakeReportingRepository) -> None:
    for node in NODES:
        facts = repo.facts(node)
        for month in range(1, 13):
            known = expected_report(activity, node, month)
            report = build(facts, node, node, YEAR, month, Entries(), None, "公示网站").as_json()
            assert [
                {k: t[k] for k in ("number", "picks", "eligible", "major_items", "minor_items", "results_published")}
                for t in report["own_tasks"]
            ] == known["own"], (node, month)
            assert report["system"] == {
                "units": known["units"],
                "entities_inspected": known["entities_inspected"],
                "results_published": known["results_published"],
            }
            assert form.system_wide(report) == (
                f"开展的单位数量：{known['units']}个；抽查检查主体数量{known['entities_inspected']}家；"
                f"抽查结果公示数量{known['results_published']}家。"
            )
            if known["own"]:
                major = sum(t["major_items"] for t in known["own"])
                minor = sum(t["minor_items"] for t in known["own"])
                assert form.task_items(report) == f"{major}大项，{minor}小项"


def test_replaying_every_event_in_another_order_gives_the_same_figures_and_report(
    activity: Activity, repo: FakeReportingRepository
) -> None:
    replayed = FakeReportingRepository()
    events = list(activity.events)
    random.Random(7).shuffle(events)
    for event in events + activity.events:  # out of order, then everything again
        project(replayed, event)
    for node in NODES:
        for period in _periods():
            first = [k.summary() for k in kpis.all_kpis(repo.facts(node), node, period)]
            again = [k.summary() for k in kpis.all_kpis(replayed.facts(node), node, period)]
            assert first == again
        for month in (1, 6, 12):
            assert (
                build(repo.facts(node), node, node, YEAR, month, Entries(), None, "s").as_json()
                == build(replayed.facts(node), node, node, YEAR, month, Entries(), None, "s").as_json()
            )


def test_a_task_published_at_07_00_cst_on_the_1st_counts_in_that_month_not_the_one_before(
    activity: Activity, repo: FakeReportingRepository
) -> None:
    early = next(t for t in activity.tasks if t.published_on.day == 1 and t.published_on.month > 1 and not t.cancelled)
    kept = repo.facts(early.node).tasks[early.task_id]
    assert kept.published_on == early.published_on
    month = build(repo.facts(early.node), early.node, early.node, YEAR, early.published_on.month, Entries(), None, "s")
    before = build(
        repo.facts(early.node), early.node, early.node, YEAR, early.published_on.month - 1, Entries(), None, "s"
    )
    assert early.task_id in [t.task_id for t in month.own_tasks]
    assert early.task_id not in [t.task_id for t in before.own_tasks]
