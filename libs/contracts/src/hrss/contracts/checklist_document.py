"""Reading the checklist table (抽查事项清单) of an official document, such as the attachment of seeds/002.

The table is tab-separated text: a header line naming the eleven columns, then one line per item; the
header repeats after page breaks, and lines without tabs are page furniture or the text around the table.
"""

from __future__ import annotations

import unicodedata

from hrss.contracts.checklist import (
    CheckItemSpec,
    ChecklistError,
    parse_category,
    parse_frequency,
    parse_levels,
    parse_methods,
    parse_ratio,
    split_points,
)

COLUMNS = (
    "序号",
    "抽查事项",
    "检查依据",
    "检查对象",
    "检查内容",
    "事项类别",
    "检查方式",
    "抽查比例",
    "抽查频次",
    "实施层级",
    "责任科室、单位",
)


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.split("\t")]


def _parse_row(row: int, cells: list[str]) -> CheckItemSpec:
    if len(cells) != len(COLUMNS):
        column = COLUMNS[min(len(cells), len(COLUMNS) - 1)]
        raise ChecklistError("row", f"应有 {len(COLUMNS)} 列，实际 {len(cells)} 列", row=row, column=column)
    values = dict(zip(COLUMNS, cells, strict=True))
    for column, value in values.items():
        if not value:
            raise ChecklistError("row", "不能为空", row=row, column=column)
    column = "序号"
    try:
        number = _clean(values[column])
        if not number.isdigit() or int(number) <= 0:
            raise ChecklistError("number", f"序号“{values[column]}”应为正整数")
        column = "事项类别"
        category = parse_category(values[column])
        column = "检查方式"
        methods = parse_methods(values[column])
        column = "抽查比例"
        ratio = parse_ratio(values[column])
        column = "抽查频次"
        frequency = parse_frequency(values[column])
        column = "实施层级"
        levels = parse_levels(values[column])
    except ChecklistError as error:
        raise ChecklistError(error.field, error.message, row=row, column=column) from error
    return CheckItemSpec(
        number=int(number),
        name=values["抽查事项"],
        legal_basis=values["检查依据"],
        object_type=values["检查对象"],
        content=values["检查内容"],
        points=split_points(values["检查内容"]),
        category=category,
        methods=methods,
        ratio=ratio,
        frequency=frequency,
        levels=levels,
        implementing_body=values["实施层级"],
        responsible_unit=values["责任科室、单位"],
    )


def parse_checklist_document(text: str) -> list[CheckItemSpec]:
    """The items of the checklist table in a document: tab-separated rows after the header line."""
    lines = text.splitlines()
    header = list(COLUMNS)
    start = next((index for index, line in enumerate(lines) if _cells(line) == header), None)
    if start is None:
        raise ChecklistError("header", "未找到抽查事项清单表头（序号、抽查事项、检查依据……）")
    items: list[CheckItemSpec] = []
    numbers: set[int] = set()
    for line in lines[start + 1 :]:
        # Lines without tabs are page furniture or the text after the table; the header repeats after page breaks.
        if "\t" not in line or _cells(line) == header:
            continue
        item = _parse_row(len(items) + 1, _cells(line))
        if item.number in numbers:
            raise ChecklistError("number", f"序号 {item.number} 重复", row=len(items) + 1, column="序号")
        numbers.add(item.number)
        items.append(item)
    if not items:
        raise ChecklistError("header", "抽查事项清单表头之后没有事项")
    return items
