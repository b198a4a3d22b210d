"""The draw aggregate's refusals: each says the true reason with its stable code (no English text matched)."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import pytest
from draw.domain import errors
from draw.domain.draw import Draw, check_entity_replacement_reason, check_member_replacement

from hrss.contracts import PlatformError
from hrss.drawkit import SHA256, DrawPlan, FrameEntry, ItemRule

ITEM = "t:i"


def a_draw(size: int = 6) -> Draw:
    frame = [
        FrameEntry(f"91330102MA{n:08d}", f"e{n}", "330102", "企业", "330102|企业|A", True, "", f"{n:032x}")
        for n in range(size)
    ]
    plan = DrawPlan((ItemRule(ITEM, Fraction(1, 2)),))
    return Draw(SHA256, "D", {"tasks": []}, frame, plan, lambda: "2026-12-06T10:00:00+08:00", "00", "00", "dice")


def refusal(step: Callable[[], object]) -> PlatformError:
    with pytest.raises(PlatformError) as refused:
        step()
    return refused.value


def test_a_drawn_draw_run_again_says_it_was_drawn_not_that_it_was_voided() -> None:
    draw = a_draw()
    draw.contribute("见证人甲", "1234")
    draw.draw()
    again = refusal(draw.draw)
    assert isinstance(again, errors.DrawnTwice)
    assert again.code == "draw.cannot_draw" and again.status == 409
    assert again.message.startswith("本次抽取已完成") and "已作废" not in again.message


def test_a_draw_without_a_contribution_is_refused_with_its_reason() -> None:
    found = refusal(a_draw().draw)
    assert (found.code, found.message) == ("draw.cannot_draw", "至少需要一位见证人提交随机数后才能抽取")


def test_a_voided_draw_refuses_contributions_the_draw_and_a_second_void() -> None:
    draw = a_draw()
    draw.void("范围错误")
    assert (refusal(lambda: draw.contribute("甲", "1")).code, refusal(draw.draw).code) == (
        "draw.not_accepting_contributions",
        "draw.cannot_draw",
    )
    assert refusal(draw.draw).message == "本次抽取已作废"
    assert refusal(lambda: draw.void("again")).code == "draw.voided"
    assert [e.kind for e in draw.log] == ["committed", "voided"]


def test_contributions_after_the_draw_are_refused_as_too_late() -> None:
    draw = a_draw()
    draw.contribute("甲", "1")
    draw.draw()
    late = refusal(lambda: draw.contribute("乙", "2"))
    assert (late.code, late.message) == ("draw.not_accepting_contributions", errors.DRAWN)


def test_replacement_and_expansion_need_a_drawn_draw() -> None:
    draw = a_draw()
    assert refusal(lambda: draw.replace("x", "closed")).message == "只有已完成且未作废的抽取可以替换检查对象"
    assert refusal(lambda: draw.raised_plan({ITEM: "90%"})).code == "draw.not_drawn"


def test_a_pick_is_replaced_once_and_the_log_says_so() -> None:
    draw = a_draw()
    draw.contribute("甲", "1")
    first = draw.draw()[0].uscc
    new = draw.replace(first, "closed")
    assert new.replaces == first and draw.log[-1].kind == "replaced"
    assert refusal(lambda: draw.replace(first, "closed")).code == "draw.already_replaced"


def test_an_expansion_must_name_an_item_of_the_draw_and_raise_its_ratio() -> None:
    draw = a_draw()
    draw.contribute("甲", "1")
    draw.draw()
    assert refusal(lambda: draw.raised_plan({"t:other": "90%"})).code == "draw.expansion_item"
    smaller = refusal(lambda: draw.raised_plan({ITEM: "10%"}))
    assert (smaller.code, smaller.message) == (
        "draw.expansion_not_larger",
        "扩大抽取须提高抽查比例（t:i 现为 50%，申请 10%）",
    )
    assert refusal(lambda: draw.raised_plan({ITEM: "很多"})).code == "draw.expansion_ratio"
    assert draw.raised_plan({ITEM: "90%"}).items[0].fraction == Fraction(9, 10)


def test_an_entity_replacement_reason_outside_the_list_is_refused() -> None:
    check_entity_replacement_reason("moved_out")
    bad = refusal(lambda: check_entity_replacement_reason("job_change"))
    assert bad.code == "draw.replacement_reason" and bad.status == 400 and "moved_out（已迁出本辖区）" in bad.message


def test_a_team_member_is_replaced_for_an_inspectors_reason_with_an_approver() -> None:
    check_member_replacement("health", "局长 王五")
    entity_reason = refusal(lambda: check_member_replacement("closed", "局长 王五"))
    assert entity_reason.code == "draw.team_replacement_invalid" and "job_change（工作调动）" in entity_reason.message
    assert "收到 'closed'" in entity_reason.message
    assert refusal(lambda: check_member_replacement("health", " ")).message.endswith("approver 不能为空")
