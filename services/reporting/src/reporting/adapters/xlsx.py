"""The monthly report as XLSX in 003's form (the format offices exchange): merged header cells, column widths,
borders and wrapping, A4 print setup fitted to one page wide."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from reporting.adapters import form
from reporting.domain.report import FORM_TITLE

WIDTHS = {"A": 6, "B": 34, "C": 30, "D": 30}
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
_FONT = "宋体"


def _put(
    ws: Worksheet, span: str, value: object, *, bold: bool = False, center: bool = False, box: bool = True
) -> None:
    first = span.split(":")[0]
    if ":" in span:
        ws.merge_cells(span)
    cell = ws[first]
    cell.value = value
    cell.font = Font(name=_FONT, size=11, bold=bold)
    cell.alignment = _CENTER if center else _WRAP
    if box:
        for row in ws[span] if ":" in span else ((cell,),):
            for c in row:
                c.border = _BOX


def workbook(report: dict[str, Any]) -> Workbook:
    """The form filled from `report` (a report's JSON)."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = report["month"]
    level = form.level_word(report["node"])
    ws["A1"] = FORM_TITLE + form.title_month(report)
    ws.merge_cells("A1:D1")
    ws["A1"].font = Font(name=_FONT, size=16, bold=True)
    ws["A1"].alignment = _CENTER
    _put(ws, "A2:B2", f"单位名称（盖章）：{report['node_name']}", box=False)
    _put(ws, "C2:D2", form.filled_on(report), box=False)
    _put(ws, "A3:D3", '一、"双随机、一公开"监管工作安排部署情况', bold=True)
    part_one = [
        ("本月召开会议部署随机抽查工作情况（注明召开会议的名称及时间）", form.meetings(report)),
        ("本月印发双随机工作文件情况（注明文件名称及文号）", form.documents(report)),
        ("本月组织随机抽查业务培训情况（培训班名称、培训人员数量及内容）", form.trainings(report)),
    ]
    for offset, (label, value) in enumerate(part_one):
        row = 4 + offset
        _put(ws, f"A{row}", offset + 1, center=True)
        _put(ws, f"B{row}", label)
        _put(ws, f"C{row}:D{row}", value)
    _put(ws, "A7:D7", '二、"双随机、一公开"监管工作开展情况', bold=True)
    _put(ws, "A8:A12", 4, center=True)
    _put(ws, "B8:D8", f"本月按年度随机抽查工作计划{level}本级开展随机抽查情况")
    part_four = [
        ("本月组织随机抽查的文件", form.task_documents(report)),
        ("随机抽查抽查对象范围、数量、抽查比例", form.task_scope(report)),
        ("随机抽查的检查事项（多少大项、多少小项）", form.task_items(report)),
        ("随机抽查结果公示情况（注明抽查结果公示的网站及公示数量）", form.task_publication(report)),
    ]
    for offset, (label, value) in enumerate(part_four):
        row = 9 + offset
        _put(ws, f"B{row}", label)
        _put(ws, f"C{row}:D{row}", value)
    _put(ws, "A13:A14", 5, center=True)
    _put(ws, "B13:D13", f"全{level}本系统开展随机抽查情况")
    _put(ws, "B14:D14", form.system_wide(report))
    entries = report["entries"]
    _put(ws, "A16:B16", f"联系人：{entries.get('contact', '')}", box=False)
    _put(ws, "C16", f"联系电话：{entries.get('phone', '')}", box=False)
    _put(ws, "D16", f"手机：{entries.get('mobile', '')}", box=False)
    for column, width in WIDTHS.items():
        ws.column_dimensions[column].width = width
    ws.row_dimensions[1].height = 36
    for row in (4, 5, 6, 9, 10, 11, 12, 14):
        lines = max(str(ws[f"C{row}"].value or ws[f"B{row}"].value or "").count("\n") + 1, 2)
        ws.row_dimensions[row].height = 16 * lines + 8
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.print_area = "A1:D16"
    ws.print_title_rows = "1:2"
    return book


def render(report: dict[str, Any]) -> bytes:
    """The XLSX file's bytes."""
    out = io.BytesIO()
    workbook(report).save(out)
    return out.getvalue()
