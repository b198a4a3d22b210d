"""The draw's use cases on the fakes (repository, unit of work, snapshot store): milliseconds each, asserting
what is kept, published and audited, and the refusals with their codes. The HTTP and PostgreSQL paths are
tests/integration/test_draw_api.py."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
from draw.adapters.snapshots import MemorySnapshots
from draw.domain import errors
from draw.domain.draw import Draw
from draw.service_layer import commands, handlers
from draw.service_layer.components import Components
from draw.service_layer.context import Context
from draw.service_layer.records import load, package
from draw_fakes import FakeDrawRepository
from draw_testkit import COUNTY_A, COUNTY_B, NOW, PROVINCE, World, world_events

from hrss.auth import AccessDenied, Principal, Role
from hrss.contracts import Node
from hrss.drawkit import verify
from hrss.testing.fakes import FakeUnitOfWork

PLANNER = "planner"
WITNESSES = (("省人社厅 张三", "31415926535897932384"), ("公证员 李四", "27182818284590452353"))


@dataclass
class Draws:
    """The service on fakes, its read model fed with the world's events."""

    repo: FakeDrawRepository
    snapshots: MemorySnapshots
    world: World
    uow: FakeUnitOfWork

    def ctx(self, roles: tuple[str, ...] = (PLANNER,), node: str = PROVINCE) -> Context:
        """A request's context; its unit of work (`self.uow`) is fresh, so each step's events and audit are its own."""
        self.uow = FakeUnitOfWork(service="draw", nodes=(PROVINCE,))
        components = Components(snapshots=self.snapshots, repository=lambda _: self.repo, clock=lambda: NOW)
        principal = Principal(f"{roles[0]}@{node}", "测试", Node(node), frozenset(Role(r) for r in roles))
        return Context(self.uow, components, principal, "trace")

    def run(self, command: object, **who: Any) -> Any:
        found = handlers.handle(command, self.ctx(**who))
        self.uow.commit()
        return found

    def topics(self) -> list[str]:
        return [e.type for e in self.uow.committed]

    def freeze(self) -> dict[str, Any]:
        return self.run(commands.Freeze(self.world.task["task_id"], "省厅、监督处、公证员各掷骰 20 位"))  # type: ignore[no-any-return]

    def drawn(self) -> dict[str, Any]:
        draw_id = self.freeze()["draw_id"]
        for witness, value in WITNESSES:
            self.run(commands.Contribute(draw_id, witness, value))
        return self.run(commands.RunDraw(draw_id))  # type: ignore[no-any-return]


@pytest.fixture
def draws() -> Draws:
    world, events = world_events(per_county=60)
    service = Draws(FakeDrawRepository(), MemorySnapshots(), world, FakeUnitOfWork())
    ctx = service.ctx()
    for event in events:
        handlers.handle_events(ctx, [event.payload])
    return service


def refused(draws: Draws, command: object, **who: Any) -> Any:
    with pytest.raises(Exception) as refusal:
        draws.run(command, **who)
    assert draws.uow.committed == [] and draws.uow.audited == []  # nothing of a refused step is kept
    return refusal.value


def test_a_freeze_commits_to_the_frame_stores_its_snapshot_and_publishes_the_commitment(draws: Draws) -> None:
    found = draws.freeze()
    assert found["status"] == "committed" and found["frame_size"] == 120
    assert draws.topics() == ["draw.draw_committed"]
    assert [(a.action, a.object_id) for _, a in draws.uow.audited] == [("draw.freeze", found["draw_id"])]
    assert list(draws.snapshots.objects) == [f"draws/{found['draw_id']}/frame.json"]
    assert [e.kind for e in draws.repo.log(found["draw_id"])] == ["committed"]


def test_a_task_is_frozen_once_until_its_draw_is_voided(draws: Draws) -> None:
    first = draws.freeze()["draw_id"]
    again = refused(draws, commands.Freeze(draws.world.task["task_id"], "x"))
    assert isinstance(again, errors.DrawExists) and first in again.message
    draws.run(commands.Void(first, "范围设置错误"))
    assert draws.topics() == ["draw.draw_voided"]
    assert draws.freeze()["draw_id"] != first


def test_a_task_not_ready_for_draw_is_not_found(draws: Draws) -> None:
    missing = refused(draws, commands.Freeze("00000000-0000-0000-0000-000000000000", "x"))
    assert (missing.code, missing.status) == ("draw.task_not_ready", 404)


def test_a_county_planner_cannot_freeze_the_provinces_task(draws: Draws) -> None:
    assert isinstance(refused(draws, commands.Freeze(draws.world.task["task_id"], "x"), node=COUNTY_A), AccessDenied)


