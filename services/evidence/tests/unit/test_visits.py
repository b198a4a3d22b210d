"""Which visits take evidence and from whom: the read model folded from the inspection service's events (only the
nodes this process keeps), and the upload check — a known visit of the node, the uploader on its team or holding a
wider role, not closed."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from evidence.domain.errors import Rejected
from evidence.domain.visits import STATUS, TEAM, Visit, VisitClosed, VisitFact, VisitUnknown, fold
from evidence.service_layer.context import UPLOADERS
from evidence.service_layer.visits import apply, check_uploader, keeps, team_of
from evidence_fakes import InMemoryVisitReadModel

from hrss.auth import AccessDenied, Principal, Role
from hrss.contracts.events.inspection import VisitExtended, VisitOpened, VisitStatusChanged

COUNTY, OTHER_COUNTY, PROVINCE = "130102", "130104", "130000"
VISIT = str(uuid.uuid4())
ONE, TWO, STRANGER = (str(uuid.uuid4()) for _ in range(3))
T0 = datetime(2027, 4, 1, 2, 0, tzinfo=UTC)


def _person(*roles: Role, inspector: str | None = None, node: str = COUNTY) -> Principal:
    link = {"inspector_id": inspector, "credential_no": f"证-{inspector}"} if inspector else {}
    return Principal(f"account-{uuid.uuid4().hex[:6]}", "测试", node, frozenset(roles), **link)  # type: ignore[arg-type]


def _team(event_id: str, at: datetime, *inspectors: str, node: str = COUNTY) -> VisitFact:
    return VisitFact(event_id, VISIT, node, TEAM, at, tuple(inspectors))


def _status(event_id: str, at: datetime, status: str, reason: str | None = None) -> VisitFact:
    return VisitFact(event_id, VISIT, COUNTY, STATUS, at, status=status, reason=reason)


def _inspectors(*ids: str) -> list[dict[str, str]]:
    return [{"inspector_id": i, "credential_no": f"13010220270{n}", "name": f"检查员{n}"} for n, i in enumerate(ids)]


def _opened(node: str = COUNTY, visit_id: str = VISIT) -> VisitOpened:
    return VisitOpened(
        visit_id=uuid.UUID(visit_id), node=node, uscc="91130102MA0000001X", entity_name="测试公司",
        task_ids=[uuid.uuid4()], assignment_ids=[uuid.uuid4()], inspectors=_inspectors(ONE, TWO),
        due=date(2027, 6, 30), opened_at=T0,
    )  # type: ignore[arg-type]  # fmt: skip


VISIT_OPEN = Visit(VISIT, COUNTY, (ONE, TWO))


def test_a_visit_is_unknown_until_its_team_arrived_and_then_has_its_latest_team_whatever_the_arrival_order() -> None:
    assert fold([]) is None
    assert fold([_status("s", T0, "started")]) is None  # a step can arrive before the opening (another topic)
    later, earlier = _team("b", T0 + timedelta(hours=1), STRANGER), _team("a", T0, ONE, TWO)
    assert fold([later, earlier]) == Visit(VISIT, COUNTY, (STRANGER,))
    assert fold([earlier, later]) == Visit(VISIT, COUNTY, (STRANGER,))


def test_a_visit_is_closed_once_a_step_says_closed_with_its_reason() -> None:
    facts = [_team("a", T0, ONE), _status("s", T0 + timedelta(days=1), "started")]
    assert fold(facts).closed is False  # type: ignore[union-attr]
    closed = fold([*facts, _status("c", T0 + timedelta(days=2), "closed", "抽取结果作废")])
    assert closed is not None and closed.closed and closed.closed_reason == "抽取结果作废"


def test_a_team_member_uploads_as_an_inspector() -> None:
    assert check_uploader(_person(Role.INSPECTOR, inspector=TWO), VISIT_OPEN, VISIT, COUNTY, UPLOADERS) == "inspector"


def test_an_unknown_visit_is_refused_with_a_404_naming_the_visit_and_saying_to_retry() -> None:
    with pytest.raises(VisitUnknown) as refused:
        check_uploader(_person(Role.INSPECTOR, inspector=ONE), None, VISIT, COUNTY, UPLOADERS)
    assert refused.value.status == 404 and refused.value.code == "evidence.visit_unknown"
    assert refused.value.field == "visit_id" and "稍后重试" in refused.value.message


def test_a_visit_of_another_node_is_refused_even_for_an_administrator_above_both() -> None:
    admin = _person(Role.PROVINCE_ADMIN, node=PROVINCE)
    with pytest.raises(Rejected) as refused:
        check_uploader(admin, Visit(VISIT, OTHER_COUNTY, (ONE,)), VISIT, COUNTY, UPLOADERS)
    assert refused.value.code == "evidence.visit_other_node" and refused.value.field == "node"


@pytest.mark.parametrize(
    "person",
    [
        _person(Role.INSPECTOR, inspector=STRANGER),  # linked to an inspector of another team
        _person(Role.INSPECTOR),  # linked to no registry inspector: on no team
    ],
)
def test_an_inspector_not_on_the_team_is_refused_as_not_assigned(person: Principal) -> None:
    with pytest.raises(AccessDenied) as refused:
        check_uploader(person, VISIT_OPEN, VISIT, COUNTY, UPLOADERS)
    assert refused.value.status == 403 and refused.value.code == "access.not_assigned"


def test_the_account_id_is_not_the_team_link() -> None:
    """The team holds registry inspector ids; an account whose id happens to be one of them is still not on it."""
    person = Principal(ONE, "测试", COUNTY, frozenset({Role.INSPECTOR}))
    with pytest.raises(AccessDenied):
        check_uploader(person, VISIT_OPEN, VISIT, COUNTY, UPLOADERS)


@pytest.mark.parametrize(
    ("roles", "acting"),
    [
        ({Role.ARCHIVE_KEEPER}, "archive_keeper"),
        ({Role.COUNTY_ADMIN}, "county_admin"),
        ({Role.INSPECTOR, Role.ARCHIVE_KEEPER}, "archive_keeper"),
        ({Role.INSPECTOR, Role.PLANNER}, "planner"),  # an inspector who also plans the node's tasks
    ],
)
def test_a_wider_role_of_the_node_uploads_without_being_on_the_team(roles: set[Role], acting: str) -> None:
    link = STRANGER if Role.INSPECTOR in roles else None
    assert check_uploader(_person(*roles, inspector=link), VISIT_OPEN, VISIT, COUNTY, UPLOADERS) == acting


def test_a_closed_visit_takes_no_evidence_and_says_why_but_only_to_someone_who_may_upload_to_it() -> None:
    closed = Visit(VISIT, COUNTY, (ONE,), closed=True, closed_reason="抽取结果作废")
    with pytest.raises(VisitClosed) as refused:
        check_uploader(_person(Role.INSPECTOR, inspector=ONE), closed, VISIT, COUNTY, UPLOADERS)
    assert refused.value.status == 409 and "抽取结果作废" in refused.value.message
    with pytest.raises(AccessDenied):
        check_uploader(_person(Role.INSPECTOR, inspector=STRANGER), closed, VISIT, COUNTY, UPLOADERS)


def test_a_process_keeps_the_visits_of_its_subtree_less_the_delegated_counties() -> None:
    central = (PROVINCE,)
    assert keeps(COUNTY, central) and keeps(PROVINCE, central) and keeps("130100", central)
    assert not keeps("140105", central)
    assert not keeps(OTHER_COUNTY, central, delegated=(OTHER_COUNTY,)) and keeps(COUNTY, central, (OTHER_COUNTY,))
    federated = (COUNTY,)
    assert keeps(COUNTY, federated) and not keeps(OTHER_COUNTY, federated) and not keeps(PROVINCE, federated)


def test_events_are_kept_once_for_kept_nodes_and_the_others_ignored() -> None:
    model = InMemoryVisitReadModel()
    foreign = str(uuid.uuid4())
    events = [("e1", _opened()), ("e1", _opened()), ("e2", _opened(OTHER_COUNTY, foreign))]
    assert apply(model, events, (COUNTY,), (), T0) == 2
    assert model.get(VISIT) == Visit(VISIT, COUNTY, (ONE, TWO)) and model.get(foreign) is None
    assert len(model.kept) == 1  # the redelivered e1 is one fact


def test_an_extension_replaces_the_team_and_a_closing_ends_uploads() -> None:
    model = InMemoryVisitReadModel()
    opened = _opened()
    extended = VisitExtended(
        visit_id=opened.visit_id, node=COUNTY, uscc=opened.uscc, task_ids=opened.task_ids,
        assignment_ids=opened.assignment_ids, inspectors=_inspectors(TWO, STRANGER), due=opened.due,
        extended_at=T0 + timedelta(hours=2),
    )  # type: ignore[arg-type]  # fmt: skip
    closing = VisitStatusChanged(
        visit_id=opened.visit_id, node=COUNTY, uscc=opened.uscc, region_code=COUNTY, task_ids=opened.task_ids,
        status="closed", reason="抽取结果作废", at=T0 + timedelta(days=1),
    )  # type: ignore[arg-type]  # fmt: skip
    apply(model, [("x", extended), ("o", opened)], (PROVINCE,), (), T0)  # the extension arrived first
    assert team_of(model, VISIT) == (TWO, STRANGER)
    apply(model, [("c", closing)], (PROVINCE,), (), T0)
    visit = model.get(VISIT)
    assert visit is not None and visit.closed and visit.inspector_ids == (TWO, STRANGER)
    assert team_of(model, str(uuid.uuid4())) == ()


def test_the_delegated_counties_come_from_the_same_setting_as_the_consumers(monkeypatch: pytest.MonkeyPatch) -> None:
    from evidence.bootstrap import delegated_from

    monkeypatch.delenv("HRSS_DELEGATED_NODES", raising=False)
    monkeypatch.setenv("HRSS_NODES", "130000")
    assert delegated_from({}) == ()
    assert delegated_from({"DELEGATED_NODES": "130104,130105"}) == ("130104", "130105")
    monkeypatch.setenv("HRSS_DELEGATED_NODES", "130104")
    assert delegated_from({}) == ("130104",)
    assert delegated_from({"NODES": "130104"}) == ()  # the county's own deployment serves itself
