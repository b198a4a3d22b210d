"""The sender as its own process against a real SMTP server (aiosmtpd) and a real HTTP server standing in for the
SMS gateway, both recording what they received: each notification delivered once and signed; a channel that is
down is retried with backoff and the notification waits, then delivered when it is back, or failed with the error
after its attempts; kill -9 of the sender mid-batch and a restart deliver every notification, and the test counts
what the servers received."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest
from notification_testkit import Double, migrate, queue_notifications, sender_process, states, wait_for

pytestmark = pytest.mark.integration


def test_each_notification_reaches_its_channel_once_signed(fresh_database: str, doubles, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    smtp, sms = doubles
    migrate(fresh_database)
    ids = queue_notifications(fresh_database, 20)
    sender = sender_process(fresh_database, tmp_path, smtp.port, sms.port).start()
    try:
        wait_for(lambda: states(fresh_database).get("sent") == 40, 60, "40 sent")
    finally:
        sender.stop()
    mail, texts = smtp.received(), sms.received()
    assert len(mail) == 20 and len(texts) == 20  # the gateway answers 401 to a bad signature: all were signed right
    assert {m["message_id"] for m in mail} == {f"<{i}@notification.hrss>" for i in ids[0::2]}
    assert {t["idempotency_key"] for t in texts} == set(ids[1::2]) == {t["id"] for t in texts}
    assert "您已被随机匹配为以下检查对象的执法检查人员" in mail[0]["body"] and mail[0]["subject"].startswith(
        "【检查任务】"
    )
    assert texts[0]["mobile"].startswith("138") and texts[0]["content"].startswith("【双随机监管】")
    assert "您已被随机匹配" not in sender.tail(200)  # bodies are never logged


def test_a_channel_down_waits_and_is_delivered_when_back_or_failed_and_visible(
    fresh_database: str, tmp_path: Path
) -> None:
    from hrss.testing.processes import free_port

    migrate(fresh_database)
    smtp = Double("smtp_server.py", free_port(), tmp_path / "mail.jsonl")
    queue_notifications(fresh_database, 3, sms=False)
    patient = {"HRSS_NOTIFICATION_RETRY_FIRST_SECONDS": "0.5", "HRSS_NOTIFICATION_MAX_ATTEMPTS": "20"}
    sender = sender_process(fresh_database, tmp_path, smtp.port, free_port(), **patient).start()
    try:
        wait_for(lambda: states(fresh_database).get("retry") == 3, 30, "3 waiting after a failed attempt")
        smtp.start()  # the server comes back
        wait_for(lambda: states(fresh_database).get("sent") == 3, 60, "3 sent once the server is back")
    finally:
        sender.stop()
        smtp.stop()
    assert len(smtp.received()) == 3
    # a channel that stays down: failed after its attempts, with the error, for an administrator to see
    queue_notifications(fresh_database, 2, sms=False)
    hasty = {"HRSS_NOTIFICATION_MAX_ATTEMPTS": "2", "HRSS_NOTIFICATION_RETRY_FIRST_SECONDS": "0.2"}
    sender = sender_process(fresh_database, tmp_path, free_port(), free_port(), **hasty).start()
    try:
        wait_for(lambda: states(fresh_database).get("failed") == 2, 30, "2 failed")
    finally:
        sender.stop()
    import sqlalchemy as sa

    engine = sa.create_engine(fresh_database)
    with engine.connect() as connection:
        errors = connection.execute(sa.text("SELECT error FROM notification.delivery WHERE state = 'failed'")).scalars()
        assert all(e.startswith("SMTP 发送失败：ConnectionRefusedError") for e in errors)
    engine.dispose()


def test_kill_9_of_the_sender_mid_batch_and_a_restart_deliver_each_notification(
    fresh_database: str,
    doubles,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    smtp, sms = doubles
    migrate(fresh_database)
    count, kills = 1500, 3
    ids = queue_notifications(fresh_database, count)
    # a short lease, so that what the killed sender held is taken again within seconds
    settings = {"HRSS_NOTIFICATION_LEASE_SECONDS": "3", "HRSS_NOTIFICATION_BATCH": "100"}
    sender = sender_process(fresh_database, tmp_path, smtp.port, sms.port, **settings).start()
    try:
        for k in range(1, kills + 1):
            wait_for(lambda k=k: len(smtp.received()) >= k * count // (kills + 1), 120, f"a quarter more ({k})")
            sender.kill9()
            sender.start()
        wait_for(lambda: states(fresh_database).get("sent") == 2 * count, 180, "every notification sent")
    finally:
        sender.stop()
    for name, received, key, expected in (
        ("smtp", smtp.received(), "message_id", {f"<{i}@notification.hrss>" for i in ids[0::2]}),
        ("sms", sms.received(), "idempotency_key", set(ids[1::2])),
    ):
        seen = collections.Counter(r[key] for r in received)
        duplicates = sum(n - 1 for n in seen.values())
        print(f"{name}: {len(received)} received, {len(seen)} distinct, {duplicates} duplicates after {kills} kills")
        assert set(seen) == expected  # none lost, none foreign
        # the at-least-once window: a message the channel accepted just before the kill, before `sent` was
        # committed, is sent again with the same Message-ID / Idempotency-Key (confirm_every = 1: at most 1 a kill)
        assert duplicates <= kills