def test_the_draw_dispatches_each_pick_to_its_county_and_its_auditor_package_verifies(draws: Draws) -> None:
    found = draws.drawn()
    assert found["status"] == "drawn" and len(found["contributions"]) == 2
    dispatched = [e for e in draws.uow.committed if e.type == "draw.assignment_dispatched"]
    by_node = Counter(e.target_node for e in dispatched)
    assert dict(by_node) == found["picks_by_node"] and set(by_node) <= {COUNTY_A, COUNTY_B}
    assert draws.topics()[-1] == "draw.draw_completed"
    picks = draws.repo.picks(found["draw_id"])
    assert len(picks) == sum(by_node.values()) and all(p.team for p in picks)
    _, auditor = package(draws.ctx(("auditor",)), found["draw_id"])
    report = verify(auditor)
    assert report.ok, [c for c in report.checks if not c.ok]


def test_a_drawn_draw_run_again_is_refused_because_it_was_drawn(draws: Draws) -> None:
    draw_id = draws.drawn()["draw_id"]
    log = len(draws.repo.log(draw_id))
    again = refused(draws, commands.RunDraw(draw_id))
    assert again.code == "draw.cannot_draw" and "已完成" in again.message and "已作废" not in again.message
    assert len(draws.repo.log(draw_id)) == log


def test_a_draw_without_contributions_and_a_step_on_a_voided_draw_say_why(draws: Draws) -> None:
    draw_id = draws.freeze()["draw_id"]
    assert refused(draws, commands.RunDraw(draw_id)).message == "至少需要一位见证人提交随机数后才能抽取"
    draws.run(commands.Void(draw_id, "范围设置错误"))
    assert refused(draws, commands.Void(draw_id, "again")).code == "draw.voided"
    late = refused(draws, commands.Contribute(draw_id, "甲", "1"))
    assert (late.code, late.message) == ("draw.not_accepting_contributions", "本次抽取已作废")


def test_a_replaced_pick_is_dispatched_in_its_place_and_logged(draws: Draws) -> None:
    draw_id = draws.drawn()["draw_id"]
    first = draws.repo.picks(draw_id)[0]
    draws.run(commands.ReplaceEntity(draw_id, first.uscc, "closed"))
    new = draws.repo.picks(draw_id)[-1]
    assert new.replaces == first.uscc and draws.repo.log(draw_id)[-2].kind == "replaced"
    assert draws.topics() == ["draw.assignment_dispatched"]
    assert [a.action for _, a in draws.uow.audited] == ["draw.replace"]
    assert refused(draws, commands.ReplaceEntity(draw_id, first.uscc, "closed")).code == "draw.already_replaced"
    assert refused(draws, commands.ReplaceEntity(draw_id, first.uscc, "job_change")).status == 400


def test_an_expansion_adds_a_batch_and_keeps_earlier_picks(draws: Draws) -> None:
    draw_id = draws.drawn()["draw_id"]
    before = draws.repo.picks(draw_id)
    item = draws.repo.runs[draw_id].plan["items"][0]["item_id"]
    draws.run(commands.Expand(draw_id, {item: "50%"}, "投诉集中"))
    after = draws.repo.picks(draw_id)
    assert after[: len(before)] == before and len(after) > len(before)
    assert {p.batch for p in after[len(before) :]} == {max(p.batch for p in before) + 1}
    assert draws.repo.expansion_plans(draw_id) and draws.repo.log(draw_id)[-1].kind == "assigned"
    smaller = refused(draws, commands.Expand(draw_id, {item: "1%"}, "x"))
    assert smaller.code == "draw.expansion_not_larger"


def test_a_team_member_replaced_is_published_to_the_county_with_the_new_team(draws: Draws) -> None:
    draw_id = draws.drawn()["draw_id"]
    pick = draws.repo.picks(draw_id)[0]
    leaving = pick.team[0]["inspector_id"]
    found = draws.run(
        commands.ReplaceMember(draw_id, pick.uscc, leaving, "job_change", "局长 王五"),
        roles=("county_admin",),
        node=pick.target_node,
    )
    assert found["replaced"] == leaving and found["by"] not in {m["inspector_id"] for m in pick.team}
    (changed,) = draws.uow.committed
    assert changed.type == "draw.team_changed" and changed.target_node == pick.target_node
    assert changed.payload["by"]["inspector_id"] == found["by"]
    (opening,) = draws.repo.replacement_openings(draw_id).values()
    assert opening.reason == "job_change" and draws.repo.log(draw_id)[-1].kind == "team_replaced"
    assert (
        refused(
            draws,
            commands.ReplaceMember(draw_id, pick.uscc, leaving, "job_change", "局长 王五"),
            roles=("county_admin",),
            node=pick.target_node,
        ).code
        == "draw.no_team_replacement"
    )


def test_a_draw_loaded_from_its_rows_is_the_draw_its_auditor_package_restores(draws: Draws) -> None:
    draw_id = draws.drawn()["draw_id"]
    draws.run(commands.ReplaceEntity(draw_id, draws.repo.picks(draw_id)[0].uscc, "closed"))
    ctx = draws.ctx()
    _, loaded = load(ctx, draw_id)
    _, auditor = package(ctx, draw_id)
    assert loaded.auditor_package() == Draw.restore(auditor, ctx.now_iso).auditor_package()
    assert loaded.status == "drawn" and loaded.invalid
