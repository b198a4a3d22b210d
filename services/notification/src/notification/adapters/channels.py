"""The channels' real adapters: e-mail over SMTP (smtplib; STARTTLS and authentication as configured) and the SMS
gateway webhook (HTTP POST of JSON with an HMAC-SHA256 signature over timestamp and body). Neither logs a message
body."""

from __future__ import annotations

import abc
import contextlib
import hashlib
import hmac
import json
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

import requests

from notification.domain.model import DeliveryError, Outgoing

SIGNATURE_HEADER = "X-HRSS-Signature"
TIMESTAMP_HEADER = "X-HRSS-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"


class Transport(abc.ABC):
    """One channel's way out: `send` delivers or raises `DeliveryError`."""

    @abc.abstractmethod
    def send(self, message: Outgoing) -> None: ...

    @abc.abstractmethod
    def close(self) -> None:
        """Drop any connection held between sends."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    sender: str = "noreply@hrss.local"
    starttls: bool = False
    username: str = ""
    password: str = ""
    timeout: float = 30.0


class SmtpTransport(Transport):
    """E-mail over one SMTP connection kept open between messages (reopened after an error)."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            s = self.settings
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if s.username:
                smtp.login(s.username, s.password)
            self._smtp = smtp
        return self._smtp

    def send(self, message: Outgoing) -> None:
        email = EmailMessage()
        email["From"] = self.settings.sender
        email["To"] = message.address
        email["Subject"] = message.subject
        email["Message-ID"] = message.message_id
        email["Date"] = formatdate(localtime=False)
        email["X-HRSS-Attempt"] = str(message.attempt)
        email.set_content(message.body)
        try:
            refused = self._connection().send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            self.close()
            raise DeliveryError(f"SMTP 拒收收件人：{_codes(error.recipients)}", permanent=True) from None
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise DeliveryError(f"SMTP 发送失败：{type(error).__name__}: {error}"[:500]) from None
        if refused:
            raise DeliveryError(f"SMTP 拒收收件人：{_codes(refused)}", permanent=True)

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._smtp = None


def _codes(refused: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{code}" for code, _ in refused.values())


def signature(secret: bytes, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 over `<timestamp>.<body>`: what the gateway recomputes to accept a request."""
    return hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class WebhookSmsTransport(Transport):
    """The provincial SMS platform's webhook: POST JSON {id, mobile, content, node}, signed; 2xx is accepted,
    4xx (but 408 and 429) is permanent, anything else is retried."""

    def __init__(self, url: str, secret: bytes, timeout: float = 10.0) -> None:
        if not secret:
            raise ValueError("the SMS gateway's signing secret is empty (HRSS_SMS_WEBHOOK_SECRET)")
        self.url, self.secret, self.timeout = url, secret, timeout
        self.http = requests.Session()

    def send(self, message: Outgoing) -> None:
        body = json.dumps(
            {"id": message.notification_id, "mobile": message.address, "content": message.body, "node": message.node},
            ensure_ascii=False,
        ).encode("utf-8")
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature(self.secret, timestamp, body),
            IDEMPOTENCY_HEADER: message.notification_id,
        }
        try:
            answer = self.http.post(self.url, data=body, headers=headers, timeout=self.timeout)
        except requests.RequestException as error:
            raise DeliveryError(f"短信网关不可达：{type(error).__name__}") from None
        if answer.status_code // 100 == 2:
            return
        permanent = answer.status_code // 100 == 4 and answer.status_code not in (408, 429)
        raise DeliveryError(f"短信网关答复 HTTP {answer.status_code}", permanent=permanent)

    def close(self) -> None:
        self.http.close()
