"""Enrolment codes over Kafka, PostgreSQL and a real SMTP server and SMS gateway double (issue 19): identity's sealed
code becomes one e-mail and one SMS to the holder's own addresses, kept sealed in every row, opened by the sender
process only (which alone has the key) and received in clear by the holder; a lockout reaches the holder's and the
administrators' inboxes."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from notification_testkit import COUNTY_A, NOW, Running, send, sender_process, token, wait_for

from hrss.auth.sealing import OpeningKeys, code_context
from hrss.bus.broker import TopicSpec
from hrss.contracts import registry
from hrss.contracts.events.identity import AccountLocked, EnrolmentCodeIssued, SealedCode

pytestmark = pytest.mark.integration

CODE = "ABCD-EFGH-IJKL-MNOP-QRST-UVW2"
EMAIL, MOBILE = "li.si@hz.gov.cn", "13812345678"


def everything_kept(dsn: str) -> str:
    """Every text the notification schema holds, as one string to scan."""
    engine = sa.create_engine(dsn)
    with engine.connect() as connection:
        tables = connection.execute(
            sa.text("SELECT table_name FROM information_schema.tables WHERE table_schema = 'notification'")
        ).scalars()
        found = [
            str(row)
            for table in list(tables)
            for row in connection.execute(sa.text(f'SELECT * FROM notification."{table}"'))
        ]
    engine.dispose()
    return "\n".join(found)


def codes_in(mail: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in mail if "激活码" in str(m["subject"])]


def codes_in_sms(texts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [t for t in texts if "激活码" in str(t["content"])]


def test_the_code_reaches_the_holder_only_in_clear_and_is_kept_sealed(
    notification_service: Running,
    doubles,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    s, (smtp, sms) = notification_service, doubles
    keys, holder = OpeningKeys.generate("n1"), str(uuid.uuid4())
    boxes = [
        SealedCode(channel=c, address=a, tokens=keys.recipients().seal(CODE, code_context(holder, a)))
        for c, a in (("email", EMAIL), ("sms", MOBILE))
    ]
    issued = EnrolmentCodeIssued(
        account_id=uuid.UUID(holder),
        node=COUNTY_A,
        login="lisi",
        name="李四",
        why="created",
        issued_by="admin-1",
        issued_at=NOW,
        expires_at=NOW + timedelta(hours=72),
        deliver_to=boxes,
    )
    locked = AccountLocked(
        account_id=uuid.UUID(holder), node=COUNTY_A, login="lisi", locked_at=NOW, locked_until=NOW, client="10.0.0.9"
    )
    s.broker.ensure_topics([TopicSpec(registry.contract_of(type(p)).topic_for(None)) for p in (issued, locked)])
    send(s.broker, issued, locked)
    made = "SELECT count(*) FROM notification.notification WHERE kind = :kind AND channel = :channel"

    def both_made() -> bool:
        code = (
            s.rows(made, kind="enrolment_code", channel="email")[0][0]
            + s.rows(made, kind="enrolment_code", channel="sms")[0][0]
        )
        return code == 2 and s.rows(made, kind="account_locked", channel="inbox")[0][0] == 2

    wait_for(both_made, what="the code (e-mail, SMS) and the lockout (the holder's and the administrators' inboxes)")
    kept = everything_kept(s.dsn)
    assert CODE not in kept and CODE.replace("-", "") not in kept and "⟦sealed:" in kept
    holder_token = token(s.key, {"planner"}, COUNTY_A, account=holder)
    inbox = s.call("GET", "/inbox", holder_token).json()["notifications"]
    assert [n["kind"] for n in inbox] == ["account_locked"]  # the code is in no inbox
    admin = token(s.key, {"county_admin"}, COUNTY_A)
    assert [n["kind"] for n in s.call("GET", "/inbox", admin).json()["notifications"]] == ["account_locked"]

    sender = sender_process(s.dsn, tmp_path, smtp.port, sms.port, HRSS_ENROLMENT_SEAL_KEYS=keys.private_text()).start()
    try:
        wait_for(
            lambda: codes_in(smtp.received()) and codes_in_sms(sms.received()), 90, "the code's e-mail and SMS sent"
        )
    finally:
        sender.stop()
    codes = codes_in(smtp.received())
    assert [m["to"] for m in codes] == [[EMAIL]] and CODE in codes[0]["body"]
    [text] = codes_in_sms(sms.received())  # the holder's lockout may come by SMS too
    assert text["mobile"] == MOBILE and CODE in text["content"]
    assert CODE not in sender.tail(400) and CODE not in everything_kept(s.dsn)
