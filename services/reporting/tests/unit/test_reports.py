"""The use cases over the fakes: the KPIs with their records, the report's entries in versions, submission upward
(immutable; a correction is a new version with a reason), and who may read and write what."""

from __future__ import annotations

from datetime import date

import pytest
from activity import generate
from reporting.domain.errors import CorrectionNeedsReason, NothingToSubmit, ReportVersionNotFound, UnknownKpi
from reporting.domain.kpis import Period
from reporting.domain.report import Document, Entries, Meeting, Training
from reporting.service_layer import reporting
from reporting_harness import Reports, staff

from hrss.auth import Role
from hrss.auth.errors import AccessDenied

YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))
ENTRIES = Entries(
    meetings=(Meeting("全市双随机工作部署会", date(2026, 3, 5)),),
    documents=(Document("关于印发年度抽查计划的通知", "杭人社发〔2026〕12号"),),
    trainings=(Training("执法人员业务培训班", 45, "抽查流程与文书"),),
    contact="张三",
    phone="0571-1234567",
)


@pytest.fixture
def reports() -> Reports:
    found = Reports()
    found.receive(*generate(seed=3, months=4).events)
    return found


def test_a_kpis_records_are_those_behind_its_numerator_and_denominator(reports: Reports) -> None:
    admin = staff({Role.PROVINCE_ADMIN}, "330000")
    for code in ("joint_tasks", "results_published", "follow_up", "ratio"):
        whole = reports.run(admin, lambda ctx, c=code: reporting.kpi_records(ctx, c, "330000", YEAR, None))
        missing = reports.run(admin, lambda ctx, c=code: reporting.kpi_records(ctx, c, "330000", YEAR, "missing"))
        counted = [r for r in whole["records"] if r["counted"]]
        if code == "ratio":  # a record per draw: picks over eligible
            assert sum(r["picks"] for r in whole["records"]) == whole["numerator"]
            assert sum(r["eligible"] for r in whole["records"]) == whole["denominator"]
        else:
            assert len(whole["records"]) == whole["denominator"] and len(counted) == whole["numerator"]
        assert all(not r["counted"] for r in missing["records"])
        assert len(missing["records"]) == len(whole["records"]) - len(counted)


def test_an_unpublished_result_is_listed_with_its_missed_deadline(reports: Reports) -> None:
    admin = staff({Role.PROVINCE_ADMIN}, "330000")
    missing = reports.run(admin, lambda ctx: reporting.kpi_records(ctx, "results_published", "330000", YEAR, "missing"))
    assert missing["records"] and all(r["deadline_missed"] for r in missing["records"])


def test_an_unknown_kpi_is_refused_by_name(reports: Reports) -> None:
    admin = staff({Role.PROVINCE_ADMIN}, "330000")
    with pytest.raises(UnknownKpi) as refused:
        reports.run(admin, lambda ctx: reporting.kpi_records(ctx, "speed", "330000", YEAR, None))
    assert refused.value.status == 404 and "speed" in refused.value.message


def test_a_county_cannot_read_its_sibling_or_the_province(reports: Reports) -> None:
    county = staff({Role.COUNTY_ADMIN}, "330102")
    reports.run(county, lambda ctx: reporting.kpi_summaries(ctx, "330102", YEAR))
    for other in ("330106", "330100", "330000"):
        with pytest.raises(AccessDenied):
            reports.run(county, lambda ctx, o=other: reporting.kpi_summaries(ctx, o, YEAR))


def test_an_inspector_cannot_enter_a_report(reports: Reports) -> None:
    with pytest.raises(AccessDenied):
        reports.run(staff({Role.INSPECTOR}, "330100"), lambda ctx: reporting.enter(ctx, "330100", 2026, 3, ENTRIES))


