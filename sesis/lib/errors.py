"""Errors that actions raise for refusals a user can act on. The message is shown
as it is, so it names the problem in plain words."""

from __future__ import annotations


class ActionRefused(Exception):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
