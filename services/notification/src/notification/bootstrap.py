"""The one place where the notification service's components (and its sender's) are chosen, from config and the
environment. Nothing connects here."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from hrss.bus.config import delegated_nodes
from notification.adapters.channels import SmtpSettings, SmtpTransport, Transport, WebhookSmsTransport
from notification.adapters.repository import SqlNotificationRepository
from notification.adapters.unsealing import UnsealingTransport, opening_keys
from notification.domain.model import Channel, RetryPolicy
from notification.service_layer.components import Components
from notification.service_layer.sending import SenderSettings


def bootstrap(config: Mapping[str, Any]) -> Components:
    """Components from config; the channels queued are those this deployment has configured."""
    settings = config.get("NOTIFICATION") or {}
    channels = {Channel.INBOX}
    if str(settings.get("smtp_host") or ""):
        channels.add(Channel.EMAIL)
    if str(settings.get("sms_webhook_url") or ""):
        channels.add(Channel.SMS)
    return Components(
        delegated=tuple(n.code for n in delegated_nodes(dict(config))),
        channels=frozenset(channels),
        repository=sql_repository,
        remind_before=remind_before(settings),
        escalate_after=escalate_after(settings),
    )


def remind_before(settings: Mapping[str, Any], env: Mapping[str, str] = os.environ) -> int:
    """Working days before a result is due that reminders go out: config `remind_before_workdays`, else
    HRSS_NOTIFICATION_REMIND_BEFORE_WORKDAYS, else 3 (a value below 1 fails the start)."""
    value = int(settings.get("remind_before_workdays") or env.get("HRSS_NOTIFICATION_REMIND_BEFORE_WORKDAYS") or 3)
    if value < 1:
        raise ValueError("remind_before_workdays >= 1")
    return value


def escalate_after(settings: Mapping[str, Any], env: Mapping[str, str] = os.environ) -> int:
    """Working days an overdue stays open before the next level up is told (and between further steps): config
    `escalate_after_workdays`, else HRSS_NOTIFICATION_ESCALATE_AFTER_WORKDAYS, else 5 (below 1 fails the start)."""
    value = int(settings.get("escalate_after_workdays") or env.get("HRSS_NOTIFICATION_ESCALATE_AFTER_WORKDAYS") or 5)
    if value < 1:
        raise ValueError("escalate_after_workdays >= 1")
    return value


def sql_repository(uow: Any) -> SqlNotificationRepository:
    """The repository on the unit of work's database session."""
    return SqlNotificationRepository(uow.session)


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def sender_settings(env: Mapping[str, str] = os.environ) -> SenderSettings:
    """The sender's batch, lease, confirmation and retry policy: HRSS_NOTIFICATION_* (bad values fail the start)."""
    policy = RetryPolicy(
        max_attempts=int(env.get("HRSS_NOTIFICATION_MAX_ATTEMPTS", "6")),
        first=timedelta(seconds=float(env.get("HRSS_NOTIFICATION_RETRY_FIRST_SECONDS", "5"))),
        most=timedelta(seconds=float(env.get("HRSS_NOTIFICATION_RETRY_MOST_SECONDS", "1800"))),
    )
    settings = SenderSettings(
        policy=policy,
        batch=int(env.get("HRSS_NOTIFICATION_BATCH", "200")),
        lease=timedelta(seconds=float(env.get("HRSS_NOTIFICATION_LEASE_SECONDS", "120"))),
        confirm_every=int(env.get("HRSS_NOTIFICATION_CONFIRM_EVERY", "1")),
    )
    if settings.batch < 1 or settings.confirm_every < 1 or settings.lease <= timedelta(0):
        raise ValueError("HRSS_NOTIFICATION_BATCH and _CONFIRM_EVERY >= 1, _LEASE_SECONDS > 0")
    return settings


def transports(env: Mapping[str, str] = os.environ) -> dict[Channel, Transport]:
    """The channels configured: e-mail when HRSS_SMTP_HOST is set, SMS when HRSS_SMS_WEBHOOK_URL is."""
    found: dict[Channel, Transport] = {}
    if env.get("HRSS_SMTP_HOST"):
        found[Channel.EMAIL] = SmtpTransport(
            SmtpSettings(
                host=env["HRSS_SMTP_HOST"],
                port=int(env.get("HRSS_SMTP_PORT", "25")),
                sender=env.get("HRSS_SMTP_FROM", "noreply@hrss.local"),
                starttls=_flag(env.get("HRSS_SMTP_STARTTLS", "")),
                username=env.get("HRSS_SMTP_USERNAME", ""),
                password=env.get("HRSS_SMTP_PASSWORD", ""),
            )
        )
    if env.get("HRSS_SMS_WEBHOOK_URL"):
        secret = env.get("HRSS_SMS_WEBHOOK_SECRET", "").encode("utf-8")
        found[Channel.SMS] = WebhookSmsTransport(env["HRSS_SMS_WEBHOOK_URL"], secret)
    # enrolment codes travel sealed and are opened only here, just before the channel (adapters/unsealing.py)
    keys = opening_keys(env.get("HRSS_ENROLMENT_SEAL_KEYS", ""))
    return {channel: UnsealingTransport(transport, keys) for channel, transport in found.items()}
