"""Account messages (issue 19): an enrolment code reaches its holder's own address and nobody else, sealed in every
kept row and opened by the sender only, for that address; a lockout and its early end are told to the holder and
the node's administrators."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict
from datetime import timedelta

import pytest
from notification.adapters.unsealing import UnsealingTransport, opening_keys
from notification.domain.model import Channel, DeliveryError, Notification, Outgoing
from notification.service_layer import accounts
from notification.service_layer.commands import KeepMyContact
from notification.service_layer.context import Context
from notification_fakes import FakeTransport
from notification_harness import Notifications, staff
from notification_testkit import COUNTY_A, COUNTY_B, NOW

from hrss.auth import Principal, Role
from hrss.auth.sealing import OpeningKeys, code_context
from hrss.contracts.events.identity import AccountLocked, AccountUnlocked, EnrolmentCodeIssued, SealedCode
from hrss.testing.fakes import FakeUnitOfWork

CODE = "ABCD-EFGH-IJKL-MNOP-QRST-UVWX"
EMAIL, MOBILE = "li.si@hz.gov.cn", "13812345678"
KEYS = OpeningKeys.generate("n1")


def code_issued(account_id: str, node: str = COUNTY_A, keys: OpeningKeys = KEYS, **more: object) -> EnrolmentCodeIssued:
    """identity's event: the code sealed to the notification key, once per address."""
    recipients = keys.recipients()
    boxes = [
        SealedCode(channel=channel, address=address, tokens=recipients.seal(CODE, code_context(account_id, address)))
        for channel, address in (("email", EMAIL), ("sms", MOBILE))
    ]
    values: dict[str, object] = {
        "account_id": uuid.UUID(account_id),
        "node": node,
        "login": "lisi",
        "name": "李四",
        "why": "created",
        "issued_by": "admin-1",
        "issued_at": NOW,
        "expires_at": NOW + timedelta(hours=72),
        "deliver_to": boxes,
    }
    return EnrolmentCodeIssued.model_validate({**values, **more})


def receive_code(s: Notifications, event: EnrolmentCodeIssued, event_id: str | None = None) -> int:
    uow = FakeUnitOfWork(service="notification", nodes=s.nodes)
    ctx = Context(uow, s.components, Principal.for_service("notification", list(s.nodes)), "req-1")
    made = accounts.receive_code(ctx, event, event_id or str(uuid.uuid4()))
    uow.commit()
    s.audited += [record for _, record in uow.audited]
    return made


def outgoing(n: Notification) -> Outgoing:
    """A kept notification as the sender claims it."""
    assert n.address is not None
    return Outgoing(n.id, n.channel, n.node, n.address, n.subject, n.body, 1, NOW)


@pytest.fixture
def s() -> Notifications:
    return Notifications()


def test_the_code_is_queued_to_each_address_of_the_holder_sealed_and_never_in_an_inbox(s: Notifications) -> None:
    holder = str(uuid.uuid4())
    event = code_issued(holder)
    assert receive_code(s, event, "e-1") == 2
    [email], [sms] = s.sent(Channel.EMAIL), s.sent(Channel.SMS)
    assert (email.address, sms.address) == (EMAIL, MOBILE) and email.recipient == f"account:{holder}"
    assert email.mandatory and email.template_id == "enrolment_code" and "lisi" in email.body
    assert "{" not in email.body + email.subject + sms.body and "激活码" in email.subject
    assert s.sent(Channel.INBOX) == []
    kept = json.dumps([asdict(n) for n in s.repo.notifications.values()], default=str, ensure_ascii=False)
    kept += json.dumps([asdict(a) for a in s.audited], default=str, ensure_ascii=False)
    assert CODE not in kept and CODE.replace("-", "") not in kept and "⟦sealed:" in email.body
    assert receive_code(s, event, "e-1") == 0  # a replay makes nothing new
    contact = s.repo.contact(f"account:{holder}")
    assert contact is not None and (contact.email, contact.mobile) == (EMAIL, MOBILE)


def test_the_holders_own_contact_is_kept_and_a_delegated_countys_code_is_left_to_it(s: Notifications) -> None:
    holder = staff({Role.PLANNER})
    s.as_person(holder, KeepMyContact("own@hz.gov.cn", None))
    receive_code(s, code_issued(holder.account_id))
    assert s.repo.contact(f"account:{holder.account_id}").email == "own@hz.gov.cn"  # type: ignore[union-attr]
    assert [n.address for n in s.sent(Channel.EMAIL)] == [EMAIL]  # the code goes where identity sealed it for
    assert receive_code(s, code_issued(str(uuid.uuid4()), node=COUNTY_B)) == 0


