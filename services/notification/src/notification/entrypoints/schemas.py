"""Request bodies (pydantic): unknown fields refused, every refusal naming the field in Chinese."""

from __future__ import annotations

from pydantic import Field

from hrss.contracts.nodes import NodeCode
from hrss.web import Body, Text


class ContactBody(Body):
    """An e-mail address and/or a mobile number; empty or left out: none."""

    email: Text | None = Field(default=None, max_length=254)
    mobile: Text | None = Field(default=None, max_length=11)


class EntityContactBody(ContactBody):
    node: NodeCode  # the node that inspects the entity (its administrators keep the contact)


class PreferencesBody(Body):
    """Channels per kind of notification (email, sms; the inbox is always kept) and quiet hours, HH:MM in CST."""

    channels: dict[Text, list[Text]] = Field(default_factory=dict, max_length=20)
    quiet_start: Text | None = Field(default=None, max_length=5)
    quiet_end: Text | None = Field(default=None, max_length=5)
