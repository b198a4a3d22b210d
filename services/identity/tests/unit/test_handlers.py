"""The identity use cases on the fakes: each command handed to `handle` as the entrypoints and the command line
hand it, against the in-memory repository and unit of work, asserting what is kept, what is answered, and what
the audit chain receives. Milliseconds each; the same rules run on PostgreSQL in tests/integration."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from handlers_harness import (
    CITY,
    COUNTY,
    NEW_PASSWORD,
    PASSWORD,
    PROVINCE,
    Identity,
    acting,
    new_account,
    refused,
    secret_of,
)
from identity.domain.model import Account, Status
from identity.service_layer.commands import (
    ApproveEnrolmentReset,
    ChangePassword,
    ChangeRoles,
    ConfirmEnrolment,
    CreateAccount,
    CreateFirstAdmin,
    DisableAccount,
    Enrol,
    LinkInspector,
    LogIn,
    LogOut,
    RefreshSession,
    ResetEnrolment,
    UnlockAccount,
)
from identity.service_layer.handlers import COMMAND_HANDLERS
from identity.service_layer.login import Tokens
from identity_testkit import inspector_event as inspector

from hrss.audit import Outcome
from hrss.contracts import PlatformError


def test_every_command_has_a_handler_and_a_test_here() -> None:
    tested = {CreateFirstAdmin, CreateAccount, ChangeRoles, LinkInspector, DisableAccount, ResetEnrolment}
    tested |= {LogIn, RefreshSession, LogOut, Enrol, ConfirmEnrolment, ChangePassword}
    tested |= {UnlockAccount, ApproveEnrolmentReset}  # in test_login_defences.py, test_admin_reset.py
    assert set(COMMAND_HANDLERS) == tested


# -- the first administrator ---------------------------------------------------------------


def test_the_first_administrator_of_a_node_is_made_once_and_audited_as_the_command_line(identity: Identity) -> None:
    admin, secret = identity.first_admin()
    assert (admin.roles, admin.status, admin.node) == (("province_admin",), Status.ACTIVE, PROVINCE)
    entry = identity.last()
    assert (entry.actor, entry.action, entry.object_id, entry.after_hash) == (
        "cli",
        "account.create_admin",
        admin.id,
        admin.state_hash(),
    )
    with pytest.raises(PlatformError) as taken:
        identity.run(CreateFirstAdmin(PROVINCE, "admin", "管理员", PASSWORD))
    assert (taken.value.code, taken.value.message) == ("account.login_taken", "登录名 admin 已被使用")
    with pytest.raises(PlatformError) as not_empty:
        identity.run(CreateFirstAdmin(PROVINCE, "admin2", "管理员", PASSWORD))
    assert not_empty.value.code == "account.node_not_empty" and "330000" in not_empty.value.message
    assert isinstance(identity.log_in("admin", secret), Tokens)


# -- login and lockout ----------------------------------------------------------------------


def test_a_login_with_password_and_totp_opens_a_session_whose_token_names_the_account(identity: Identity) -> None:
    admin, secret = identity.first_admin()
    tokens = identity.log_in("admin", secret)
    principal = identity.components.verifier.principal(tokens.access_token)
    assert principal.account_id == admin.id and principal.session_id == tokens.session_id
    assert identity.repo.sessions[tokens.session_id].ended_at is None
    assert (identity.last().action, identity.last().outcome, identity.last().detail["code"]) == (
        "auth.login",
        Outcome.OK,
        "login.ok",
    )
    replayed = identity.run(LogIn("admin", PASSWORD, identity.clock.code(secret)))  # the same time step again
    refused(replayed, "login.failed")


def test_a_wrong_password_and_an_unknown_login_answer_alike_but_are_audited_apart(identity: Identity) -> None:
    admin, secret = identity.first_admin()
    wrong = refused(identity.log_in("admin", secret, password="Wrong-password-1"), "login.failed")
    unknown = refused(identity.run(LogIn("nobody", PASSWORD, "123456")), "login.failed")
    assert (wrong.status, wrong.message) == (unknown.status, unknown.message) == (401, "用户名、密码或动态口令错误")
    assert [(e.actor, e.outcome, e.detail["login"]) for e in identity.audited[-2:]] == [
        (admin.id, Outcome.REFUSED, "admin"),
        ("anonymous", Outcome.REFUSED, "nobody"),
    ]
    assert [a.outcome for a in identity.repo.attempts] == ["failed", "failed"]
    # the lockout itself, kept but not told, and the address throttle: test_login_defences.py


# -- enrolment -----------------------------------------------------------------------------


def test_enrolment_sets_a_password_binds_a_new_authenticator_and_spends_the_code(
    identity: Identity, admin: Account
) -> None:
    created, _ = identity.run(new_account(acting(admin), "li", "李四", CITY, ("planner",)), acting(admin))
    assert created.status is Status.PENDING and identity.last().action == "account.create"
    code = identity.mailbox["li"]  # what the holder received, not what the administrator was answered
    refused(identity.run(Enrol("li", "WRONG-CODE", PASSWORD)), "enrolment.invalid")
    assert (identity.last().action, identity.last().outcome) == ("account.enrol", Outcome.REFUSED)
    refused(identity.run(Enrol("li", code, "short")), "password.too_short")
    secret = secret_of(identity.run(Enrol("li", code.lower(), PASSWORD)))  # typed loosely: still the code
    refused(identity.log_in("li", secret), "login.not_enrolled")
    refused(identity.run(ConfirmEnrolment("li", code, "000000")), "enrolment.totp_invalid")
    identity.clock.advance()
    active = identity.run(ConfirmEnrolment("li", code, identity.clock.code(secret)))
    assert active.status is Status.ACTIVE and identity.repo.current_enrolment_code(active.id).spent_at is not None  # type: ignore[union-attr]
    refused(identity.run(ConfirmEnrolment("li", code, "000000")), "enrolment.used")
    assert isinstance(identity.log_in("li", secret), Tokens)


def test_an_enrolment_code_expires_and_confirming_before_enrolling_is_a_conflict(
    identity: Identity, admin: Account
) -> None:
    identity.run(new_account(acting(admin), "li", "李四", CITY, ("planner",)), acting(admin))
    not_yet = refused(identity.run(ConfirmEnrolment("li", identity.mailbox["li"], "000000")), "enrolment.not_enrolled")
    assert not_yet.status == 409
    identity.clock.advance(timedelta(hours=72))
    refused(identity.run(Enrol("li", identity.mailbox["li"], PASSWORD)), "enrolment.expired")


def test_a_reset_ends_sessions_and_password_and_only_the_new_code_enrols(identity: Identity, admin: Account) -> None:
    li, secret = identity.enrolled(admin)
    tokens = identity.log_in("li", secret)
    first_code = identity.repo.current_enrolment_code(li.id)
    reset, _ = identity.run(ResetEnrolment(acting(admin), li.id, "手机丢失"), acting(admin))
    assert reset.status is Status.PENDING and reset.version == li.version + 1
    assert identity.repo.sessions[tokens.session_id].end_reason == "reset"
    assert identity.last().reason == "手机丢失" and identity.last().detail["sessions_ended"] == "1"
    refused(identity.log_in("li", secret), "login.failed")  # the old password no longer verifies
    assert identity.repo.current_enrolment_code(li.id).id != first_code.id  # type: ignore[union-attr]
    assert isinstance(identity.run(Enrol("li", identity.mailbox["li"], NEW_PASSWORD)), str)
    with pytest.raises(PlatformError) as own:
        identity.run(ResetEnrolment(acting(admin), admin.id), acting(admin))
    assert (own.value.code, own.value.message) == ("access.own_account", "管理员不能重置自己账号的激活码")


# -- account management ---------------------------------------------------------------------


def test_roles_change_as_a_new_version_audited_with_both_hashes(identity: Identity, admin: Account) -> None:
    li, _ = identity.enrolled(admin)
    changed = identity.run(ChangeRoles(acting(admin), li.id, ("planner", "approver"), "兼任审批"), acting(admin))
    assert (changed.roles, changed.version) == (("approver", "planner"), li.version + 1)
    assert identity.repo.versions[li.id][-2] == li  # the earlier version stays as it was
    entry = identity.last()
    assert (entry.before_hash, entry.after_hash, entry.reason) == (li.state_hash(), changed.state_hash(), "兼任审批")
    with pytest.raises(PlatformError) as own:
        identity.run(ChangeRoles(acting(admin), admin.id, ("auditor",)), acting(admin))
    assert own.value.code == "access.own_roles" and own.value.status == 403


def test_an_account_outside_the_callers_subtree_is_not_found(identity: Identity, admin: Account) -> None:
    county_admin, _ = identity.enrolled(admin, "county", COUNTY, ("county_admin",))
    with pytest.raises(PlatformError) as hidden:
        identity.run(DisableAccount(acting(county_admin), admin.id), acting(county_admin))
    assert (hidden.value.code, hidden.value.status) == ("account.not_found", 404)
    with pytest.raises(PlatformError) as missing:
        identity.run(DisableAccount(acting(admin), str(uuid.uuid4())), acting(admin))
    assert missing.value.code == "account.not_found"


def test_a_disabled_account_cannot_log_in_and_is_disabled_once(identity: Identity, admin: Account) -> None:
    li, secret = identity.enrolled(admin)
    disabled = identity.run(DisableAccount(acting(admin), li.id, "调离"), acting(admin))
    assert disabled.is_disabled and identity.last().action == "account.disable"
    refused(identity.log_in("li", secret), "login.disabled")
    with pytest.raises(PlatformError) as again:
        identity.run(DisableAccount(acting(admin), li.id), acting(admin))
    assert again.value.code == "account.already_disabled"
    with pytest.raises(PlatformError) as own:
        identity.run(DisableAccount(acting(admin), admin.id), acting(admin))
    assert (own.value.code, own.value.message) == ("access.own_account", "管理员不能停用自己的账号")


# -- the inspector an account acts as ---------------------------------------------------------


def test_an_account_acts_as_one_active_inspector_of_its_node_and_a_link_ends_its_sessions(
    identity: Identity, admin: Account
) -> None:
    identity.events(inspector("33010001", CITY, version=2), inspector("33010001", CITY, "left", version=1))
    li, secret = identity.enrolled(admin, roles=("inspector",))
    wang, _ = identity.enrolled(admin, "wang", roles=("inspector",))
    tokens = identity.log_in("li", secret)
    linked = identity.run(LinkInspector(acting(admin), li.id, "33010001", "到岗"), acting(admin))
    assert linked.credential_no == "33010001" and linked.inspector_id == str(inspector("33010001", CITY).inspector_id)
    assert identity.repo.sessions[tokens.session_id].end_reason == "inspector"
    assert identity.components.verifier.principal(identity.log_in("li", secret).access_token).credential_no == (
        "33010001"
    )
    for credential_no, code in [("33010001", "account.inspector_taken"), ("99999999", "account.inspector_unknown")]:
        with pytest.raises(PlatformError) as error:
            identity.run(LinkInspector(acting(admin), wang.id, credential_no), acting(admin))
        assert error.value.code == code
    identity.events(inspector("33010002", CITY, "left"))
    with pytest.raises(PlatformError) as inactive:
        identity.run(LinkInspector(acting(admin), wang.id, "33010002"), acting(admin))
    assert inactive.value.code == "account.inspector_inactive"
    unlinked = identity.run(LinkInspector(acting(admin), li.id, None, "调离"), acting(admin))
    assert (unlinked.inspector_id, unlinked.credential_no) == (None, None)


def test_only_an_inspector_account_may_be_linked(identity: Identity, admin: Account) -> None:
    identity.events(inspector("33010001", CITY))
    li, _ = identity.enrolled(admin)
    with pytest.raises(PlatformError) as error:
        identity.run(LinkInspector(acting(admin), li.id, "33010001"), acting(admin))
    assert (error.value.code, error.value.status) == ("account.not_inspector", 400)


# -- sessions: refresh, logout, password ------------------------------------------------------


def test_a_refresh_token_works_once_and_its_reuse_ends_the_session(identity: Identity, admin: Account) -> None:
    _, secret = identity.enrolled(admin)
    first = identity.log_in("li", secret)
    second = identity.run(RefreshSession(first.refresh_token))
    assert isinstance(second, Tokens) and second.session_id == first.session_id
    refused(identity.run(RefreshSession(first.refresh_token)), "refresh.reused")
    assert identity.repo.sessions[first.session_id].end_reason == "reuse"
    refused(identity.run(RefreshSession(second.refresh_token)), "session.ended")
    refused(identity.run(RefreshSession("never-issued")), "refresh.invalid")


def test_a_session_idle_for_half_an_hour_cannot_be_refreshed(identity: Identity, admin: Account) -> None:
    _, secret = identity.enrolled(admin)
    tokens = identity.log_in("li", secret)
    identity.clock.advance(timedelta(minutes=30))
    refused(identity.run(RefreshSession(tokens.refresh_token)), "session.idle")
    assert identity.repo.sessions[tokens.session_id].end_reason == "idle"


def test_logging_out_ends_the_session_and_its_refresh_tokens(identity: Identity, admin: Account) -> None:
    li, secret = identity.enrolled(admin)
    tokens = identity.log_in("li", secret)
    identity.run(LogOut(acting(li, tokens.session_id)), acting(li, tokens.session_id))
    assert identity.repo.sessions[tokens.session_id].end_reason == "logout"
    assert (identity.last().action, identity.last().object_id) == ("auth.logout", tokens.session_id)
    refused(identity.run(RefreshSession(tokens.refresh_token)), "session.ended")
    with pytest.raises(PlatformError) as no_session:
        identity.run(LogOut(acting(li)), acting(li))  # a token minted without a login has no session
    assert no_session.value.code == "session.missing"


def test_a_password_change_needs_the_current_password_and_ends_the_other_sessions(
    identity: Identity, admin: Account
) -> None:
    li, secret = identity.enrolled(admin)
    other, mine = identity.log_in("li", secret), identity.log_in("li", secret)
    me = acting(li, mine.session_id)

    def change(current: str, new: str) -> Any:
        identity.clock.advance()
        return identity.run(ChangePassword(me, current, new, identity.clock.code(secret)), me)

    refused(change("Wrong-password-1", NEW_PASSWORD), "login.failed")
    assert (identity.last().action, identity.last().outcome) == ("account.password", Outcome.REFUSED)
    refused(change(PASSWORD, PASSWORD), "password.unchanged")
    assert change(PASSWORD, NEW_PASSWORD) == 1
    assert identity.repo.sessions[other.session_id].end_reason == "password"
    assert identity.repo.sessions[mine.session_id].ended_at is None
    refused(identity.log_in("li", secret), "login.failed")
    assert isinstance(identity.log_in("li", secret, password=NEW_PASSWORD), Tokens)
