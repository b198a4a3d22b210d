"""The prior notice and the record form name the issuing body, carry the document number and the date of issue,
list every item with its inspection points, legal basis and methods, and the inspectors with their credential
numbers (004 §9.3.2)."""

from __future__ import annotations

import io
import uuid
from datetime import date
from types import SimpleNamespace

from inspection.adapters.forms import UNSET, Issuer, notice_pdf, record_pdf
from inspection.domain.records import DEFAULT_METHODS
from inspection.domain.visits import Item, Member, Task
from inspection.service_layer.visits import task_from
from pypdf import PdfReader

from hrss.contracts.events.draw import ItemPart, TaskPart

WAGE_POINTS = (
    "1. 用人单位按照劳动合同约定和国家规定以货币形式按时足额支付劳动者工资情况；"
    "2. 用人单位支付劳动者的工资不低于当地最低工资标准情况；"
    "3. 用人单位依法支付劳动者加班加点工资情况，包括休息日安排工作又不能安排补休的、法定休假日安排工作的，"
    "以及延长工作时间的工资报酬的计算基数、计算标准和实际支付记录是否完整保存两年以上备查。"
)
WAGE_BASIS = "《劳动保障监察条例》第十一条第五项；《工资支付暂行规定》第五条、第七条、第十三条"
TASK = Task(
    "7b0c3c52-3f86-4a2b-9c51-2b1f3e1f0a01",
    "浙人社抽〔2026〕12号",
    "劳动用工专项",
    date(2026, 6, 30),
    True,
    date(2026, 4, 1),
    (
        Item("wages", 1, "工资支付", ("on_site", "documentary"), WAGE_POINTS, WAGE_BASIS),
        Item("contracts", 1, "劳动合同", ("documentary",)),
    ),
)
TEAM = [Member("a", "ZJ3301020001", "张三"), Member("b", "ZJ3301020002", "李四")]
ISSUER = Issuer("杭州市上城区人力资源和社会保障局", "上城人社监〔2026〕第7号", date(2026, 12, 6), "0571-86000000")


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "")


def notice(tasks: list[Task]) -> bytes:
    return notice_pdf(
        ISSUER,
        "杭州测试1号有限公司",
        "91330102000000001X",
        tasks,
        TEAM,
        (date(2026, 5, 6), date(2026, 5, 8)),
        ["工资发放记录"],
        "王五 0571-00000000",
        DEFAULT_METHODS,
    )


def lines_of(pdf: bytes) -> list[str]:
    return [
        line.replace(" ", "") for page in PdfReader(io.BytesIO(pdf)).pages for line in page.extract_text().split("\n")
    ]


def assert_wage_points_under_their_item_only(pdf: bytes, heading: str) -> None:
    """Each numbered point of the wage item starts a line of its own after the item's heading, the basis follows;
    the contracts item, dispatched without points, gets no point or basis line."""
    printed, lines = text_of(pdf).replace("\n", ""), lines_of(pdf)
    for text in (WAGE_POINTS, WAGE_BASIS):
        assert text.replace(" ", "") in printed, text
    start = next(n for n, line in enumerate(lines) if line.startswith(heading))
    point_lines = [n for n, line in enumerate(lines) if line[:2] in ("1.", "2.", "3.") and "用人单位" in line]
    assert len(point_lines) == 3 and all(n > start for n in point_lines), lines
    assert lines[start + 1] == "检查要点：" and lines[point_lines[0]] == lines[start + 2]
    assert printed.count("检查要点：") == 1 and printed.count("检查依据：") == 1
    basis = printed.index("检查依据：")
    assert printed.index("劳动合同", basis) > basis  # the contracts item comes after the wage item's basis


def test_the_notice_names_the_issuing_body_its_number_date_items_methods_and_inspectors() -> None:
    pdf = notice([TASK])
    printed = text_of(pdf)
    for expected in (
        "杭州市上城区人力资源和社会保障局",
        "上城人社监〔2026〕第7号",
        "2026年12月6日",
        "劳动用工专项（浙人社抽〔2026〕12号）",
        "工资支付",
        "实地核查、书面审查",
        "张三执法证号：ZJ3301020001",
        "李四执法证号：ZJ3301020002",
        "0571-86000000",
        "2026年5月6日至2026年5月8日",
    ):
        assert expected in printed, expected
    assert "本机关" not in printed


def test_the_notice_lists_each_items_inspection_points_and_basis_under_it() -> None:
    assert_wage_points_under_their_item_only(notice([TASK]), "1.工资支付")


def test_a_dispatched_items_points_reach_the_notice_and_an_item_without_them_prints_nothing_extra() -> None:
    part = TaskPart(
        task_id=uuid.UUID(TASK.task_id),
        number=TASK.number,
        title=TASK.title,
        items=["wages", "contracts"],
        end=TASK.end,
        prior_notice=True,
        item_details=[
            ItemPart(
                item_id="wages", item_version=1, name="工资支付", methods=["on_site"], content="1. 工资；2. 加班费。"
            ),
            ItemPart(item_id="contracts", item_version=1, name="劳动合同", methods=["documentary"]),
        ],
    )
    task = task_from(part)
    assert Task.from_dict(task.to_dict()) == task and "content" not in task.to_dict()["items"][1]
    printed = text_of(notice([task])).replace("\n", "")
    assert "检查要点：1.工资2.加班费" in printed.replace("；", "").replace("。", "") and "检查依据：" not in printed
    bare = Task(TASK.task_id, TASK.number, TASK.title, TASK.end, True, None, (Item("contracts", 1, "劳动合同"),))
    assert "检查要点：" not in text_of(notice([bare]))


def test_the_record_form_is_numbered_dated_and_signed_by_each_inspector_present() -> None:
    row = SimpleNamespace(
        tasks=[TASK.to_dict()], entity_name="杭州测试1号有限公司", uscc="91330102000000001X", region_code="330102"
    )
    form = {
        "inspected_on": "2026-05-06",
        "methods": ["on_site"],
        "items": [
            {
                "task_id": TASK.task_id,
                "item_id": "wages",
                "category": "no_problem",
                "methods": ["on_site"],
                "findings": "",
            },
            {
                "task_id": TASK.task_id,
                "item_id": "contracts",
                "category": "corrected",
                "methods": ["documentary"],
                "findings": "两名职工未签订书面劳动合同",
            },
        ],
        "overall": "corrected",
        "entity_signed": False,
        "refusal_note": "负责人拒绝签字，检查组二人签字说明",
    }
    labels = {"no_problem": "未发现问题", "corrected": "发现问题已责令改正"}
    pdf = record_pdf(ISSUER, row, 1, form, [m.to_dict() for m in TEAM], labels.__getitem__, DEFAULT_METHODS)
    printed = text_of(pdf)
    for expected in (
        "杭州市上城区人力资源和社会保障局",
        "编号：上城人社监〔2026〕第7号",
        "2026年12月6日",
        "工资支付（劳动用工专项）：未发现问题",
        "两名职工未签订书面劳动合同",
        "张三执法证号：ZJ3301020001",
        "检查组全体成员说明",
        "负责人拒绝签字",
    ):
        assert expected in printed, expected
    assert_wage_points_under_their_item_only(pdf, "1.工资支付（劳动用工专项）")
    draft = text_of(record_pdf(Issuer(UNSET, None, None), row, 1, form, [], labels.__getitem__, DEFAULT_METHODS))
    assert "未审核，无编号" in draft and "尚未设置发文机关" in draft
