"""What people do here: keep their contact details, read their inbox; administrators keep entities' contacts."""

from __future__ import annotations

from datetime import time
from typing import Any

from hrss.auth import Action, Principal
from hrss.auth.roles import ADMIN_ROLES
from notification.domain import model
from notification.domain.errors import NoStaffAccount, NotificationNotFound, invalid
from notification.domain.model import Channel, Contact
from notification.domain.preferences import Preferences
from notification.domain.templates import TEMPLATES
from notification.service_layer.commands import KeepEntityContact, KeepMyContact, KeepMyPreferences, MarkRead
from notification.service_layer.context import Context


def recipients_of(principal: Principal) -> list[str]:
    """Every inbox address a staff member reads: their account, the inspector they are, and each role at their
    node."""
    if principal.is_service:
        raise NoStaffAccount()
    found = [model.account(principal.account_id)]
    if principal.inspector_id:
        found.append(model.inspector(principal.inspector_id))
    return found + [model.role(principal.node.code, str(r)) for r in sorted(principal.roles)]


def _checked(email: str | None, mobile: str | None) -> tuple[str | None, str | None]:
    email, mobile = (email or "").strip() or None, (mobile or "").strip() or None
    if email and not model.valid_email(email):
        raise invalid("email", "contact.email_invalid", "email 不是有效的电子邮件地址")
    if mobile and not model.valid_mobile(mobile):
        raise invalid("mobile", "contact.mobile_invalid", "mobile 应为 11 位手机号码，以 1 开头")
    return email, mobile


def keep_my_contact(ctx: Context, c: KeepMyContact) -> dict[str, Any]:
    p = ctx.principal
    recipients_of(p)  # staff only
    email, mobile = _checked(c.email, c.mobile)
    holder = model.account(p.account_id)
    found = Contact(holder, p.node.code, email, mobile, tuple(sorted(str(r) for r in p.roles)), p.inspector_id)
    version = ctx.repo.put_contact(found, p.account_id, ctx.components.clock())
    ctx.audit(
        role="self", action="contact.keep", object_type="contact", object_id=holder, node=p.node.code, version=version
    )
    return {"holder": holder, "version": version, "email": email, "mobile": mobile}


def keep_entity_contact(ctx: Context, c: KeepEntityContact) -> dict[str, Any]:
    role = ctx.authorize(c.node, ADMIN_ROLES, Action.WRITE)
    email, mobile = _checked(c.email, c.mobile)
    holder = model.entity(c.uscc)
    version = ctx.repo.put_contact(
        Contact(holder, c.node, email, mobile), ctx.principal.account_id, ctx.components.clock()
    )
    ctx.audit(role=role, action="contact.keep", object_type="contact", object_id=holder, node=c.node, version=version)
    return {"holder": holder, "version": version}


def mark_read(ctx: Context, c: MarkRead) -> dict[str, Any]:
    p = ctx.principal
    recorded = ctx.repo.mark_read(c.notification_id, recipients_of(p), p.account_id, ctx.components.clock())
    if recorded is None:
        raise NotificationNotFound(notification_id=c.notification_id)
    if recorded:
        ctx.audit(
            role="self",
            action="notification.read",
            object_type="notification",
            object_id=c.notification_id,
            node=p.node.code,
        )
    return {"notification_id": c.notification_id, "read": True, "newly": recorded}


def _clock_time(value: str | None, name: str) -> time | None:
    if value is None:
        return None
    try:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise invalid(name, "preference.time_invalid", f"{name} 应为 HH:MM（北京时间）") from None


def keep_my_preferences(ctx: Context, c: KeepMyPreferences) -> dict[str, Any]:
    p = ctx.principal
    recipients_of(p)  # staff only
    channels: dict[str, tuple[Channel, ...]] = {}
    for kind, wanted in c.channels.items():
        template = TEMPLATES.get(kind)
        if template is None:
            raise invalid(f"channels.{kind}", "preference.kind_unknown", f"没有这类通知：{kind}")
        if template.mandatory:
            raise invalid(f"channels.{kind}", "preference.mandatory", f"{kind} 类通知依规必须送达，不能关闭渠道")
        if any(w not in (Channel.EMAIL, Channel.SMS) for w in wanted):
            raise invalid(f"channels.{kind}", "preference.channel_unknown", "渠道只能是 email 或 sms（站内信总是保留）")
        channels[kind] = tuple(Channel(w) for w in dict.fromkeys(wanted))
    start, end = _clock_time(c.quiet_start, "quiet_start"), _clock_time(c.quiet_end, "quiet_end")
    if (start is None) != (end is None) or (start is not None and start == end):
        raise invalid("quiet_end", "preference.quiet_invalid", "免打扰时段须同时给出不同的开始和结束时间")
    holder = model.account(p.account_id)
    quiet = (start, end) if start is not None and end is not None else None
    version = ctx.repo.put_preference(Preferences(holder, channels, quiet), ctx.components.clock())
    ctx.audit(
        role="self",
        action="preference.keep",
        object_type="preference",
        object_id=holder,
        node=p.node.code,
        version=version,
    )
    return {"holder": holder, "version": version}
