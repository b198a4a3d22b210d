"""Every way a session ends is announced (`identity.sessions_ended`), naming exactly the sessions that ended, so
that every service refuses their access tokens at once instead of when they expire."""

from __future__ import annotations

from typing import Any

from handlers_harness import NEW_PASSWORD, PASSWORD, Identity, acting, refused
from identity.domain.model import Account
from identity.service_layer.commands import (
    ChangePassword,
    ChangeRoles,
    DisableAccount,
    LogOut,
    RefreshSession,
    ResetEnrolment,
)

ENDED = "identity.sessions_ended"


def announced(identity: Identity) -> list[dict[str, Any]]:
    return [e.payload for e in identity.published if e.type == ENDED]


def two_sessions(identity: Identity, admin: Account) -> tuple[Account, str, list[str]]:
    li, secret = identity.enrolled(admin)
    sessions = [identity.log_in("li", secret).session_id for _ in range(2)]
    return li, secret, sessions


def test_a_logout_announces_its_one_session(identity: Identity, admin: Account) -> None:
    li, _, (first, second) = two_sessions(identity, admin)
    identity.run(LogOut(acting(li, first)), acting(li, first))
    [event] = announced(identity)
    assert event["session_ids"] == [first] and event["reason"] == "logout" and event["account_id"] == li.id
    assert event["node"] == li.node and identity.repo.sessions[second].ended_at is None


def test_a_reset_a_disable_and_a_change_of_roles_announce_every_live_session(
    identity: Identity, admin: Account
) -> None:
    for command, reason in (
        (lambda account: ResetEnrolment(acting(admin), account.id, "手机丢失"), "reset"),
        (lambda account: DisableAccount(acting(admin), account.id, "调离"), "disabled"),
        (lambda account: ChangeRoles(acting(admin), account.id, ("auditor",), "转岗"), "roles"),
    ):
        fresh = Identity()
        chief = fresh.first_admin()[0]
        li, _, sessions = two_sessions(fresh, chief)
        fresh.run(command(li), acting(chief))
        [event] = announced(fresh)
        assert (sorted(event["session_ids"]), event["reason"]) == (sorted(sessions), reason)
        assert fresh.last().detail["sessions_ended"] == "2"


def test_roles_given_again_unchanged_end_no_session(identity: Identity, admin: Account) -> None:
    li, _, _ = two_sessions(identity, admin)
    identity.run(ChangeRoles(acting(admin), li.id, ("planner",)), acting(admin))
    assert announced(identity) == []


def test_a_password_change_announces_the_other_sessions_only(identity: Identity, admin: Account) -> None:
    li, secret, (other, mine) = two_sessions(identity, admin)
    me = acting(li, mine)
    identity.clock.advance()
    assert identity.run(ChangePassword(me, PASSWORD, NEW_PASSWORD, identity.clock.code(secret)), me) == 1
    [event] = announced(identity)
    assert (event["session_ids"], event["reason"]) == ([other], "password")


def test_a_reused_refresh_token_announces_the_session_it_ends(identity: Identity, admin: Account) -> None:
    _, secret = identity.enrolled(admin)
    tokens = identity.log_in("li", secret)
    identity.run(RefreshSession(tokens.refresh_token))
    refused(identity.run(RefreshSession(tokens.refresh_token)), "refresh.reused")
    [event] = announced(identity)
    assert (event["session_ids"], event["reason"]) == ([tokens.session_id], "reuse")
