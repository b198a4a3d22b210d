from datetime import UTC, datetime, timedelta

import pytest

from hrss.auth import LockoutPolicy, LoginState, SessionExpired, SessionPolicy
from hrss.auth.lockout import describe_wait

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def fail(policy, state, now, times=1):
    verdict = None
    for _ in range(times):
        assert policy.check(state, now).allowed
        state, verdict = policy.record_failure(state, now)
    return state, verdict


def test_each_failure_says_how_many_attempts_remain():
    policy = LockoutPolicy()
    state, verdict = fail(policy, LoginState(), T0)
    assert verdict.code == "login.failed"
    assert verdict.message == "用户名、密码或动态口令错误，再失败 4 次账号将被暂时锁定"
    state, verdict = fail(policy, state, T0 + minutes(1), times=3)
    assert "再失败 1 次" in verdict.message


def test_the_fifth_failure_in_the_window_locks_for_five_minutes():
    policy = LockoutPolicy()
    state, _ = fail(policy, LoginState(), T0, times=4)
    state, verdict = policy.record_failure(state, T0 + minutes(2))
    assert (verdict.allowed, verdict.code, verdict.retry_after) == (False, "login.locked", minutes(5))
    assert verdict.message == "登录失败次数过多，账号已暂时锁定，请 5 分钟后再试"
    during = policy.check(state, T0 + minutes(5))
    assert not during.allowed and during.message.endswith("请 2 分钟后再试")
    assert policy.check(state, T0 + minutes(6) + timedelta(seconds=30)).message.endswith("请 30 秒后再试")
    assert policy.check(state, T0 + minutes(7)).allowed


def test_failures_older_than_the_window_do_not_count():
    policy = LockoutPolicy()
    state, _ = fail(policy, LoginState(), T0, times=4)
    state, verdict = fail(policy, state, T0 + minutes(16))
    assert verdict.code == "login.failed" and "再失败 4 次" in verdict.message


def test_repeated_lockouts_double_up_to_the_cap():
    policy = LockoutPolicy()
    state, now, locks = LoginState(), T0, []
    for _ in range(10):
        state, verdict = fail(policy, state, now, times=5)
        locks.append(verdict.retry_after)
        now = state.locked_until
    assert locks[:6] == [minutes(5), minutes(10), minutes(20), minutes(40), minutes(80), minutes(160)]
    assert locks[-1] == timedelta(hours=24)
    assert policy.check(state, now - minutes(90)).message.endswith("请 1 小时 30 分钟后再试")


def test_success_and_a_quiet_day_reset_the_escalation():
    policy = LockoutPolicy()
    state, _ = fail(policy, LoginState(), T0, times=5)
    state, _ = fail(policy, state, state.locked_until, times=5)
    assert state.lockouts == 2
    later = state.locked_until + timedelta(hours=24)
    state, verdict = fail(policy, state, later, times=5)
    assert verdict.retry_after == minutes(5)
    assert policy.record_success(state, later) == LoginState()


def test_a_persistent_attacker_stays_at_the_longest_lock():
    policy = LockoutPolicy()
    state = LoginState(lockouts=500, locked_until=T0, last_failure=T0 - timedelta(hours=24))
    state, verdict = fail(policy, state, T0 + minutes(1), times=5)
    assert state.lockouts == 501 and verdict.retry_after == timedelta(hours=24)


def test_attempts_while_locked_are_refused_before_the_password_is_checked():
    policy = LockoutPolicy(max_failures=3, first_lock=minutes(1))
    state, _ = fail(policy, LoginState(), T0, times=3)
    assert not policy.check(state, T0 + timedelta(seconds=59)).allowed
    assert policy.check(state, T0 + timedelta(seconds=60)).allowed


@pytest.mark.parametrize(
    "wait, text",
    [
        (timedelta(seconds=0.2), "1 秒"),
        (timedelta(seconds=59), "59 秒"),
        (timedelta(seconds=61), "2 分钟"),
        (minutes(60), "1 小时"),
        (minutes(150), "2 小时 30 分钟"),
    ],
)
def test_waits_are_described_in_chinese_rounded_up(wait, text):
    assert describe_wait(wait) == text


def test_a_session_ends_after_thirty_idle_minutes():
    policy = SessionPolicy()
    last_seen = policy.touch(T0, T0, T0 + minutes(29))
    assert policy.is_active(T0, last_seen, last_seen + minutes(29))
    with pytest.raises(SessionExpired) as caught:
        policy.touch(T0, last_seen, last_seen + minutes(30))
    assert caught.value.code == "session.idle" and caught.value.status == 401
    assert caught.value.message == "超过 30 分钟未操作，请重新登录"


def test_a_busy_session_still_ends_at_its_maximum_lifetime():
    policy = SessionPolicy(max_lifetime=timedelta(hours=12))
    now = T0 + timedelta(hours=12)
    assert not policy.is_active(T0, now - minutes(1), now)
    with pytest.raises(SessionExpired) as caught:
        policy.check(T0, now - minutes(1), now)
    assert caught.value.code == "session.expired"
