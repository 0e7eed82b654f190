"""Typed request and small view helpers shared by every app."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from sesis.people.models import Staff


class AuthedRequest(HttpRequest):
    user: Staff  # LoginRequiredMiddleware guarantees a signed-in staff member


View = Callable[..., HttpResponse]


def administration_required(view: View) -> View:
    """Administration pages exist only for supervisors and administrators; to anyone
    else they are a 404, like every page outside a user's scope."""

    @wraps(view)
    def wrapper(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.can_administer:
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapper


def paginate(request: HttpRequest, queryset: QuerySet[Any]) -> Page[Any]:
    return Paginator(queryset, settings.SESIS_PAGE_SIZE).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def form_data(request: HttpRequest) -> Any:
    """The POST data for a form on a POST (even an empty one, which must be refused
    with field errors, not shown as a blank form), otherwise None."""
    return request.POST if request.method == "POST" else None
