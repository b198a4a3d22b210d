"""What a team member needs for each item, from the checklist: the rule frozen into the committed task and the
line tags of the roster, checked the way hrss.drawkit.assignment checks a member (need ⊆ holds)."""

from __future__ import annotations

from draw.service_layer.requirements import ItemNeed, line_grants, rule, with_checklist_lines

from hrss.drawkit.assignment import item_requirements, requirement

ENFORCEMENT, CARD = "行政执法资格", "劳动保障监察员证"
NEEDS = {
    ("labour", 1): ItemNeed("劳动用工检查", "labour_inspection", (ENFORCEMENT, CARD)),
    ("audit", 2): ItemNeed("养老保险稽核", "social_insurance", (ENFORCEMENT,)),
    ("skills", 1): ItemNeed("技工院校监督检查", "vocational_skills", ()),
    ("free", 1): ItemNeed("无条线事项", None, ()),
}


def task(task_id: str, *items: tuple[str, int], line: str | None = None) -> dict:
    """A task whose items carry `line` as planning sent it (the checklist version's line, when it names one, wins)."""
    return {"task_id": task_id, "items": [{"item_id": i, "item_version": v, "line": line} for i, v in items]}


def may_serve(holds: set[str], line: str | None, tasks: list[dict], items: list[str], base: tuple = ()) -> bool:
    committed = with_checklist_lines(tasks, NEEDS)
    frozen = rule(base, committed, NEEDS)
    by_item = item_requirements(committed, frozen["base"], frozen["by_line"])
    tags = line_grants(committed).get(line or "", frozenset())
    return requirement(items, by_item) <= holds | tags


def test_a_labour_item_needs_an_inspector_of_the_labour_line_holding_what_the_item_names() -> None:
    tasks = [task("t", ("labour", 1))]
    assert may_serve({ENFORCEMENT, CARD}, "labour_inspection", tasks, ["t:labour"])
    assert not may_serve({ENFORCEMENT}, "labour_inspection", tasks, ["t:labour"])  # no card
    assert not may_serve({ENFORCEMENT, CARD}, "employment", tasks, ["t:labour"])  # another line
    assert not may_serve({ENFORCEMENT, CARD}, None, tasks, ["t:labour"])  # no line known


def test_a_joint_task_draws_on_the_staff_of_each_of_its_lines() -> None:
    tasks = [task("t", ("labour", 1), ("audit", 2))]
    both = ["t:labour", "t:audit"]
    assert may_serve({ENFORCEMENT, CARD}, "social_insurance", tasks, both)
    assert may_serve({ENFORCEMENT, CARD}, "labour_inspection", tasks, both)
    assert not may_serve({ENFORCEMENT}, "social_insurance", tasks, both)  # the labour item's card is needed
    assert may_serve({ENFORCEMENT}, "social_insurance", tasks, ["t:audit"])
    assert not may_serve({ENFORCEMENT, CARD}, "employment", tasks, ["t:audit"])


def test_an_item_the_checklist_gives_no_line_takes_the_line_the_task_gave_it() -> None:
    tasks = [task("t", ("free", 1), line="employment")]
    assert may_serve(set(), "employment", tasks, ["t:free"])
    assert not may_serve(set(), "labour_inspection", tasks, ["t:free"])


def test_an_item_without_qualifications_needs_only_its_line_and_one_without_a_line_nothing() -> None:
    tasks = [task("t", ("skills", 1)), task("u", ("free", 1))]
    assert may_serve(set(), "vocational_skills", tasks, ["t:skills"])
    assert not may_serve(set(), "employment", tasks, ["t:skills"])
    assert may_serve(set(), "employment", tasks, ["u:free"])
    assert not may_serve(set(), "employment", tasks, ["u:free"], base=(ENFORCEMENT,))  # the configured base


def test_the_rule_and_the_committed_items_are_the_checklist_versions() -> None:
    overridden = with_checklist_lines([task("t", ("labour", 1), line="employment")], NEEDS)
    assert [i["line"] for i in overridden[0]["items"]] == ["labour_inspection"]  # the checklist's line wins
    tasks = with_checklist_lines([task("t", ("labour", 1), ("free", 1))], NEEDS)
    assert [i["line"] for i in tasks[0]["items"]] == ["labour_inspection", None]
    assert rule([], tasks, NEEDS) == {
        "base": [],
        "by_line": {"": [], "labour_inspection": ["line:labour_inspection", CARD, ENFORCEMENT]},
    }
    assert line_grants(tasks) == {"labour_inspection": frozenset({"line:labour_inspection"})}
