"""The cells of 003's monthly report form, from a report as JSON (a draft, or a version as submitted): the one
layout the XLSX and the PDF print. Each row: (label number, label, value), grouped under the form's two headings."""

from __future__ import annotations

from typing import Any

LEVEL = {"province": "省", "city": "市", "county": "县"}


def level_word(node: str) -> str:
    if node.endswith("0000"):
        return LEVEL["province"]
    return LEVEL["city"] if node.endswith("00") else LEVEL["county"]


def _lines(items: list[str]) -> str:
    return "\n".join(items) if items else "无"


def meetings(report: dict[str, Any]) -> str:
    return _lines([f"{m['name']}（{m['held_on']}）" for m in report["entries"]["meetings"]])


def documents(report: dict[str, Any]) -> str:
    return _lines([f"{d['title']}（{d['number']}）" for d in report["entries"]["documents"]])


def trainings(report: dict[str, Any]) -> str:
    return _lines([f"{t['name']}，{t['participants']}人，{t['content']}" for t in report["entries"]["trainings"]])


def task_documents(report: dict[str, Any]) -> str:
    return _lines([f"{t['number'] or '（无文号）'} {t['title']}" for t in report["own_tasks"]])


def task_scope(report: dict[str, Any]) -> str:
    return _lines([f"{t['scope']}；{t['picks']}户；{t['ratio']}" for t in report["own_tasks"]])


def task_items(report: dict[str, Any]) -> str:
    tasks = report["own_tasks"]
    if not tasks:
        return "无"
    major = sum(t["major_items"] for t in tasks)
    minor = sum(t["minor_items"] for t in tasks)
    return f"{major}大项，{minor}小项"


def task_publication(report: dict[str, Any]) -> str:
    tasks = report["own_tasks"]
    if not tasks:
        return "无"
    return f"{report['publication_site']}，公示{sum(t['results_published'] for t in tasks)}条"


def system_wide(report: dict[str, Any]) -> str:
    s = report["system"]
    return (
        f"开展的单位数量：{s['units']}个；抽查检查主体数量{s['entities_inspected']}家；"
        f"抽查结果公示数量{s['results_published']}家。"
    )


def filled_on(report: dict[str, Any]) -> str:
    day = report.get("filled_on")
    if not day:
        return "填表时间：____年__月__日"
    y, m, d = day.split("-")
    return f"填表时间：{y}年{int(m)}月{int(d)}日"


def title_month(report: dict[str, Any]) -> str:
    y, m = report["month"].split("-")
    return f"（{y}年{int(m)}月）"
