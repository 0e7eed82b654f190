"""Small view helpers shared by every app (no models here)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase

View = Callable[..., HttpResponseBase]  # a page, a redirect, or a streamed file


def paginate(request: HttpRequest, queryset: QuerySet[Any], *, count: int | None = None) -> Page[Any]:
    """The requested page. `count`: the rows' number when the caller knows it already
    (a report's totals), which saves the paginator its own count query."""
    paginator = Paginator(queryset, settings.SESIS_PAGE_SIZE)
    if count is not None:
        paginator.count = count  # the cached property, given
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def form_data(request: HttpRequest) -> Any:
    """The POST data for a form on a POST (even an empty one, which must be refused
    with field errors, not shown as a blank form), otherwise None."""
    return request.POST if request.method == "POST" else None
