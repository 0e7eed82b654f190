"""Sign-in for every page but the API's, which authenticate themselves."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponseBase


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
