"""The planning service's errors: the registry's field errors, plus refusals of who may act and of state changes."""

from __future__ import annotations

from hrss.contracts import PlatformError
from hrss.contracts.errors import Conflict, FieldError, InvalidRecord, NotFound

__all__ = ["Conflict", "FieldError", "IllegalTransition", "InvalidRecord", "NotAllowed", "NotFound"]


class NotAllowed(PlatformError):
    """The actor's node may not take this step (HTTP 403): not the plan's node, or not its parent."""

    status = 403


class IllegalTransition(PlatformError):
    """A state change the lifecycle does not allow (HTTP 409); the message names both states in Chinese."""

    status = 409

    def __init__(self, code: str, current: str, target: str) -> None:
        super().__init__(code, f"当前状态为“{current}”，不能变更为“{target}”")
        self.current = current
        self.target = target


def reason_required(field: str, code: str, what: str) -> InvalidRecord:
    """The error for a step that needs a written reason and got none."""
    return InvalidRecord([FieldError(field, code, f"{what}必须填写理由")])
