"""The two documents a person receives or signs, after the procedure of 004 §9.3.2: the prior notice
(事先告知: the time, what to prepare, who comes, 9.3.2.2) and the inspection record form (检查记录表: every item
with its method and result, the inspectors present with their credentials, the entity's signature or the
team's note of refusal, 9.3.2.3–9.3.2.4). Both name the issuing body, carry its document number and the date
of issue, and end with the body's seal line."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from inspection.adapters.documents import Line, cn_date, render
from inspection.domain import visits as rules
from inspection.domain.documents import UNSET, Issuer
from inspection.domain.visits import Item, Member, Task

NOTICE_TITLE = "“双随机、一公开”抽查检查告知书"
RECORD_TITLE = "“双随机、一公开”抽查检查记录表"


def _methods(codes: Sequence[str], labels: Mapping[str, str]) -> str:
    return "、".join(labels.get(m, m) for m in codes) or "—"


# a numbered point after the first: "1. …；2. …" (the seeds' 检查内容 number their points so)
_NEXT_POINT = re.compile(r"(?<=[；;。])\s*(?=\d+\s*[.、．](?!\d))")


def _points(item: Item) -> list[Line]:
    """The item's inspection points (检查要点), one line each when numbered, and its legal basis (检查依据);
    nothing for an item dispatched without them (and a record printed before them prints the same bytes)."""
    lines = []
    points = [p.strip() for p in _NEXT_POINT.split(item.content.strip()) if p.strip()]
    if len(points) == 1:
        lines.append(Line(f"检查要点：{points[0]}", indent=32))
    elif points:
        lines.append(Line("检查要点：", indent=32))
        lines += [Line(point, indent=48) for point in points]
    if item.legal_basis.strip():
        lines.append(Line(f"检查依据：{item.legal_basis.strip()}", indent=32))
    return lines


def _task(task: Task) -> str:
    return f"{task.title}（{task.number}）" if task.number else task.title


def _seal(issuer: Issuer) -> list[Line]:
    return [
        Line(""),
        Line(f"{issuer.body}（盖章）", 12, indent=16, align="right"),
        Line(cn_date(issuer.issued_on) if issuer.issued_on else "（未签发）", 12, indent=16, align="right"),
    ]


def notice_pdf(
    issuer: Issuer,
    entity_name: str,
    uscc: str,
    tasks: list[Task],
    team: list[Member],
    window: tuple[date, date],
    materials: list[str],
    contact: str,
    methods: Mapping[str, str],
) -> bytes:
    """The prior notice (检查告知书) of a visit."""
    start, end = window
    lines = [
        Line(issuer.number or "（草稿，无文号）", 11, align="right"),
        Line(f"{entity_name}（统一社会信用代码：{uscc}）："),
        Line(
            f"根据“双随机、一公开”抽查工作安排，你单位被随机抽取为检查对象。{issuer.body}定于"
            f"{cn_date(start)}至{cn_date(end)}期间对你单位进行检查，现将有关事项告知如下："
        ),
        Line("一、抽查任务", 12),
    ]
    lines += [Line(f"{n}. {_task(t)}", indent=16) for n, t in enumerate(tasks, 1)]
    lines.append(Line("二、检查事项、检查要点及检查方式", 12))
    for n, (_, item) in enumerate(rules.checklist(tasks), 1):
        lines.append(Line(f"{n}. {item.name}", indent=16))
        lines += _points(item)
        lines.append(Line(f"检查方式：{_methods(item.methods, methods)}", indent=32))
    lines.append(Line("三、请提前准备以下材料，检查时提供", 12))
    lines += [Line(f"{n}. {m}", indent=16) for n, m in enumerate(materials, 1)]
    lines.append(Line("四、检查人员（不少于两人，检查时出示执法证件）", 12))
    lines += [Line(f"{m.name or '检查人员'}  执法证号：{m.credential_no}", indent=16) for m in team]
    lines.append(Line("五、联系方式", 12))
    lines.append(Line(f"联系人：{contact}", indent=16))
    if issuer.contact_phone:
        lines.append(Line(f"{issuer.body}电话：{issuer.contact_phone}", indent=16))
    lines.append(Line("请你单位予以配合。拒绝、阻碍检查，情节严重致使无法开展实质性检查的，将依法处理并向社会公示。"))
    lines += _seal(issuer)
    return render(NOTICE_TITLE, lines, heading=issuer.body)


def record_pdf(
    issuer: Issuer,
    row: Any,
    version: int,
    form: Mapping[str, Any],
    inspectors: Sequence[Mapping[str, Any]],
    label: Callable[[str], str],
    methods: Mapping[str, str],
) -> bytes:
    """The inspection record form (检查记录表) of one result version; row: the visit as stored."""
    tasks = [Task.from_dict(t) for t in row.tasks]
    names = {(t.task_id, i.item_id): (t, i) for t, i in rules.checklist(tasks)}
    lines = [
        Line(f"编号：{issuer.number}" if issuer.number else "（未审核，无编号）", 11, align="right"),
        Line(f"检查对象：{row.entity_name}"),
        Line(f"统一社会信用代码：{row.uscc}    行政区划：{row.region_code}"),
        Line(f"检查日期：{cn_date(date.fromisoformat(form['inspected_on']))}    第 {version} 版"),
        Line(f"检查方式：{_methods(form['methods'], methods)}"),
        Line("抽查任务：" + "；".join(_task(t) for t in tasks)),
        Line("检查事项、检查要点与结果", 12),
    ]
    for n, line in enumerate(form["items"], 1):
        task, item = names[(line["task_id"], line["item_id"])]
        lines.append(Line(f"{n}. {item.name}（{task.title}）：{label(line['category'])}", indent=16))
        lines += _points(item)
        lines.append(Line(f"检查方式：{_methods(line['methods'], methods)}", indent=32))
        lines.append(Line(f"检查情况：{line['findings'] or '—'}", indent=32))
    lines.append(Line(f"总体检查结果：{label(form['overall'])}", 12))
    lines.append(Line("现场检查人员（已出示执法证件）签名", 12))
    lines += [
        Line(f"{m['name'] or '检查人员'}  执法证号：{m['credential_no']}    签名：________", indent=16)
        for m in inspectors
    ]
    if form["entity_signed"]:
        lines.append(Line("检查对象签字（盖章）：已签字盖章", 12))
    else:
        lines.append(Line("检查对象拒绝签字盖章。检查组全体成员说明：", 12))
        lines.append(Line(str(form["refusal_note"]), indent=16))
    if form.get("remarks"):
        lines.append(Line(f"备注：{form['remarks']}"))
    lines += _seal(issuer)
    return render(RECORD_TITLE, lines, heading=issuer.body)


class FormPrinter:
    """The documents printed with reportlab, as the use cases are given them (`Components.printer`)."""

    notice_pdf = staticmethod(notice_pdf)
    record_pdf = staticmethod(record_pdf)


__all__ = ["NOTICE_TITLE", "RECORD_TITLE", "UNSET", "FormPrinter", "Issuer", "notice_pdf", "record_pdf"]
