"""The signed-in request, and the decorators that keep pages to the roles they are for."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from sesis.lib.http import View
from sesis.people.models import Staff


class AuthedRequest(HttpRequest):
    user: Staff  # LoginRequiredMiddleware guarantees a signed-in staff member


def administration_required(view: View) -> View:
    """Administration pages exist only for supervisors and administrators; to anyone
    else they are a 404, like every page outside a user's scope."""

    @wraps(view)
    def wrapper(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.can_administer:
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapper
