"""The account repository's contract, run over the in-memory fake (tests/fakes.py) and the PostgreSQL adapter
alike, so that the handler tests on the fake say something about the service on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from identity.adapters.repository import AccountRepository, SqlAlchemyAccountRepository
from identity.domain.contact import AccountContact
from identity.domain.model import Account, Attempt, Change, RegisteredInspector, Session, Status
from identity_fakes import FakeAccountRepository
from identity_testkit import migrate
from sqlalchemy.orm import Session as DbSession

T0 = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)


@pytest.fixture(params=["fake", pytest.param("postgresql", marks=pytest.mark.integration)])
def repo(request: pytest.FixtureRequest) -> Iterator[AccountRepository]:
    if request.param == "fake":
        yield FakeAccountRepository()
        return
    dsn = request.getfixturevalue("fresh_database")
    migrate(dsn)
    engine = sa.create_engine(dsn)
    with DbSession(engine) as session, session.begin():
        yield SqlAlchemyAccountRepository(session)
    engine.dispose()


def account(login: str, node: str = "330100", **fields: object) -> Account:
    values: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "login": login,
        "node": node,
        "version": 1,
        "name": "李四",
        "roles": ("planner",),
        "status": Status.ACTIVE,
        "password_hash": "$argon2id$x",
        "totp_secret": "k:n:c",
        "change": Change.CREATED,
        "changed_at": T0,
        "changed_by": "cli",
    }
    return Account(**{**values, **fields})  # type: ignore[arg-type]


def added(repo: AccountRepository, login: str, node: str = "330100", **fields: object) -> Account:
    new = account(login, node, **fields)
    repo.add(new)
    return new


def test_the_current_version_is_the_latest_and_earlier_ones_stay(repo: AccountRepository) -> None:
    first = added(repo, "li")
    second = first.with_roles(("approver", "planner"), "admin-1", T0 + timedelta(minutes=1))
    repo.add_version(second)
    assert repo.get(first.id) == second == repo.get_by_login("li")
    assert repo.get(str(uuid.uuid4())) is None and repo.get_by_login("wang") is None
    assert repo.login_exists("li") and not repo.login_exists("wang")
    assert (repo.count_at("330100"), repo.count_at("330000")) == (1, 0)


def test_accounts_in_scope_are_those_of_the_subtree_by_node_then_login(repo: AccountRepository) -> None:
    city_b, city_a = added(repo, "b", "330100"), added(repo, "a", "330100")
    county = added(repo, "c", "330102")
    added(repo, "d", "330000")
    added(repo, "e", "320100")
    assert [a.login for a in repo.in_scope(["3301"])] == [city_a.login, city_b.login, county.login]
    assert repo.in_scope(["33"], node="330102") == [county]
    assert [a.login for a in repo.in_scope(["3301", "32"])] == ["e", "a", "b", "c"]


def test_an_account_acts_as_its_inspector_until_it_is_disabled(repo: AccountRepository) -> None:
    inspector_id = str(uuid.uuid4())
    linked = added(repo, "li", roles=("inspector",), inspector_id=inspector_id, credential_no="33010001")
    added(repo, "wang", roles=("inspector",))
    assert repo.account_acting_as(inspector_id) == linked
    repo.add_version(linked.disabled("admin-1", T0 + timedelta(minutes=1)))
    assert repo.account_acting_as(inspector_id) is None


def test_an_inspector_keeps_its_latest_published_state_whatever_the_order(repo: AccountRepository) -> None:
    inspector_id = str(uuid.uuid4())

    def state(version: int, status: str = "active") -> RegisteredInspector:
        return RegisteredInspector(inspector_id, "33010001", "检查员", "330100", status, version)

    repo.apply_inspectors([state(2)])
    repo.apply_inspectors([state(1, "left")])  # an older state delivered late
    assert repo.registered_inspector("330100", "33010001") == state(2)
    repo.apply_inspectors([state(4, "left"), state(3)])  # one batch, out of order
    assert repo.registered_inspector("330100", "33010001") == state(4, "left")
    repo.apply_inspectors([])
    assert repo.registered_inspector("330102", "33010001") is None


def test_attempts_count_from_the_last_success_and_the_last_accepted_step_is_kept(repo: AccountRepository) -> None:
    li, wang = added(repo, "li"), added(repo, "wang")
    at = [T0 + timedelta(minutes=m) for m in range(5)]
    repo.add_attempt("li", li.id, at[0], "failed")
    repo.add_attempt("li", li.id, at[1], "ok", totp_step=100, client="10.0.0.1")
    repo.add_attempt("li", li.id, at[2], "failed")
    repo.add_attempt("li", li.id, at[3], "locked")
    repo.add_attempt("nobody", None, at[3], "failed")
    assert repo.attempts_since_last_success(li.id, T0 - timedelta(days=7)) == [
        Attempt(at[2], "failed"),
        Attempt(at[3], "locked"),
    ]
    assert repo.attempts_since_last_success(li.id, at[3]) == [Attempt(at[3], "locked")]
    assert repo.last_totp_step(li.id) == 100 and repo.last_totp_step(wang.id) is None
    repo.add_attempt("wang", wang.id, at[4], "enrolled", totp_step=105)
    repo.add_attempt("wang", wang.id, at[4], "failed", totp_step=None)
    assert repo.last_totp_step(wang.id) == 105


def test_an_unlock_restarts_the_lockout_replay_and_an_addresss_failures_are_counted(repo: AccountRepository) -> None:
    li = added(repo, "li")
    at = [T0 + timedelta(minutes=m) for m in range(4)]
    repo.add_attempt("li", li.id, at[0], "failed", client="10.0.0.9")
    repo.add_attempt("li", li.id, at[1], "locked", client="10.0.0.9")
    repo.add_attempt("li", li.id, at[2], "unlocked")
    repo.add_attempt("li", li.id, at[3], "failed", client="10.0.0.8")
    repo.add_attempt("x", None, at[3], "failed", client="10.0.0.9")
    repo.add_attempt("x", None, at[3], "throttled", client="10.0.0.9")
    repo.add_attempt("li", li.id, at[3], "refused", client="10.0.0.9")
    assert repo.attempts_since_last_success(li.id, T0) == [Attempt(at[3], "failed"), Attempt(at[3], "refused")]
    assert repo.failures_from("10.0.0.9", T0) == [at[0], at[1], at[3]]
    assert repo.failures_from("10.0.0.9", at[1]) == [at[1], at[3]] and repo.failures_from("10.0.0.7", T0) == []


def test_a_reset_request_is_the_latest_one_and_is_approved_once(repo: AccountRepository) -> None:
    li = added(repo, "li", roles=("city_admin",))
    assert repo.latest_reset_request(li.id) is None
    first = repo.add_reset_request(li.id, "admin-1", T0, None)
    second = repo.add_reset_request(li.id, "admin-1", T0 + timedelta(minutes=1), "手机丢失")
    latest = repo.latest_reset_request(li.id)
    assert latest is not None and (latest.id, latest.reason, latest.approved_at) == (second, "手机丢失", None)
    assert first != second
    at = T0 + timedelta(minutes=2)
    repo.approve_reset_request(second, "admin-2", at)
    approved = repo.latest_reset_request(li.id)
    assert approved is not None and (approved.approved_by, approved.approved_at) == ("admin-2", at)


def test_sessions_end_once_and_all_of_an_account_but_the_one_kept(repo: AccountRepository) -> None:
    li, wang = added(repo, "li"), added(repo, "wang")
    ids = [str(uuid.uuid4()) for _ in range(4)]
    for session_id, owner in zip(ids, (li, li, li, wang), strict=True):
        repo.add_session(Session(session_id, owner.id, T0, T0))
    later = T0 + timedelta(minutes=5)
    repo.touch_session(ids[0], later)
    assert repo.get_session(ids[0]) == Session(ids[0], li.id, T0, later)
    assert repo.end_sessions_of(li.id, later, "password", keep=ids[0]) == sorted(ids[1:3])
    assert repo.end_sessions_of(li.id, later, "password", keep=ids[0]) == []
    assert repo.end_session(ids[0], later, "logout") is True
    assert repo.end_session(ids[0], later + timedelta(minutes=1), "reuse") is False  # the first end stays
    assert repo.get_session(ids[0]) == Session(ids[0], li.id, T0, later, later, "logout")
    assert repo.get_session(ids[1]) == Session(ids[1], li.id, T0, T0, later, "password")
    assert repo.get_session(ids[3]) == Session(ids[3], wang.id, T0, T0)
    assert repo.get_session(str(uuid.uuid4())) is None


def test_a_refresh_token_is_spent_once(repo: AccountRepository) -> None:
    li = added(repo, "li")
    session_id = str(uuid.uuid4())
    repo.add_session(Session(session_id, li.id, T0, T0))
    repo.add_refresh("a" * 64, session_id, T0)
    token = repo.find_refresh("a" * 64)
    assert token is not None and (token.session_id, token.issued_at, token.spent_at) == (session_id, T0, None)
    later = T0 + timedelta(minutes=1)
    assert repo.spend_refresh("a" * 64, later) is True
    assert repo.spend_refresh("a" * 64, later) is False
    spent = repo.find_refresh("a" * 64)
    assert spent is not None and spent.spent_at == later
    assert repo.find_refresh("b" * 64) is None


def test_the_latest_enrolment_code_is_the_current_one_and_is_spent_once(repo: AccountRepository) -> None:
    li, wang = added(repo, "li"), added(repo, "wang")
    expires = T0 + timedelta(hours=72)
    repo.add_enrolment_code(li.id, "1" * 64, T0, expires, "admin-1")
    repo.add_enrolment_code(li.id, "2" * 64, T0 + timedelta(minutes=1), expires, "admin-1")
    current = repo.current_enrolment_code(li.id)
    assert current is not None and (current.code_hash, current.spent_at) == ("2" * 64, None)
    repo.spend_enrolment_code(current.id, T0 + timedelta(minutes=2))
    spent = repo.current_enrolment_code(li.id)
    assert spent is not None and (spent.id, spent.spent_at) == (current.id, T0 + timedelta(minutes=2))
    assert repo.current_enrolment_code(wang.id) is None


def test_an_id_that_is_no_uuid_finds_nothing(repo: AccountRepository) -> None:
    """A service's token names `service:<name>`, not an account: looked up, it is simply not there."""
    added(repo, "li")
    assert repo.get("service:draw") is None and repo.get_session("service:draw") is None


def test_a_holders_contact_is_its_latest_version_and_belongs_to_an_account(repo: AccountRepository) -> None:
    li = added(repo, "li")
    assert repo.contact(li.id) is None
    assert repo.add_contact(AccountContact(li.id, "li@hz.gov.cn", None), "admin-1", T0) == 1
    assert repo.add_contact(AccountContact(li.id, None, "13812345678"), "admin-2", T0 + timedelta(minutes=1)) == 2
    kept = repo.contact(li.id)
    assert kept is not None
    assert (kept.email, kept.mobile, kept.version, kept.given_by) == (None, "13812345678", 2, "admin-2")
    assert kept.given_at == T0 + timedelta(minutes=1)
    assert repo.contact(added(repo, "wang").id) is None
    with pytest.raises(Exception):  # noqa: B017 - the fake's ValueError, PostgreSQL's foreign key
        repo.add_contact(AccountContact(str(uuid.uuid4()), "x@hz.gov.cn", None), "admin-1", T0)
