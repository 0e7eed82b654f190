"""Sign-in for every page but the API's, which authenticate themselves; and each
request's Scope, built once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponseBase

from sesis.access.scope import Scope, active


class ScopeMiddleware:
    """request.scope: what the signed-in user may see, built once for the request (and
    what Scope.of returns for them until the response is made)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        scope = Scope(request.user) if request.user.is_authenticated else None
        request.scope = scope  # type: ignore[attr-defined]
        with active(scope):
            return self.get_response(request)


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's LoginRequiredMiddleware, except for the API's operations (URL namespace
    "api"): each authenticates itself (a token, or the browser's session) and answers
    401 in the API's error shape rather than redirecting to the sign-in page."""

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        match = request.resolver_match
        if match is not None and match.namespace == "api":
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
