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
