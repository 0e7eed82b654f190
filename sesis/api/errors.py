"""Every error the API returns has one shape: a machine-readable code, a message in
plain words, and the field it concerns. Every operation declares them in the schema."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class Problem(Schema):
    field: str | None = None
    message: str


class Error(Schema):
    code: str
    message: str
    field: str | None = None
    problems: list[Problem] = []


class ApiError(Exception):
    """An error response raised from anywhere in an operation."""

    def __init__(
        self, status: int, code: str, message: str, *, field: str | None = None, problems: list[Problem] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = Error(code=code, message=message, field=field, problems=problems or [])


# The errors every operation may give: a body that is not JSON, no or a bad token, a
# token without the scope, a thing outside the user's scope, input refused.
COMMON = (400, 401, 403, 404, 422)


def responses(ok: dict[int, Any], *extra: int) -> dict[int, Any]:
    """An operation's responses: its successes and every error it can give."""
    return {**ok, **dict.fromkeys((*COMMON, *extra), Error)}
