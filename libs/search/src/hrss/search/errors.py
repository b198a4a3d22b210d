"""The one error a caller's input can cause here: a stable code naming the field and a message in Chinese."""

from __future__ import annotations


class SearchInputError(ValueError):
    """Input a search cannot use (unknown filter, bad region code, bad cursor); the edge answers 400 with it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
