"""The fake channel and the real ones (SMTP to a real server, the webhook to the real gateway double) keep the same
promises: a message handed over is received once with its id; a channel that is down raises a DeliveryError that is
not permanent (so the sender retries it), and the next message after it comes back goes through."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from notification.adapters.channels import SmtpSettings, SmtpTransport, Transport, WebhookSmsTransport
from notification.domain.model import Channel, DeliveryError, Outgoing
from notification_fakes import FakeTransport
from notification_testkit import SECRET, Double

from hrss.testing.processes import free_port


class Case:
    """A transport, how to read what its receiver got, and how to take the receiver down and up."""

    def __init__(self, transport: Transport, received: Any, down: Any, up: Any) -> None:
        self.transport, self.received, self.down, self.up = transport, received, down, up


@pytest.fixture(params=["fake", pytest.param("smtp", marks=pytest.mark.integration),
                        pytest.param("webhook", marks=pytest.mark.integration)])  # fmt: skip
def case(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Case]:
    if request.param == "fake":
        fake = FakeTransport()

        def set_down(flag: bool) -> None:
            fake.down = flag

        yield Case(fake, lambda: [m.notification_id for m in fake.received], lambda: set_down(True),
                   lambda: set_down(False))  # fmt: skip
        return
    port = free_port()
    if request.param == "smtp":
        double = Double("smtp_server.py", port, tmp_path / "mail.jsonl")
        transport: Transport = SmtpTransport(SmtpSettings("127.0.0.1", port, timeout=5))
        key = "message_id"
    else:
        double = Double("sms_gateway.py", port, tmp_path / "sms.jsonl", "--secret", SECRET.decode())
        transport = WebhookSmsTransport(f"http://127.0.0.1:{port}/sms", SECRET, timeout=5)
        key = "idempotency_key"
    double.start()

    def received() -> list[str]:
        return [r[key].strip("<>").split("@")[0] for r in double.received()]

    try:
        yield Case(transport, received, double.stop, double.start)
    finally:
        transport.close()
        double.stop()


def message(n: int) -> Outgoing:
    """The gateway takes any address; an SMTP server wants an e-mail address, so every message has one."""
    at = datetime.now(UTC)
    return Outgoing(f"00000000-0000-4000-8000-{n:012d}", Channel.EMAIL, "330102", "one@example.cn", "【检查任务】",
                    "您已被随机匹配", 1, at)  # fmt: skip


def test_a_message_is_received_once_with_its_id(case: Case) -> None:
    case.transport.send(message(1))
    case.transport.send(message(2))
    assert case.received() == [message(1).notification_id, message(2).notification_id]


def test_a_channel_down_is_a_transient_error_and_the_next_message_goes_through_once_it_is_back(case: Case) -> None:
    case.transport.send(message(1))
    case.down()
    with pytest.raises(DeliveryError) as failed:
        case.transport.send(message(2))
    assert not failed.value.permanent
    case.up()
    case.transport.send(message(3))
    assert case.received() == [message(1).notification_id, message(3).notification_id]
