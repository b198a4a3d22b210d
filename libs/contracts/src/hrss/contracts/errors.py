"""The platform's errors for people and programs: a stable code, a Chinese message, the HTTP status."""

from __future__ import annotations


class PlatformError(Exception):
    """Base of every error shown at an edge; never carries a stack trace or SQL to the client."""

    status = 400

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    def to_dict(self) -> dict[str, str]:
        """The JSON body an endpoint answers with."""
        return {"code": self.code, "message": self.message}
