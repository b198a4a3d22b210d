"""Tokens of ended sessions are refused at once, and the set of ended sessions forgets what has lapsed anyway."""

from types import SimpleNamespace

import pytest

from hrss.auth import KeySet, Principal, Role, SigningKey, TokenIssuer, TokenVerifier, Unauthenticated
from hrss.auth.dependency import Authenticator
from hrss.auth.revocations import KEEP_SECONDS, RevokedSessions
from hrss.auth.tokens import ACCESS_TTL, LEEWAY
from hrss.contracts import Node

NOW = 1_800_000_000.0
KEY = SigningKey.generate("k1")
LI = Principal("acc-1", "李四", Node("330102"), frozenset({Role.PLANNER}), session_id="sess-1")


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


def request_with(token: str) -> SimpleNamespace:
    return SimpleNamespace(headers={"Authorization": f"Bearer {token}"})


def authenticator(clock: Clock, revoked: RevokedSessions | None) -> Authenticator:
    verifier = TokenVerifier(KeySet.of(KEY), issuer="iss", audience="hrss", clock=clock)
    return Authenticator(verifier, None, revoked)


def test_a_token_of_an_ended_session_is_refused_and_one_of_another_session_is_not() -> None:
    clock = Clock()
    token = TokenIssuer(KEY, issuer="iss", audience="hrss", clock=clock).issue(LI)
    revoked = RevokedSessions(clock=clock)
    assert authenticator(clock, revoked).principal_from(request_with(token)).account_id == "acc-1"
    revoked.add(["sess-1"], NOW)
    with pytest.raises(Unauthenticated) as refused:
        authenticator(clock, revoked).principal_from(request_with(token))
    assert refused.value.code == "auth.token_revoked" and "重新登录" in refused.value.message
    other = TokenIssuer(KEY, issuer="iss", audience="hrss", clock=clock).issue(
        Principal("acc-1", "李四", Node("330102"), frozenset({Role.PLANNER}), session_id="sess-2")
    )
    assert authenticator(clock, revoked).principal_from(request_with(other)).session_id == "sess-2"
    assert authenticator(clock, None).principal_from(request_with(token)).session_id == "sess-1"


def test_an_ended_session_is_kept_while_a_token_issued_before_its_end_can_still_be_valid() -> None:
    assert KEEP_SECONDS >= ACCESS_TTL + LEEWAY
    clock = Clock()
    revoked = RevokedSessions(clock=clock)
    revoked.add(["a", "b"], NOW)
    clock.now = NOW + KEEP_SECONDS - 1
    assert revoked.is_revoked("a") and len(revoked) == 2
    revoked.add(["b"], NOW + 100)  # ended again later: kept from the later end
    clock.now = NOW + KEEP_SECONDS
    assert not revoked.is_revoked("a") and revoked.is_revoked("b") and len(revoked) == 1
    revoked.add(["old"], clock.now - KEEP_SECONDS)  # its tokens have lapsed already: nothing to keep
    assert not revoked.is_revoked("old") and not revoked.is_revoked(None)
