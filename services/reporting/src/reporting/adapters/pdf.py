"""The monthly report as PDF, the same rows as the XLSX (adapters/form.py) in a bordered table on A4.

reportlab's built-in CID font STSong-Light prints Chinese without embedding a font file (as inspection's notices
do); `invariant=1` makes the same report give the same bytes."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from reporting.adapters import form
from reporting.domain.report import FORM_TITLE

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _p(text: object, size: int = 10, align: int = 0) -> Paragraph:
    style = ParagraphStyle("cell", fontName=_font(), fontSize=size, leading=size * 1.4, alignment=align, wordWrap="CJK")
    escaped = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")
    return Paragraph(escaped, style)


def render(report: dict[str, Any]) -> bytes:
    """The PDF file's bytes."""
    level = form.level_word(report["node"])
    entries = report["entries"]
    rows = [
        [_p('一、"双随机、一公开"监管工作安排部署情况'), "", "", ""],
        [
            _p(1, align=1),
            _p("本月召开会议部署随机抽查工作情况（注明召开会议的名称及时间）"),
            _p(form.meetings(report)),
            "",
        ],
        [_p(2, align=1), _p("本月印发双随机工作文件情况（注明文件名称及文号）"), _p(form.documents(report)), ""],
        [
            _p(3, align=1),
            _p("本月组织随机抽查业务培训情况（培训班名称、培训人员数量及内容）"),
            _p(form.trainings(report)),
            "",
        ],
        [_p('二、"双随机、一公开"监管工作开展情况'), "", "", ""],
        [_p(4, align=1), _p(f"本月按年度随机抽查工作计划{level}本级开展随机抽查情况"), "", ""],
        ["", _p("本月组织随机抽查的文件"), _p(form.task_documents(report)), ""],
        ["", _p("随机抽查抽查对象范围、数量、抽查比例"), _p(form.task_scope(report)), ""],
        ["", _p("随机抽查的检查事项（多少大项、多少小项）"), _p(form.task_items(report)), ""],
        ["", _p("随机抽查结果公示情况（注明抽查结果公示的网站及公示数量）"), _p(form.task_publication(report)), ""],
        [_p(5, align=1), _p(f"全{level}本系统开展随机抽查情况"), "", ""],
        ["", _p(form.system_wide(report)), "", ""],
    ]
    spans = [
        ("SPAN", (0, 0), (3, 0)),
        ("SPAN", (0, 4), (3, 4)),
        ("SPAN", (0, 5), (0, 9)),
        ("SPAN", (1, 5), (3, 5)),
        ("SPAN", (0, 10), (0, 11)),
        ("SPAN", (1, 10), (3, 10)),
        ("SPAN", (1, 11), (3, 11)),
        *[("SPAN", (2, r), (3, r)) for r in (1, 2, 3, 6, 7, 8, 9)],
    ]
    table = Table(rows, colWidths=[12 * mm, 62 * mm, 50 * mm, 50 * mm])
    table.setStyle(
        TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), *spans])
    )
    head = Table(
        [[_p(f"单位名称（盖章）：{report['node_name']}"), _p(form.filled_on(report), align=2)]],
        colWidths=[87 * mm, 87 * mm],
    )
    contact = Table(
        [
            [
                _p(f"联系人：{entries.get('contact', '')}"),
                _p(f"联系电话：{entries.get('phone', '')}"),
                _p(f"手机：{entries.get('mobile', '')}"),
            ]
        ],
        colWidths=[58 * mm, 58 * mm, 58 * mm],
    )
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=FORM_TITLE,
        invariant=1,
    )
    title = _p(FORM_TITLE + form.title_month(report), size=15, align=1)
    document.build([title, Spacer(1, 6 * mm), head, Spacer(1, 2 * mm), table, Spacer(1, 4 * mm), contact])
    return out.getvalue()