def test_entries_are_kept_in_versions_and_appear_in_the_report(reports: Reports) -> None:
    admin = staff({Role.CITY_ADMIN}, "330100")
    first = reports.run(admin, lambda ctx: reporting.enter(ctx, "330100", 2026, 3, Entries(contact="李四")))
    second = reports.run(admin, lambda ctx: reporting.enter(ctx, "330100", 2026, 3, ENTRIES))
    assert (first["entries_version"], second["entries_version"]) == (1, 2)
    report = reports.run(admin, lambda ctx: reporting.draft(ctx, "330100", 2026, 3)).as_json()
    assert report["entries_version"] == 2 and report["entries"]["meetings"][0]["name"] == "全市双随机工作部署会"
    assert [a.action for a in reports.audited] == ["report.enter", "report.enter"]
    assert len(reports.repo.entry_versions[("330100", "2026-03")]) == 2  # version 1 still there


def test_a_submitted_report_is_frozen_and_a_correction_is_a_new_version_with_a_reason(reports: Reports) -> None:
    admin = staff({Role.CITY_ADMIN}, "330100")
    reports.run(admin, lambda ctx: reporting.enter(ctx, "330100", 2026, 3, ENTRIES))
    one = reports.run(admin, lambda ctx: reporting.submit(ctx, "330100", 2026, 3, None))
    assert one["version"] == 1
    with pytest.raises(NothingToSubmit):
        reports.run(admin, lambda ctx: reporting.submit(ctx, "330100", 2026, 3, "再报一次"))
    corrected = Entries(meetings=ENTRIES.meetings, documents=ENTRIES.documents, trainings=(), contact="张三")
    reports.run(admin, lambda ctx: reporting.enter(ctx, "330100", 2026, 3, corrected))
    with pytest.raises(CorrectionNeedsReason):
        reports.run(admin, lambda ctx: reporting.submit(ctx, "330100", 2026, 3, "  "))
    two = reports.run(admin, lambda ctx: reporting.submit(ctx, "330100", 2026, 3, "培训情况填错，更正"))
    assert two["version"] == 2 and two["report_sha256"] != one["report_sha256"]
    kept_one = reports.run(admin, lambda ctx: reporting.submitted(ctx, "330100", 2026, 3, 1))
    assert kept_one["report"]["entries"]["trainings"][0]["participants"] == 45  # version 1 as it was sent
    latest = reports.run(admin, lambda ctx: reporting.submitted(ctx, "330100", 2026, 3, None))
    assert latest["version"] == 2 and latest["report"]["entries"]["trainings"] == []
    listed = reports.run(admin, lambda ctx: reporting.versions(ctx, "330100", 2026, 3))
    assert [v["version"] for v in listed["versions"]] == [1, 2] and listed["versions"][1][
        "reason"
    ] == "培训情况填错，更正"
    with pytest.raises(ReportVersionNotFound):
        reports.run(admin, lambda ctx: reporting.submitted(ctx, "330100", 2026, 3, 3))
    submits = [a for a in reports.audited if a.action == "report.submit"]
    assert [(a.object_version, a.after_hash) for a in submits] == [(1, one["report_sha256"]), (2, two["report_sha256"])]


def test_the_submitted_cells_do_not_move_when_later_events_arrive(reports: Reports) -> None:
    admin = staff({Role.PROVINCE_ADMIN}, "330000")
    reports.run(admin, lambda ctx: reporting.submit(ctx, "330000", 2026, 2, None))
    before = reports.run(admin, lambda ctx: reporting.submitted(ctx, "330000", 2026, 2, 1))["report"]
    reports.receive(*generate(seed=4, months=2).events)  # more activity in February, read after submission
    after = reports.run(admin, lambda ctx: reporting.submitted(ctx, "330000", 2026, 2, 1))["report"]
    draft = reports.run(admin, lambda ctx: reporting.draft(ctx, "330000", 2026, 2)).as_json()
    assert after == before and draft["system"] != before["system"]


def test_the_province_lists_its_cities_and_counties_below_target(reports: Reports) -> None:
    admin = staff({Role.PROVINCE_ADMIN}, "330000")
    found = reports.run(admin, lambda ctx: reporting.nodes_below_target(ctx, "330000", YEAR))
    nodes = [f["node"] for f in found["below_target"]]
    assert nodes and set(nodes) <= {"330100", "330200", "330102", "330106", "330203", "330205"}
    assert all(m["met"] is False for f in found["below_target"] for m in f["missed"])
