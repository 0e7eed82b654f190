"""The signed-in request, and the decorators that keep pages to the roles they are for."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from sesis.access.scope import Scope
from sesis.lib.http import View
from sesis.people.models import Staff


class AuthedRequest(HttpRequest):
    user: Staff  # LoginRequiredMiddleware guarantees a signed-in staff member
    scope: Scope  # what they may see (ScopeMiddleware)


def administration_required(view: View) -> View:
    """Administration pages exist only for supervisors and administrators; to anyone
    else they are a 404, like every page outside a user's scope."""

    @wraps(view)
    def wrapper(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.scope.administers:
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapper


def administrator_required(view: View) -> View:
    """Pages for administrators alone (passwords, the school calendar, the record of
    access, service tokens); to anyone else a 404."""

    @wraps(view)
    def wrapper(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.scope.sees_everything:
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapper
