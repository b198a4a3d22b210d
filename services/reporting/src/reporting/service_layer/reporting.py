"""The use cases: the KPIs of a node's subtree with their records and the nodes below target; the monthly report
(a draft from the facts and the node's latest entries, or a version as submitted); entering and submitting it."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hrss.auth import Action
from reporting.domain import kpis
from reporting.domain.errors import CorrectionNeedsReason, NothingToSubmit, ReportVersionNotFound, UnknownKpi
from reporting.domain.facts import china_date
from reporting.domain.kpis import Period
from reporting.domain.report import Entries, MonthlyReport, build
from reporting.service_layer.context import READERS, Context


def _read(ctx: Context, node: str) -> None:
    ctx.authorize(node, READERS, Action.READ)


def kpi_summaries(ctx: Context, node: str, period: Period) -> dict[str, Any]:
    """Every KPI of `node`'s subtree over the period against 003's targets."""
    _read(ctx, node)
    found = kpis.all_kpis(ctx.repo.facts(node), node, period)
    return {
        "node": node,
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "kpis": [k.summary() for k in found],
    }


def kpi_records(ctx: Context, code: str, node: str, period: Period, only: str | None) -> dict[str, Any]:
    """One KPI with the records behind it; `only`="counted" or "missing" narrows them."""
    if code not in kpis.KPIS:
        raise UnknownKpi(kpi=code[:40], known="、".join(kpis.KPIS))
    _read(ctx, node)
    kpi = kpis.KPIS[code](ctx.repo.facts(node), node, period)
    records = kpi.records
    if only is not None:
        records = [r for r in records if bool(r["counted"]) is (only == "counted")]
    return {**kpi.summary(), "node": node, "records": records}


def nodes_below_target(ctx: Context, node: str, period: Period) -> dict[str, Any]:
    """The cities and counties under `node` that miss a target over the period, with what they miss."""
    _read(ctx, node)
    return {"node": node, "below_target": kpis.below_target(ctx.repo.facts(node), node, period)}


def _month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def draft(ctx: Context, node: str, year: int, month: int) -> MonthlyReport:
    """The report as it stands: the facts now and the node's latest entries (not yet submitted)."""
    _read(ctx, node)
    return _draft(ctx, node, year, month)


def _draft(ctx: Context, node: str, year: int, month: int) -> MonthlyReport:
    kept = ctx.repo.entries(node, _month(year, month))
    entries, version = (Entries(), None) if kept is None else (Entries.from_json(kept[1]), kept[0])
    return build(
        ctx.repo.facts(node),
        node,
        ctx.components.node_names.get(node, node),
        year,
        month,
        entries,
        version,
        ctx.components.publication_site,
        china_date(ctx.components.clock()),
    )


def enter(ctx: Context, node: str, year: int, month: int, entries: Entries) -> dict[str, Any]:
    """A new version of the node's meetings, documents, trainings and contact lines for the month."""
    role = ctx.authorize(node)
    version = ctx.repo.add_entries(
        node, _month(year, month), entries.as_json(), ctx.principal.account_id, ctx.components.clock()
    )
    ctx.audit(
        role=role,
        action="report.enter",
        object_type="report",
        object_id=f"{node}:{_month(year, month)}",
        node=node,
        version=version,
    )
    return {"node": node, "month": _month(year, month), "entries_version": version}


def _sha256(report: dict[str, Any]) -> str:
    canonical = json.dumps(report, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def submit(ctx: Context, node: str, year: int, month: int, reason: str | None) -> dict[str, Any]:
    """Freeze the report as it stands and send it upward: version 1, or a correction (version n+1, with a reason,
    only if something changed). Submitted versions are never changed."""
    role = ctx.authorize(node)
    month_key = _month(year, month)
    report = _draft(ctx, node, year, month).as_json()
    digest = _sha256({k: v for k, v in report.items() if k != "filled_on"})
    earlier = ctx.repo.submissions(node, month_key)
    if earlier:
        last = earlier[-1]
        if last["report_sha256"] == digest:
            raise NothingToSubmit(node=node, month=month_key, version=last["version"])
        if not (reason or "").strip():
            raise CorrectionNeedsReason(version=last["version"])
    record = {
        "entries_version": report["entries_version"],
        "report": report,
        "report_sha256": digest,
        "reason": reason,
        "submitted_by": ctx.principal.account_id,
        "submitted_at": ctx.components.clock(),
    }
    version = ctx.repo.add_submission(node, month_key, record)
    ctx.audit(
        role=role,
        action="report.submit",
        object_type="report",
        object_id=f"{node}:{month_key}",
        node=node,
        version=version,
        reason=reason,
        after_hash=digest,
    )
    return {"node": node, "month": month_key, "version": version, "report_sha256": digest}


def submitted(ctx: Context, node: str, year: int, month: int, version: int | None) -> dict[str, Any]:
    """A submitted version as it was sent (the latest without `version`)."""
    _read(ctx, node)
    month_key = _month(year, month)
    found = ctx.repo.submissions(node, month_key)
    chosen = [s for s in found if version is None or s["version"] == version]
    if not chosen:
        raise ReportVersionNotFound(node=node, month=month_key, version=version or 1)
    s = chosen[-1]
    return {
        "version": s["version"],
        "report_sha256": s["report_sha256"],
        "reason": s["reason"],
        "submitted_by": s["submitted_by"],
        "submitted_at": s["submitted_at"].isoformat(),
        "report": s["report"],
    }


def versions(ctx: Context, node: str, year: int, month: int) -> dict[str, Any]:
    """Every submitted version of the node's report for the month (without the cells)."""
    _read(ctx, node)
    found = ctx.repo.submissions(node, _month(year, month))
    keys = ("version", "entries_version", "report_sha256", "reason", "submitted_by")
    return {"versions": [{**{k: s[k] for k in keys}, "submitted_at": s["submitted_at"].isoformat()} for s in found]}
