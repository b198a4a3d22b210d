"""The sender's last step before a channel: a message holding a sealed enrolment code (domain/sealed.py) gets the
code opened (`hrss.auth.sealing`, the deployment's private keys: HRSS_ENROLMENT_SEAL_KEYS) for the account and the
very address it goes to, in memory only. A box that does not open (a key not held, an altered box, a box moved to
another address) is a permanent failure, named without the box or the code. Nothing here is logged."""

from __future__ import annotations

from dataclasses import replace

from hrss.auth.sealing import OpeningKeys, SealError, code_context
from notification.adapters.channels import Transport
from notification.domain.model import DeliveryError, Outgoing
from notification.domain.sealed import markers


class UnsealingTransport(Transport):
    """Wraps a channel's transport: opens sealed codes just before `send`."""

    def __init__(self, inner: Transport, keys: OpeningKeys) -> None:
        self.inner, self.keys = inner, keys

    def send(self, message: Outgoing) -> None:
        found = markers(message.body)
        if not found:
            self.inner.send(message)
            return
        body = message.body
        for text, account_id, tokens in found:
            try:
                code = self.keys.open(tokens, code_context(account_id, message.address))
            except SealError:
                raise DeliveryError(
                    "激活码无法解密（本部署无对应私钥、内容被改动或收件地址不符）", permanent=True
                ) from None
            body = body.replace(text, code)
        self.inner.send(replace(message, body=body))

    def close(self) -> None:
        self.inner.close()


def opening_keys(text: str) -> OpeningKeys:
    """The deployment's private keys (`kid=base64,…`); none is allowed (a message with a sealed code then fails)."""
    try:
        return OpeningKeys.parse(text)
    except SealError as error:
        raise RuntimeError(f"HRSS_ENROLMENT_SEAL_KEYS: {error}") from None
