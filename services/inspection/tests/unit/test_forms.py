"""The prior notice and the record form name the issuing body, carry the document number and the date of issue,
list every item with its methods, and the inspectors with their credential numbers (004 §9.3.2)."""

from __future__ import annotations

import io
from datetime import date
from types import SimpleNamespace

from inspection.adapters.forms import UNSET, Issuer, notice_pdf, record_pdf
from inspection.domain.records import DEFAULT_METHODS
from inspection.domain.visits import Item, Member, Task
from pypdf import PdfReader

TASK = Task(
    "7b0c3c52-3f86-4a2b-9c51-2b1f3e1f0a01",
    "浙人社抽〔2026〕12号",
    "劳动用工专项",
    date(2026, 6, 30),
    True,
    date(2026, 4, 1),
    (Item("wages", 1, "工资支付", ("on_site", "documentary")), Item("contracts", 1, "劳动合同", ("documentary",))),
)
TEAM = [Member("a", "ZJ3301020001", "张三"), Member("b", "ZJ3301020002", "李四")]
ISSUER = Issuer("杭州市上城区人力资源和社会保障局", "上城人社监〔2026〕第7号", date(2026, 12, 6), "0571-86000000")


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "")


def test_the_notice_names_the_issuing_body_its_number_date_items_methods_and_inspectors() -> None:
    pdf = notice_pdf(
        ISSUER,
        "杭州测试1号有限公司",
        "91330102000000001X",
        [TASK],
        TEAM,
        (date(2026, 5, 6), date(2026, 5, 8)),
        ["工资发放记录"],
        "王五 0571-00000000",
        DEFAULT_METHODS,
    )
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
    draft = text_of(record_pdf(Issuer(UNSET, None, None), row, 1, form, [], labels.__getitem__, DEFAULT_METHODS))
    assert "未审核，无编号" in draft and "尚未设置发文机关" in draft
