"""Account messages: an enrolment code on its way to its holder (`identity.enrolment_code_issued`).

Each sealed box of the event becomes one notification to exactly the address identity sealed it for (e-mail or
SMS; no inbox: the holder cannot log in yet, and a code has no place in an inbox). The kept body holds the box in a
marker (domain/sealed.py), never the code: only the sender opens it, at send time. The address given when the
account was made also becomes the holder's contact here, unless they already keep one, so that later notices
(a lockout) reach them. Lockouts and unlocks are ordinary routes (routing.py)."""

from __future__ import annotations

from hrss.contracts.events.identity import EnrolmentCodeIssued
from notification.domain import model
from notification.domain.model import Channel, Contact, Notification
from notification.domain.sealed import marker
from notification.domain.templates import TEMPLATES
from notification.service_layer.context import Context
from notification.service_layer.notifying import concerns_us

WHY = {"created": "管理员已为您创建平台账号", "reset": "您的平台账号已被重置，需要重新激活"}


def receive_code(ctx: Context, e: EnrolmentCodeIssued, event_id: str) -> int:
    """Queue the code to each of the holder's addresses this deployment has a channel for; how many were new.
    An event for a node another deployment serves is left to it; a code no channel here can carry is recorded
    as one failed notification, which the node's administrators see."""
    if not concerns_us(ctx, e.node):
        return 0
    template = TEMPLATES["enrolment_code"]
    holder = model.account(e.account_id)
    now = ctx.components.clock()
    addresses = {box.channel: box.address for box in e.deliver_to}
    if ctx.repo.contact(holder) is None:
        contact = Contact(holder, e.node, addresses.get("email"), addresses.get("sms"))
        ctx.repo.put_contact(contact, e.issued_by, now)
    params = {
        "name": e.name,
        "login": e.login,
        "node": e.node,
        "why": WHY[e.why],
        "expires_at": e.expires_at.isoformat(timespec="minutes"),
    }
    made: list[Notification] = []
    for box in e.deliver_to:
        channel = Channel(box.channel)
        if channel not in ctx.components.channels:
            continue
        sealed = {**params, "code": marker(str(e.account_id), box.tokens)}
        made.append(_notification(ctx, template.id, e, event_id, holder, channel, box.address, sealed))
    if not made:
        made.append(_notification(ctx, template.id, e, event_id, holder, template.channels[0], None, params))
    return ctx.repo.add(made, now)


def _notification(
    ctx: Context,
    template_id: str,
    e: EnrolmentCodeIssued,
    event_id: str,
    holder: str,
    channel: Channel,
    address: str | None,
    params: dict[str, str],
) -> Notification:
    template = TEMPLATES[template_id]
    subject, body = template.render(channel, {"code": "（无法送达）", **params})
    return Notification(
        id=model.notification_id(event_id, holder, channel),
        event_id=event_id,
        kind=template.id,
        template_id=template.id,
        template_version=template.version,
        seed_section=template.seed_section,
        node=e.node,
        recipient=holder,
        channel=channel,
        address=address,
        subject=subject,
        body=body,
        mandatory=template.mandatory,
        created_at=ctx.components.clock(),
    )
