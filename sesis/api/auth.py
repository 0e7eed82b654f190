"""Who is calling: a bearer token (machines) or the browser's session (with its CSRF
check). Each operation names the scope it needs; a service token without it is
refused with 403, a personal token or a session has every scope its owner has."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from sesis.access.scope import Scope, activate
from sesis.api.errors import ApiError
from sesis.api.models import SCOPES, ApiToken, TokenKind, token_digest
from sesis.audit.channel import set_channel
from sesis.people.models import Staff

# last_used_at is written at most this often per token, not on every request.
TOUCH_EVERY = dt.timedelta(minutes=5)


class TokenAuth(HttpBearer):
    openapi_description = "A personal or service token: `Authorization: Bearer sesis_...`"

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> Staff | None:
        # Exactly "Bearer <token>": a token with stray spaces or other characters is not
        # a token (it is not tidied into one).
        if not token or token != token.strip() or any(ch.isspace() or not ch.isprintable() for ch in token):
            return None
        found = ApiToken.objects.usable().select_related("staff").filter(digest=token_digest(token)).first()
        if found is None:
            return None
        if not found.allows(self.scope):
            raise ApiError(403, "insufficient_scope", f"This token does not have the {self.scope} scope.")
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.api_token = found  # type: ignore[attr-defined]
        kind = "service" if found.kind == TokenKind.SERVICE else "personal"
        set_channel(f"api {kind} token {found.pk} ({found.name})")
        activate(Scope(found.staff))  # this request's scope, built once
        return found.staff


class BrowserSession(SessionAuth):
    """The signed-in browser: the session cookie, and the CSRF token on writes."""

    def __call__(self, request: HttpRequest) -> Any:
        # Without a signed-in session there is nothing to check the CSRF token for: the
        # caller is told to authenticate (401), not that a browser check failed (403).
        # A request that sends a token is judged by the token alone: a revoked token
        # must not pass because the same browser also has a session.
        if not request.user.is_authenticated or "Authorization" in request.headers:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None:
            set_channel("api session")
        return user


def auth(scope: str) -> list[Any]:
    assert scope in SCOPES, scope
    return [TokenAuth(scope), BrowserSession()]


def actor(request: HttpRequest) -> Staff:
    staff: Staff = request.auth  # type: ignore[attr-defined]
    return staff
