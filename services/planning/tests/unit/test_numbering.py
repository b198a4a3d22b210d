"""Task numbers in the department's document style (文号)."""

from __future__ import annotations

import pytest
from planning.domain.numbering import BadTemplate, next_number, parse_task_number, task_number

HEBEI = "冀人社抽〔{year}〕{seq}号"


def test_a_number_is_written_in_the_template_and_read_back() -> None:
    number = task_number(HEBEI, 2026, 12)
    assert number == "冀人社抽〔2026〕12号"
    assert parse_task_number(HEBEI, number) == (2026, 12)


def test_a_template_may_put_the_sequence_before_the_year() -> None:
    template = "第{seq}号（{year}）"
    assert parse_task_number(template, task_number(template, 2027, 3)) == (2027, 3)


@pytest.mark.parametrize(
    "number", ["湘人社抽〔2026〕12号", "冀人社抽〔2026〕号", "冀人社抽〔2026〕012号", "冀人社抽〔26〕1号"]
)
def test_a_number_in_another_style_is_not_read(number: str) -> None:
    assert parse_task_number(HEBEI, number) is None


def test_the_first_number_of_a_year_is_one() -> None:
    assert next_number([], HEBEI, 2026) == "冀人社抽〔2026〕1号"


def test_the_next_number_follows_the_highest_of_the_same_year_only() -> None:
    existing = ["冀人社抽〔2026〕3号", "冀人社抽〔2026〕12号", "冀人社抽〔2025〕40号", "湘人社抽〔2026〕99号"]
    assert next_number(existing, HEBEI, 2026) == "冀人社抽〔2026〕13号"
    assert next_number(existing, HEBEI, 2025) == "冀人社抽〔2025〕41号"


@pytest.mark.parametrize(("year", "seq"), [(2026, 0), (2026, -1), (1999, 1)])
def test_a_sequence_below_one_or_a_year_out_of_range_is_not_numbered(year: int, seq: int) -> None:
    with pytest.raises(ValueError):
        task_number(HEBEI, year, seq)


def test_numbering_with_a_bad_template_is_refused_with_a_chinese_message() -> None:
    with pytest.raises(BadTemplate) as refused:
        task_number("冀人社抽〔2026〕号", 2026, 1)
    assert "{year}" in refused.value.message
