"""Which way a change came in (the web, the API with which token, a command), so that
every audit event names it without each action having to be told."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_channel: ContextVar[str] = ContextVar("sesis_audit_channel", default="")


def current_channel() -> str:
    return _channel.get()


def set_channel(name: str) -> None:
    """Name the channel for the rest of this request (the API's authentication does)."""
    _channel.set(name)


class AuditChannelMiddleware:
    """Starts every request as "web" and forgets the channel when it ends."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _channel.set("web")
        try:
            return self.get_response(request)
        finally:
            _channel.reset(token)
