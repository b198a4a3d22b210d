"""Task numbers in a department's document style (文号), such as `冀人社抽〔2026〕12号`.

A template is literal text with exactly one `{year}` and one `{seq}`; no other braces. The sequence per (node, year)
is kept by the adapter; `next_number` is the pure rule it applies to the numbers already given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

YEAR = "{year}"
SEQ = "{seq}"
_PLACEHOLDER = re.compile(r"\{year\}|\{seq\}")
YEARS = range(2000, 2101)


class BadTemplate(ValueError):
    """A numbering template that cannot number tasks; `code` is stable, the message is Chinese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def check_template(template: str) -> str:
    """The template if it has one {year}, one {seq} and no other braces; else BadTemplate."""
    if not template.strip():
        raise BadTemplate("settings.template_required", "任务编号模板不能为空")
    for placeholder in (YEAR, SEQ):
        count = template.count(placeholder)
        if count != 1:
            raise BadTemplate(
                "settings.template_placeholder",
                f"任务编号模板须恰好包含一个 {placeholder}（现为 {count} 个）：{template}",
            )
    if "{" in _PLACEHOLDER.sub("", template) or "}" in _PLACEHOLDER.sub("", template):
        raise BadTemplate("settings.template_braces", f"任务编号模板除 {YEAR} 与 {SEQ} 外不能含有花括号：{template}")
    if YEAR + SEQ in template or SEQ + YEAR in template:
        raise BadTemplate("settings.template_ambiguous", f"任务编号模板中 {YEAR} 与 {SEQ} 之间须有分隔文字：{template}")
    return template


def task_number(template: str, year: int, seq: int) -> str:
    """The number of the `seq`-th task of `year` (seq from 1, written without leading zeros)."""
    check_template(template)
    if year not in YEARS:
        raise ValueError(f"year out of range: {year}")
    if isinstance(seq, bool) or seq < 1:
        raise ValueError(f"sequence must be a positive integer: {seq}")
    return template.replace(YEAR, str(year)).replace(SEQ, str(seq))


def _pattern(template: str) -> re.Pattern[str]:
    pieces = _PLACEHOLDER.split(check_template(template))
    names = _PLACEHOLDER.findall(template)
    groups = {YEAR: r"(?P<year>\d{4})", SEQ: r"(?P<seq>[1-9]\d*)"}
    regex = re.escape(pieces[0]) + "".join(groups[n] + re.escape(p) for n, p in zip(names, pieces[1:], strict=True))
    return re.compile(f"^{regex}$")


def parse_task_number(template: str, number: str) -> tuple[int, int] | None:
    """(year, seq) of a number written with `template`; None if the number is not in that style."""
    match = _pattern(template).match(number.strip())
    if match is None:
        return None
    return int(match.group("year")), int(match.group("seq"))


def next_number(existing_numbers: Iterable[str], template: str, year: int) -> str:
    """The next number of `year`: one more than the highest sequence of that year in `template`'s style."""
    pattern = _pattern(template)
    highest = 0
    for number in existing_numbers:
        match = pattern.match(number.strip())
        if match is not None and int(match.group("year")) == year:
            highest = max(highest, int(match.group("seq")))
    return task_number(template, year, highest + 1)