def test_a_code_no_channel_here_can_carry_is_one_failed_notification(s: Notifications) -> None:
    inbox_only = Notifications(channels=frozenset({Channel.INBOX}))
    assert receive_code(inbox_only, code_issued(str(uuid.uuid4()))) == 1
    [failed] = inbox_only.sent(Channel.EMAIL)
    assert failed.address is None and "⟦sealed:" not in failed.body and CODE not in failed.body


def test_the_sender_opens_the_code_for_the_address_it_goes_to_and_nowhere_else(s: Notifications) -> None:
    holder = str(uuid.uuid4())
    receive_code(s, code_issued(holder))
    [email], [sms] = s.sent(Channel.EMAIL), s.sent(Channel.SMS)
    channel = FakeTransport()
    sender = UnsealingTransport(channel, opening_keys(KEYS.private_text()))
    sender.send(outgoing(email))
    sender.send(outgoing(sms))
    assert [m.address for m in channel.received] == [EMAIL, MOBILE]
    assert all(CODE in m.body and "⟦sealed:" not in m.body for m in channel.received)
    moved = Outgoing(**{**asdict(outgoing(email)), "address": "thief@example.com"})
    with pytest.raises(DeliveryError) as refused:
        sender.send(moved)
    assert refused.value.permanent and CODE not in str(refused.value) and len(channel.received) == 2


def test_a_wrong_key_or_a_tampered_box_is_a_permanent_failure(s: Notifications) -> None:
    receive_code(s, code_issued(str(uuid.uuid4())))
    [email] = s.sent(Channel.EMAIL)
    channel = FakeTransport()
    with pytest.raises(DeliveryError) as wrong_key:
        UnsealingTransport(channel, OpeningKeys.generate("n1")).send(outgoing(email))
    assert wrong_key.value.permanent
    message = outgoing(email)
    start = message.body.index("hrss-sealed.v1.") + 80  # inside the box (past "n1." and the 43-character key)
    flipped = message.body[:start] + ("A" if message.body[start] != "A" else "B") + message.body[start + 1 :]
    with pytest.raises(DeliveryError):
        UnsealingTransport(channel, KEYS).send(Outgoing(**{**asdict(message), "body": flipped}))
    plain = Outgoing(**{**asdict(message), "body": "没有激活码的普通通知"})
    UnsealingTransport(channel, OpeningKeys({})).send(plain)  # other messages pass untouched, keys or not
    assert [m.body for m in channel.received] == ["没有激活码的普通通知"]
    with pytest.raises(RuntimeError, match="HRSS_ENROLMENT_SEAL_KEYS"):
        opening_keys("n1=c2hvcnQ=")


def test_a_lockout_and_its_early_end_reach_the_holder_and_the_nodes_administrators(s: Notifications) -> None:
    holder = staff({Role.PLANNER})
    s.as_person(holder, KeepMyContact("me@hz.gov.cn", None))
    account_id = uuid.UUID(holder.account_id)
    locked = AccountLocked(
        account_id=account_id,
        node=COUNTY_A,
        login="lisi",
        locked_at=NOW,
        locked_until=NOW + timedelta(minutes=5),
        client="10.0.0.9",
    )
    unlocked = AccountUnlocked(
        account_id=account_id,
        node=COUNTY_A,
        login="lisi",
        unlocked_by="admin-1",
        reason="本人电话核实",
        was_locked=True,
        unlocked_at=NOW + timedelta(minutes=1),
    )
    assert s.receive(locked, unlocked) == [3, 3]  # the holder's inbox and e-mail, the administrators' inbox
    inbox = sorted((n.template_id, n.recipient) for n in s.sent(Channel.INBOX))
    assert inbox == [
        ("account_locked", f"account:{holder.account_id}"),
        ("account_locked", f"role:{COUNTY_A}:county_admin"),
        ("account_unlocked", f"account:{holder.account_id}"),
        ("account_unlocked", f"role:{COUNTY_A}:county_admin"),
    ]
    emails = {n.template_id: n for n in s.sent(Channel.EMAIL)}
    assert "10.0.0.9" in emails["account_locked"].body and "本人电话核实" in emails["account_unlocked"].body
