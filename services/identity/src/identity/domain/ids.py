"""Identifiers of accounts and sessions: UUIDs."""

from __future__ import annotations

import uuid


def is_uuid(value: str) -> bool:
    """Whether `value` reads as a UUID (a service's `service:<name>`, or a mistyped id, does not)."""
    try:
        uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        return False
    return True
